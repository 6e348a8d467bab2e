//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package seed

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// nonblockCloexec makes fd non-blocking and close-on-exec. macOS has no
// SOCK_NONBLOCK or accept4, so the programs set both flags after the call,
// under ForkLock (see kqnew_forklock.go).
func nonblockCloexec(fd int) error {
	unix.CloseOnExec(fd)
	return unix.SetNonblock(fd, true)
}

// ksocket opens a non-blocking, close-on-exec TCP socket.
func ksocket() (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	if err := nonblockCloexec(fd); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// kaccept accepts a connection and makes it non-blocking and close-on-exec.
func kaccept(ln int) (int, unix.Sockaddr, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, sa, err := unix.Accept(ln)
	if err != nil {
		return -1, nil, fmt.Errorf("accept: %w", err)
	}
	if err := nonblockCloexec(fd); err != nil {
		unix.Close(fd)
		return -1, nil, err
	}
	return fd, sa, nil
}

// klisten opens a TCP listener on 127.0.0.1 and returns it with its port.
func klisten() (fd, port int, err error) {
	if fd, err = ksocket(); err != nil {
		return -1, 0, err
	}
	if err = unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err == nil {
		err = unix.Listen(fd, 8)
	}
	var sa unix.Sockaddr
	if err == nil {
		sa, err = unix.Getsockname(fd)
	}
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	return fd, sa.(*unix.SockaddrInet4).Port, nil
}

// kdial starts a non-blocking connect to 127.0.0.1:port.
func kdial(port int) (int, error) {
	fd, err := ksocket()
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

// kreadAll reads fd until the peer closes it, waiting on kq (where fd is
// registered for EVFILT_READ) whenever a read would block.
func kreadAll(kq, fd int) ([]byte, error) {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		switch {
		case errors.Is(err, unix.EAGAIN):
			if _, err := kwait(kq, make([]kqueue.Kevent_t, 1)); err != nil {
				return out, fmt.Errorf("waiting for data: %w", err)
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
