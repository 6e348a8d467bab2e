package seed

import (
	"errors"
	"fmt"
	"time"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

var programs = []Program{
	{"epoll-accept", "accept a TCP connection and read from it", epollAccept},
	{"epoll-connect", "a non-blocking connect, an HTTP request and the reply", epollConnect},
	{"epoll-eventfd", "a user event through eventfd", epollEventfd},
	{"epoll-timerfd", "a periodic timer through timerfd", epollTimerfd},
	{"epoll-signalfd", "a UNIX signal through signalfd", epollSignalfd},
	{"epoll-stale", "the stale-event problem, fixed with generation tokens", epollStale},
}

// wait waits for at least one event, repeating the wait when a signal
// interrupts it (the Go runtime preempts goroutines with SIGURG).
func wait(ep int, events []epoll.EpollEvent) (int, error) {
	deadline := time.Now().Add(waitLimit)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return 0, errTimeout
		}
		n, err := epoll.EpollWait(ep, events, int(left.Milliseconds())+1)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return 0, fmt.Errorf("epoll_wait: %w", err)
		case n > 0:
			return n, nil
		}
	}
}

// register adds fd to the interest list of ep for events, with token as
// the event's data.
func register(ep, fd int, events epoll.Events, token uint64) error {
	if err := epoll.EpollCtl(ep, epoll.EPOLL_CTL_ADD, fd, epoll.EventU64(events, token)); err != nil {
		return fmt.Errorf("epoll_ctl ADD: %w", err)
	}
	return nil
}

// waitFor registers fd for events with token as its data, waits for one
// event and removes fd again.
func waitFor(ep, fd int, events epoll.Events, token uint64) (epoll.EpollEvent, error) {
	if err := register(ep, fd, events, token); err != nil {
		return epoll.EpollEvent{}, err
	}
	defer epoll.EpollCtl(ep, epoll.EPOLL_CTL_DEL, fd, nil)
	got := make([]epoll.EpollEvent, 1)
	if _, err := wait(ep, got); err != nil {
		return got[0], err
	}
	if got[0].U64() != token {
		return got[0], fmt.Errorf("event for token %d; want %d", got[0].U64(), token)
	}
	return got[0], nil
}

// listen opens a non-blocking, close-on-exec TCP listener on 127.0.0.1 and
// returns it with its port.
func listen() (fd, port int, err error) {
	fd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, 0, err
	}
	addr := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if err = unix.Bind(fd, addr); err == nil {
		err = unix.Listen(fd, 8)
	}
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	return fd, sa.(*unix.SockaddrInet4).Port, nil
}

// dial starts a non-blocking connect to 127.0.0.1:port. It returns as soon
// as the connect is under way (EINPROGRESS) or done.
func dial(port int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	err = unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port})
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		unix.Close(fd)
		return -1, fmt.Errorf("connect: %w", err)
	}
	return fd, nil
}
