package seed

import (
	"fmt"
	"io"
	"runtime"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

// epollSignalfd receives SIGUSR1 through a signalfd. A signalfd only sees a
// signal that is blocked in the thread it is delivered to, and the Go
// runtime's other threads do not block it: so the goroutine locks itself to
// its thread, blocks the signal there and sends it to that thread with tgkill.
func epollSignalfd(w io.Writer) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	var set, old epoll.Sigset
	if err := set.Add(unix.SIGUSR1); err != nil {
		return err
	}
	if err := epoll.RtSigprocmask(epoll.SIG_BLOCK, &set, &old); err != nil {
		return err
	}
	defer epoll.RtSigprocmask(epoll.SIG_SETMASK, &old, nil)

	sfd, err := epoll.Signalfd(-1, &set, epoll.SFD_NONBLOCK)
	if err != nil {
		return err
	}
	defer unix.Close(sfd)
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)
	if err := register(ep, sfd, epoll.EPOLLIN, 1); err != nil {
		return err
	}
	if err := unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGUSR1); err != nil {
		return err
	}
	events := make([]epoll.EpollEvent, 1)
	if _, err := wait(ep, events); err != nil {
		return err
	}
	infos := make([]epoll.SignalfdSiginfo, 4)
	n, err := epoll.SignalfdRead(sfd, infos)
	if err != nil {
		return err
	}
	for _, si := range infos[:n] {
		fmt.Fprintf(w, "%v: received %v (signal %d) from pid %d, code %d\n",
			events[0].Events, unix.SignalName(unix.Signal(si.Signo)), si.Signo, si.Pid, si.Code)
	}
	return nil
}
