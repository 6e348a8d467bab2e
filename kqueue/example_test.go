//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue_test

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// These examples are compiled for every BSD and macOS target in CI but have
// not run: there is no BSD or macOS kernel where this module is developed.

// The registration and wait loop: register a descriptor, wait for events,
// loop on EINTR (the Go runtime's preemption signal interrupts waits). A
// change is built either with EV_SET or as a composite literal, as
// golang.org/x/sys users write it; both fill the same fields.
func Example() {
	kq, err := kqueue.KqueueCloexec() // close-on-exec, the best way each system allows
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(kq)
	r, w, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	fd := int(r.Fd())

	// The value form, one expression: the descriptor and the note go in as
	// they are.
	ev := kqueue.Change(fd, kqueue.EVFILT_READ, kqueue.EV_ADD|kqueue.EV_CLEAR, 0, 0, 1)
	// The same change with EV_SET, and as a literal (Ident is a uintptr,
	// Fflags a uint32, as in golang.org/x/sys).
	var set kqueue.Kevent_t
	kqueue.EV_SET(&set, fd, kqueue.EVFILT_READ, kqueue.EV_ADD|kqueue.EV_CLEAR, 0, 0, 1)
	lit := kqueue.Kevent_t{Ident: uintptr(fd), Filter: kqueue.EVFILT_READ, Flags: kqueue.EV_ADD | kqueue.EV_CLEAR, Udata: 1}
	if ev != set || ev != lit {
		log.Fatal("the three forms differ")
	}
	if _, err := kqueue.Kevent(kq, []kqueue.Kevent_t{ev}, nil, nil); err != nil {
		log.Fatal(err)
	}

	w.Write([]byte("x"))
	events := make([]kqueue.Kevent_t, 16)
	for {
		n, err := kqueue.Kevent(kq, nil, events, nil) // nil timeout: wait until an event
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range events[:n] {
			fmt.Printf("%v: %d bytes to read on fd %d, token %d\n", e.Filter, e.Data, e.Fd(), e.Udata)
		}
		return
	}
}

// A user event: register EVFILT_USER once, then trigger it, from any
// goroutine, with NOTE_TRIGGER; the low 24 bits of fflags carry a value.
func Example_userEvent() {
	kq, err := kqueue.Kqueue()
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(kq)
	var add, trigger kqueue.Kevent_t
	kqueue.EV_SET(&add, 1, kqueue.EVFILT_USER, kqueue.EV_ADD|kqueue.EV_CLEAR, 0, 0, 0)
	kqueue.EV_SET(&trigger, 1, kqueue.EVFILT_USER, 0, kqueue.NOTE_TRIGGER|kqueue.NOTE_FFCOPY|42, 0, 0)
	if _, err := kqueue.Kevent(kq, []kqueue.Kevent_t{add, trigger}, nil, nil); err != nil {
		log.Fatal(err)
	}
	events := make([]kqueue.Kevent_t, 1)
	n, err := kqueue.Kevent(kq, nil, events, &unix.Timespec{Sec: 1})
	if err != nil || n != 1 {
		log.Fatal(n, err)
	}
	fmt.Printf("%d\n", kqueue.NoteUser(events[0].Fflags)&kqueue.NOTE_FFLAGSMASK) // 42
}

// A timer: EVFILT_TIMER with data in milliseconds (the unit with no NOTE_
// unit flag), periodic unless EV_ONESHOT. Data of a timer event is how many
// times it expired since the last report.
func Example_timer() {
	kq, err := kqueue.Kqueue()
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(kq)
	var periodic, once kqueue.Kevent_t
	kqueue.EV_SET(&periodic, 1, kqueue.EVFILT_TIMER, kqueue.EV_ADD, 0, 20, 0)
	kqueue.EV_SET(&once, 2, kqueue.EVFILT_TIMER, kqueue.EV_ADD|kqueue.EV_ONESHOT, 0, 50, 0)
	if _, err := kqueue.Kevent(kq, []kqueue.Kevent_t{periodic, once}, nil, nil); err != nil {
		log.Fatal(err)
	}
	events := make([]kqueue.Kevent_t, 2)
	for fired := 0; fired < 3; {
		n, err := kqueue.Kevent(kq, nil, events, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range events[:n] {
			fmt.Printf("timer %d expired %d times\n", e.Ident, e.Data)
			fired++
		}
	}
}

// A generation token in udata: the kernel hands udata back unread, and Go's
// garbage collector does not see it, so it holds an integer naming the
// object, never a pointer. The slot indexes a table; the generation changes
// when the slot is reused, so an event for an object closed earlier in the
// same batch is recognised as stale and dropped. Here the slot is the low 16
// bits and the generation the next 16, which fits udata on 32-bit systems
// too.
func Example_generationToken() {
	type conn struct {
		fd  int
		gen uint16
	}
	table := []conn{{fd: 5, gen: 1}}
	token := func(slot int) uintptr { return uintptr(table[slot].gen)<<16 | uintptr(slot) }
	lookup := func(udata uintptr) (*conn, bool) {
		slot, gen := int(udata&0xffff), uint16(udata>>16)
		if slot >= len(table) || table[slot].gen != gen {
			return nil, false // stale: the slot was reused or closed
		}
		return &table[slot], true
	}

	var ev kqueue.Kevent_t
	kqueue.EV_SET(&ev, table[0].fd, kqueue.EVFILT_READ, kqueue.EV_ADD, 0, 0, token(0))
	table[0].gen++ // the connection is closed and its slot reused
	_, ok := lookup(ev.Udata)
	fmt.Println(ok) // false
}
