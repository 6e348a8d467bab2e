package seed

import (
	"errors"
	"fmt"
	"io"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

// epollEventfd sends user events from another goroutine through an eventfd
// and receives them with epoll. Writes add to the counter; a read takes the
// sum and resets it, so several writes may arrive as one event.
func epollEventfd(w io.Writer) error {
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)
	efd, err := epoll.Eventfd(0, epoll.EFD_NONBLOCK)
	if err != nil {
		return err
	}
	defer unix.Close(efd)
	if err := register(ep, efd, epoll.EPOLLIN, 1); err != nil {
		return err
	}
	go func() {
		for i := uint64(1); i <= 3; i++ {
			epoll.EventfdWrite(efd, i)
		}
	}()
	events := make([]epoll.EpollEvent, 1)
	var total uint64
	for total < 1+2+3 {
		if _, err := wait(ep, events); err != nil {
			return err
		}
		v, err := epoll.EventfdRead(efd)
		if errors.Is(err, unix.EAGAIN) {
			continue
		}
		if err != nil {
			return err
		}
		total += v
		fmt.Fprintf(w, "%v: counter %d\n", events[0].Events, v)
	}
	fmt.Fprintf(w, "received user events adding up to %d\n", total)
	return nil
}
