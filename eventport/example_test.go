//go:build illumos || solaris

package eventport_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
	"unsafe"

	"github.com/eventq/eventq/eventport"
	"golang.org/x/sys/unix"
)

// These examples are compiled for illumos and Solaris in CI but have not
// run: there is no illumos or Solaris kernel where this module is developed.

// Associate a descriptor, wait, handle the event, associate again: an
// association delivers one event and is then gone. The user value is an
// integer token (here the descriptor), never a Go pointer. A waiting
// PortGet returns EINTR whenever a signal arrives (the Go runtime's
// preemption signal among them): loop. The wait is bounded (nil would wait
// forever), so that a missing event fails instead of hanging.
func Example() {
	port, err := eventport.PortCreateCloexec()
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(port)
	r, w, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	fd := int(r.Fd())
	for i := 0; i < 2; i++ {
		// (Re-)associate before each wait.
		if err := eventport.PortAssociate(port, eventport.PORT_SOURCE_FD, uintptr(fd), int32(eventport.POLLIN), uintptr(fd)); err != nil {
			log.Fatal(err)
		}
		if _, err := w.Write([]byte{'x'}); err != nil {
			log.Fatal(err)
		}
		var ev eventport.PortEvent
		for {
			err = eventport.PortGet(port, &ev, &unix.Timespec{Sec: 5})
			if !errors.Is(err, unix.EINTR) {
				break
			}
		}
		if err != nil {
			log.Fatal(err)
		}
		buf := make([]byte, 1)
		n, _ := unix.Read(int(ev.User), buf)
		fmt.Println(ev.Source, eventport.PollEvents(ev.Events), ev.Object == uintptr(fd), n)
	}
	// Output:
	// PORT_SOURCE_FD POLLIN true 1
	// PORT_SOURCE_FD POLLIN true 1
}

// A user event: port_send queues events and a user value, which come back
// unread. A zero timeout polls without handing the thread to the scheduler.
func Example_userEvent() {
	port, err := eventport.PortCreateCloexec()
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(port)
	if err := eventport.PortSend(port, 42, 7); err != nil {
		log.Fatal(err)
	}
	var ev eventport.PortEvent
	if err := eventport.PortGet(port, &ev, &unix.Timespec{}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Source, ev.Events, ev.User)
	err = eventport.PortGet(port, &ev, &unix.Timespec{})
	fmt.Println(errors.Is(err, unix.ETIME))
	// Output:
	// PORT_SOURCE_USER 42 7
	// true
}

// A file watch: the kernel holds the FileObj by address until the event is
// retrieved, so it (and its name) is pinned until then.
func Example_fileWatch() {
	port, err := eventport.PortCreateCloexec()
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(port)
	f, err := os.CreateTemp("", "eventport")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Stat(f.Name(), &st); err != nil {
		log.Fatal(err)
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
	defer pin.Unpin() // after the event: the kernel no longer holds fobj
	obj := uintptr(unsafe.Pointer(fobj))
	if err := eventport.PortAssociate(port, eventport.PORT_SOURCE_FILE, obj, int32(eventport.FILE_MODIFIED), 1); err != nil {
		log.Fatal(err)
	}
	if _, err := f.WriteString("changed"); err != nil {
		log.Fatal(err)
	}
	var ev eventport.PortEvent
	for {
		err = eventport.PortGet(port, &ev, &unix.Timespec{Sec: 5})
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Source, eventport.FileEvents(ev.Events), ev.Object == obj, ev.User)
	// Output:
	// PORT_SOURCE_FILE FILE_MODIFIED true 1
}
