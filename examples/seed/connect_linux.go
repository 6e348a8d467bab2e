package seed

import (
	"errors"
	"fmt"
	"io"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

// epollConnect connects without blocking to an HTTP server that the program
// starts itself, sends a request and reads the whole reply.
func epollConnect(w io.Writer) error {
	port, stop, err := helloServer()
	if err != nil {
		return err
	}
	defer stop()

	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)
	fd, err := dial(port)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// The connect completes when the socket becomes writable; SO_ERROR
	// then says whether it succeeded.
	ev, err := waitFor(ep, fd, epoll.EPOLLOUT, 1)
	if err != nil {
		return fmt.Errorf("waiting for the connect: %w", err)
	}
	if soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || soerr != 0 {
		return fmt.Errorf("connect failed: %v %v", unix.Errno(soerr), err)
	}
	fmt.Fprintf(w, "%v: connected to 127.0.0.1:%d\n", ev.Events, port)

	req := "GET /epoll HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
	if n, err := unix.Write(fd, []byte(req)); err != nil || n != len(req) {
		return fmt.Errorf("write: %d of %d bytes, %v", n, len(req), err)
	}
	reply, err := readAll(ep, fd)
	if err != nil {
		return err
	}
	printReply(w, reply)
	return nil
}

// readAll reads fd until the peer closes it, waiting with epoll whenever a
// read would block.
func readAll(ep, fd int) ([]byte, error) {
	if err := register(ep, fd, epoll.EPOLLIN|epoll.EPOLLRDHUP, 2); err != nil {
		return nil, err
	}
	var out []byte
	buf := make([]byte, 4096)
	events := make([]epoll.EpollEvent, 1)
	for {
		n, err := unix.Read(fd, buf)
		switch {
		case errors.Is(err, unix.EAGAIN):
			if _, err := wait(ep, events); err != nil {
				return out, fmt.Errorf("waiting for the reply: %w", err)
			}
		case err != nil:
			return out, err
		case n == 0:
			return out, nil
		default:
			out = append(out, buf[:n]...)
		}
	}
}
