package seed

// This file builds for illumos too: Go's illumos builds satisfy solaris's
// file suffix.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
	"unsafe"

	"github.com/eventq/eventq/eventport"
	"golang.org/x/sys/unix"
)

// These programs are built for illumos and Solaris by .ci/run but have not
// run on either kernel: none is available where this module is developed.
var programs = []Program{
	{"eventport-connect", "connect without blocking and make an HTTP request, with POLLOUT and POLLIN associations", eventportConnect},
	{"eventport-echo", "a small TCP echo server, with PORT_SOURCE_FD associations renewed after each event", eventportEcho},
	{"eventport-user", "user events through port_send and port_sendn, and alert mode through port_alert", eventportUser},
	{"eventport-file", "watch a file for FILE_MODIFIED with PORT_SOURCE_FILE", eventportFile},
}

// pwait retrieves at least one event into events, waiting up to waitLimit
// and retrying EINTR, and returns how many it retrieved. port_getn can
// return ETIME with events retrieved: those count.
func pwait(port int, events []eventport.PortEvent) (int, error) {
	deadline := time.Now().Add(waitLimit)
	for {
		ts := unix.NsecToTimespec(time.Until(deadline).Nanoseconds())
		nget := uint32(1)
		err := eventport.PortGetn(port, events, &nget, &ts)
		switch {
		case err == nil, errors.Is(err, unix.ETIME) && nget > 0:
			return int(nget), nil
		case errors.Is(err, unix.ETIME):
			return 0, errTimeout
		case !errors.Is(err, unix.EINTR):
			return 0, err
		}
	}
}

// watch associates fd with port for POLLIN, with fd itself as the token.
func watch(port, fd int) error {
	return eventport.PortAssociate(port, eventport.PORT_SOURCE_FD, uintptr(fd), int32(eventport.POLLIN), uintptr(fd))
}

// eventportConnect connects without blocking to an HTTP server that the
// program starts itself, sends a request and reads the whole reply,
// associating the socket for POLLOUT (the connect completed) and then for
// POLLIN before each read that would block.
func eventportConnect(w io.Writer) error {
	hport, stop, err := helloServer()
	if err != nil {
		return err
	}
	defer stop()
	port, err := eventport.PortCreateCloexec()
	if err != nil {
		return err
	}
	defer unix.Close(port)
	fd, err := kdial(hport)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := eventport.PortAssociate(port, eventport.PORT_SOURCE_FD, uintptr(fd), int32(eventport.POLLOUT), uintptr(fd)); err != nil {
		return err
	}
	events := make([]eventport.PortEvent, 1)
	if _, err := pwait(port, events); err != nil {
		return fmt.Errorf("waiting for the connect: %w", err)
	}
	if soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || soerr != 0 {
		return fmt.Errorf("connect failed: %v %v", unix.Errno(soerr), err)
	}
	fmt.Fprintf(w, "%v %v: connected to 127.0.0.1:%d\n", events[0].Source, eventport.PollEvents(events[0].Events), hport)
	req := "GET /eventport HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
	if n, err := unix.Write(fd, []byte(req)); err != nil || n != len(req) {
		return fmt.Errorf("write: %d of %d bytes, %v", n, len(req), err)
	}
	var reply []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		switch {
		case errors.Is(err, unix.EAGAIN):
			if err := watch(port, fd); err != nil {
				return err
			}
			if _, err := pwait(port, events); err != nil {
				return fmt.Errorf("waiting for data: %w", err)
			}
		case err != nil:
			return err
		case n == 0:
			printReply(w, reply)
			return nil
		default:
			reply = append(reply, buf[:n]...)
		}
	}
}

// eventportEcho is a small TCP echo server with one event port: the
// listener and every connection are associated for POLLIN, each with its
// descriptor as the token. An association delivers one event and is then
// gone, so each descriptor is associated again once its event is handled.
// Two clients (goroutines) send a message each, check the echo and hang
// up; the server stops when both have gone.
func eventportEcho(w io.Writer) error {
	port, err := eventport.PortCreateCloexec()
	if err != nil {
		return err
	}
	defer unix.Close(port)
	ln, lport, err := klisten()
	if err != nil {
		return err
	}
	defer unix.Close(ln)
	events := make([]eventport.PortEvent, 4)
	next := func() ([]int, error) {
		n, err := pwait(port, events)
		var fds []int
		for _, ev := range events[:n] {
			fds = append(fds, int(ev.User))
		}
		return fds, err
	}
	// An association delivers one event and is gone: each descriptor is
	// associated again after its event is handled.
	associate := func(fd int, _ bool) error { return watch(port, fd) }
	return echoServer(w, ln, lport, next, associate)
}

// eventportUser sends a user event to a port, then one event to a list of
// ports of which one is not open, then puts a port in alert mode.
func eventportUser(w io.Writer) error {
	a, err := eventport.PortCreateCloexec()
	if err != nil {
		return err
	}
	defer unix.Close(a)
	b, err := eventport.PortCreateCloexec()
	if err != nil {
		return err
	}
	defer unix.Close(b)
	events := make([]eventport.PortEvent, 1)

	if err := eventport.PortSend(a, 42, 7); err != nil {
		return err
	}
	if _, err := pwait(a, events); err != nil {
		return err
	}
	fmt.Fprintf(w, "%v: events %d, user %d\n", events[0].Source, events[0].Events, events[0].User)

	ports := []int32{int32(a), -1, int32(b)}
	errs := make([]int32, len(ports))
	n, err := eventport.PortSendn(ports, errs, 5, 8)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "port_sendn: sent to %d of %d ports; port -1: %v\n", n, len(ports), unix.Errno(errs[1]))
	for _, port := range []int{a, b} {
		if _, err := pwait(port, events); err != nil {
			return err
		}
		fmt.Fprintf(w, "%v: events %d, user %d\n", events[0].Source, events[0].Events, events[0].User)
	}

	if err := eventport.PortAlert(a, eventport.PORT_ALERT_SET, 9, 10); err != nil {
		return err
	}
	if _, err := pwait(a, events); err != nil {
		return err
	}
	fmt.Fprintf(w, "%v: events %d, user %d\n", events[0].Source, events[0].Events, events[0].User)
	return eventport.PortAlert(a, 0, 0, 0) // leave alert mode
}

// eventportFile watches a file for FILE_MODIFIED, then writes to it. The
// kernel holds the FileObj by address until the event is retrieved: it and
// its name are pinned until then.
func eventportFile(w io.Writer) error {
	port, err := eventport.PortCreateCloexec()
	if err != nil {
		return err
	}
	defer unix.Close(port)
	f, err := os.CreateTemp("", "eventport-file")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Stat(f.Name(), &st); err != nil {
		return err
	}
	name := append([]byte(f.Name()), 0)
	fobj := &eventport.FileObj{
		Atime: eventport.Timestruc(st.Atim),
		Mtime: eventport.Timestruc(st.Mtim),
		Ctime: eventport.Timestruc(st.Ctim),
		Name:  &name[0],
	}
	var pin runtime.Pinner
	pin.Pin(fobj)
	pin.Pin(&name[0])
	defer pin.Unpin()
	obj := uintptr(unsafe.Pointer(fobj))
	if err := eventport.PortAssociate(port, eventport.PORT_SOURCE_FILE, obj, int32(eventport.FILE_MODIFIED), 1); err != nil {
		return err
	}
	fmt.Fprintf(w, "watching %s\n", f.Name())
	if _, err := f.WriteString("changed"); err != nil {
		return err
	}
	events := make([]eventport.PortEvent, 1)
	if _, err := pwait(port, events); err != nil {
		return err
	}
	ev := events[0]
	fmt.Fprintf(w, "%v: %v on the watched FileObj: %v\n", ev.Source, eventport.FileEvents(ev.Events), ev.Object == obj)
	return nil
}
