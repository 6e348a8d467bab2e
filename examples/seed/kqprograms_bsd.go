//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package seed

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// kqueueAccept waits for a connection on a listening socket, accepts it, and
// waits for the data the client sends.
func kqueueAccept(w io.Writer) error {
	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	ln, port, err := klisten()
	if err != nil {
		return err
	}
	defer unix.Close(ln)
	fmt.Fprintf(w, "listening on 127.0.0.1:%d\n", port)
	if err := kreg(kq, ln, kqueue.EVFILT_READ, kqueue.EV_ADD, 1); err != nil {
		return err
	}
	client, err := kdial(port) // the client would be another process
	if err != nil {
		return err
	}
	defer unix.Close(client)

	events := make([]kqueue.Kevent_t, 1)
	if _, err := kwait(kq, events); err != nil {
		return fmt.Errorf("waiting for a connection: %w", err)
	}
	// For a listening socket, data is the length of the accept queue.
	fmt.Fprintf(w, "%v on the listener: %d connection(s) waiting\n", events[0].Filter, events[0].Data)
	conn, sa, err := kaccept(ln)
	if err != nil {
		return err
	}
	defer unix.Close(conn)
	peer := sa.(*unix.SockaddrInet4)
	fmt.Fprintf(w, "accepted a connection from %v:%d\n", net.IP(peer.Addr[:]), peer.Port)

	if err := kreg(kq, client, kqueue.EVFILT_WRITE, kqueue.EV_ADD|kqueue.EV_ONESHOT, 2); err != nil {
		return err
	}
	if _, err := kwait(kq, events); err != nil {
		return fmt.Errorf("waiting for the client to connect: %w", err)
	}
	if _, err := unix.Write(client, []byte("hello from the client")); err != nil {
		return err
	}
	if err := kreg(kq, conn, kqueue.EVFILT_READ, kqueue.EV_ADD, 3); err != nil {
		return err
	}
	for {
		if _, err := kwait(kq, events); err != nil {
			return fmt.Errorf("waiting for data: %w", err)
		}
		if events[0].Udata == 3 {
			break
		}
	}
	buf := make([]byte, 64)
	n, err := unix.Read(conn, buf)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%v: %d byte(s) ready, read %q\n", events[0].Filter, events[0].Data, buf[:n])
	return nil
}

// kqueueConnect connects without blocking to an HTTP server that the
// program starts itself, sends a request and reads the whole reply.
func kqueueConnect(w io.Writer) error {
	port, stop, err := helloServer()
	if err != nil {
		return err
	}
	defer stop()

	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	fd, err := kdial(port)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// The connect completes when the socket becomes writable; SO_ERROR then
	// says whether it succeeded (EV_EOF with the error in fflags, too).
	if err := kreg(kq, fd, kqueue.EVFILT_WRITE, kqueue.EV_ADD|kqueue.EV_ONESHOT, 1); err != nil {
		return err
	}
	events := make([]kqueue.Kevent_t, 1)
	if _, err := kwait(kq, events); err != nil {
		return fmt.Errorf("waiting for the connect: %w", err)
	}
	if soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || soerr != 0 {
		return fmt.Errorf("connect failed: %v %v", unix.Errno(soerr), err)
	}
	fmt.Fprintf(w, "%v: connected to 127.0.0.1:%d\n", events[0].Filter, port)

	req := "GET /kqueue HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
	if n, err := unix.Write(fd, []byte(req)); err != nil || n != len(req) {
		return fmt.Errorf("write: %d of %d bytes, %v", n, len(req), err)
	}
	if err := kreg(kq, fd, kqueue.EVFILT_READ, kqueue.EV_ADD, 2); err != nil {
		return err
	}
	reply, err := kreadAll(kq, fd)
	if err != nil {
		return err
	}
	printReply(w, reply)
	return nil
}

// kqueueSignal receives SIGUSR1 through EVFILT_SIGNAL. The filter records
// every attempt to deliver the signal to the process, whatever the signal's
// disposition; it does not take the signal away from its handler. The Go
// runtime would exit on SIGUSR1, so the program asks package signal for it
// first, and drains that channel too.
func kqueueSignal(w io.Writer) error {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, unix.SIGUSR1)
	defer signal.Stop(ch)
	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	if err := kreg(kq, int(unix.SIGUSR1), kqueue.EVFILT_SIGNAL, kqueue.EV_ADD|kqueue.EV_CLEAR, 0); err != nil {
		return err
	}
	for iter := 0; iter < 2; iter++ {
		if err := unix.Kill(unix.Getpid(), unix.SIGUSR1); err != nil {
			return err
		}
	}
	events := make([]kqueue.Kevent_t, 1)
	if _, err := kwait(kq, events); err != nil {
		return err
	}
	// data counts the deliveries since the last report.
	fmt.Fprintf(w, "%v ident %d (%v): delivered %d time(s)\n", events[0].Filter, events[0].Ident,
		unix.SignalName(unix.Signal(events[0].Ident)), events[0].Data)
	<-ch
	return nil
}

// kqueueTelnet is a telnet-like client: one kqueue watches its input and a
// socket at once, sends each input line to the server and prints what the
// server sends. So that it runs unattended, its input is a pipe that it
// writes two lines to itself (a real client would watch fd 0), and the
// server is a goroutine that greets, then answers each line in upper case.
func kqueueTelnet(w io.Writer) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	go serveUpper(l)

	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		return err
	}
	in := p[0]
	defer unix.Close(in)
	if err := nonblockCloexec(in); err != nil {
		return err
	}
	go func() {
		defer unix.Close(p[1])
		unix.Write(p[1], []byte("hello\nkqueue\n"))
	}()

	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	sock, err := kdial(l.Addr().(*net.TCPAddr).Port)
	if err != nil {
		return err
	}
	defer unix.Close(sock)
	const inputTok, sockTok = 1, 2
	if err := kreg(kq, in, kqueue.EVFILT_READ, kqueue.EV_ADD, inputTok); err != nil {
		return err
	}
	if err := kreg(kq, sock, kqueue.EVFILT_READ, kqueue.EV_ADD, sockTok); err != nil {
		return err
	}
	events := make([]kqueue.Kevent_t, 2)
	buf := make([]byte, 512)
	inputOpen, lines := true, 0
	for lines < 3 { // the greeting and two answers
		n, err := kwait(kq, events)
		if err != nil {
			return err
		}
		for _, ev := range events[:n] {
			switch ev.Udata {
			case inputTok:
				m, err := unix.Read(in, buf)
				if err != nil && err != unix.EAGAIN {
					return err
				}
				if m > 0 {
					fmt.Fprintf(w, "input: %q\n", buf[:m])
					if _, err := unix.Write(sock, buf[:m]); err != nil {
						return err
					}
				}
				if m == 0 && ev.Flags&kqueue.EV_EOF != 0 && inputOpen {
					inputOpen = false // the input ended: stop watching it
					if err := kreg(kq, in, kqueue.EVFILT_READ, kqueue.EV_DELETE, 0); err != nil {
						return err
					}
				}
			case sockTok:
				m, err := unix.Read(sock, buf)
				if err != nil && err != unix.EAGAIN {
					return err
				}
				for _, line := range strings.SplitAfter(string(buf[:max(m, 0)]), "\n") {
					if line != "" {
						fmt.Fprintf(w, "server: %q\n", line)
						lines++
					}
				}
				if m == 0 {
					return fmt.Errorf("the server closed the connection")
				}
			}
		}
	}
	return nil
}

// serveUpper greets each client and answers each line in upper case.
func serveUpper(l net.Listener) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	io.WriteString(c, "welcome\n")
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		c.Write(bytes.ToUpper(buf[:n]))
	}
}

// kqueueEcho is a small TCP echo server with one kqueue: the listener and
// every connection are registered for EVFILT_READ, each with its
// descriptor as the token. Two clients (goroutines) send a message each,
// check the echo and hang up; the server stops when both have gone.
func kqueueEcho(w io.Writer) error {
	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	ln, port, err := klisten()
	if err != nil {
		return err
	}
	defer unix.Close(ln)
	events := make([]kqueue.Kevent_t, 4)
	next := func() ([]int, error) {
		n, err := kwait(kq, events)
		var fds []int
		for _, ev := range events[:n] {
			fds = append(fds, int(ev.Udata))
		}
		return fds, err
	}
	// A registration lasts until EV_DELETE or close: a descriptor is
	// registered once, and closing it removes its events from the kqueue.
	register := func(fd int, again bool) error {
		if again {
			return nil
		}
		return kreg(kq, fd, kqueue.EVFILT_READ, kqueue.EV_ADD, uintptr(fd))
	}
	return echoServer(w, ln, port, next, register)
}
