package seed

import (
	"fmt"
	"io"
	"net"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

// epollAccept waits for a connection on a listening socket, accepts it, and
// waits for the data the client sends.
func epollAccept(w io.Writer) error {
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)
	ln, port, err := listen()
	if err != nil {
		return err
	}
	defer unix.Close(ln)
	fmt.Fprintf(w, "listening on 127.0.0.1:%d\n", port)

	// The client would be another process; here it is a socket of our own.
	client, err := dial(port)
	if err != nil {
		return err
	}
	defer unix.Close(client)

	if _, err := waitFor(ep, ln, epoll.EPOLLIN, 1); err != nil {
		return fmt.Errorf("waiting for a connection: %w", err)
	}
	conn, sa, err := unix.Accept4(ln, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return fmt.Errorf("accept4: %w", err)
	}
	defer unix.Close(conn)
	peer := sa.(*unix.SockaddrInet4)
	fmt.Fprintf(w, "accepted a connection from %v:%d\n", net.IP(peer.Addr[:]), peer.Port)

	if _, err := waitFor(ep, client, epoll.EPOLLOUT, 2); err != nil {
		return fmt.Errorf("waiting for the client to connect: %w", err)
	}
	if _, err := unix.Write(client, []byte("hello from the client")); err != nil {
		return err
	}
	ev, err := waitFor(ep, conn, epoll.EPOLLIN|epoll.EPOLLRDHUP, 3)
	if err != nil {
		return fmt.Errorf("waiting for data: %w", err)
	}
	buf := make([]byte, 64)
	n, err := unix.Read(conn, buf)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%v: read %q\n", ev.Events, buf[:n])
	return nil
}
