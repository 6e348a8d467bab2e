//go:build darwin || dragonfly || freebsd || netbsd || openbsd || solaris

package seed

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// The TCP helpers of the kqueue and event port programs.

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

// echoClients starts n clients of an echo server on 127.0.0.1:port, each a
// goroutine that sends a message, checks the echo and hangs up, and sends
// its result on the channel it returns.
func echoClients(port, n int) <-chan error {
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		i := i // each goroutine its own i (the module declares Go 1.21)
		go func() {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				results <- err
				return
			}
			defer c.Close()
			msg := fmt.Sprintf("message %d", i)
			io.WriteString(c, msg)
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
				results <- fmt.Errorf("client %d: echo %q, %v", i, got, err)
				return
			}
			results <- nil
		}()
	}
	return results
}

// waitClients waits for n results of echoClients and returns the first error.
func waitClients(results <-chan error, n int) error {
	var first error
	for i := 0; i < n; i++ {
		if err := <-results; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// echoServer is the loop of the echo programs: it serves the clients of
// echoClients on the listener ln (at port) and returns when both have hung
// up. next waits for and returns the ready descriptors (the listener's
// token is ln); watch asks for a descriptor's readiness, the first time
// (again false) and after each of its events (again true), for queues whose
// registrations deliver one event.
func echoServer(w io.Writer, ln, port int, next func() ([]int, error), watch func(fd int, again bool) error) error {
	if err := watch(ln, false); err != nil {
		return err
	}
	const clients = 2
	results := echoClients(port, clients)
	buf := make([]byte, 512)
	accepted, closed := 0, 0
	for closed < clients {
		fds, err := next()
		if err != nil {
			return err
		}
		for _, fd := range fds {
			if fd == ln {
				conn, _, err := kaccept(ln)
				if err != nil {
					return err
				}
				accepted++
				if err := watch(conn, false); err != nil {
					return err
				}
			} else {
				m, err := unix.Read(fd, buf)
				switch {
				case err == unix.EAGAIN:
				case err != nil || m == 0:
					unix.Close(fd) // which removes it from the queue
					closed++
					continue
				default:
					fmt.Fprintf(w, "echo %q\n", buf[:m])
					if _, err := unix.Write(fd, buf[:m]); err != nil {
						return err
					}
				}
			}
			if err := watch(fd, true); err != nil {
				return err
			}
		}
	}
	if err := waitClients(results, clients); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d clients served\n", accepted)
	return nil
}
