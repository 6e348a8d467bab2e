package seed

import (
	"errors"
	"fmt"
	"io"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

// epollTimerfd runs a periodic 20 ms timer until it has expired three
// times, then disarms it.
func epollTimerfd(w io.Writer) error {
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)
	tfd, err := epoll.TimerfdCreate(epoll.CLOCK_MONOTONIC, epoll.TFD_NONBLOCK)
	if err != nil {
		return err
	}
	defer unix.Close(tfd)
	if err := register(ep, tfd, epoll.EPOLLIN, 1); err != nil {
		return err
	}
	period := unix.NsecToTimespec(20e6)
	if err := epoll.TimerfdSettime(tfd, 0, &unix.ItimerSpec{Interval: period, Value: period}, nil); err != nil {
		return err
	}
	events := make([]epoll.EpollEvent, 1)
	var ticks uint64
	for ticks < 3 {
		if _, err := wait(ep, events); err != nil {
			return err
		}
		n, err := epoll.TimerfdRead(tfd)
		if errors.Is(err, unix.EAGAIN) {
			continue
		}
		if err != nil {
			return err
		}
		ticks += n
		fmt.Fprintf(w, "%v: %d expiration(s)\n", events[0].Events, n)
	}
	if err := epoll.TimerfdSettime(tfd, 0, &unix.ItimerSpec{}, nil); err != nil {
		return err
	}
	fmt.Fprintf(w, "timer disarmed after %d expirations\n", ticks)
	return nil
}
