//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package seed

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// These programs are built for every BSD and macOS target by .ci/run but
// have not run on any of their kernels: none is available where this module
// is developed.
var programs = []Program{
	{"kqueue-accept", "accept a TCP connection and read from it, with EVFILT_READ", kqueueAccept},
	{"kqueue-connect", "connect without blocking and make an HTTP request, with EVFILT_WRITE and EVFILT_READ", kqueueConnect},
	{"kqueue-user", "a user event through EVFILT_USER", kqueueUser},
	{"kqueue-timer", "a periodic and a one-shot EVFILT_TIMER", kqueueTimer},
	{"kqueue-signal", "a UNIX signal through EVFILT_SIGNAL", kqueueSignal},
	{"kqueue-telnet", "a telnet-like client reading its input and a socket at once", kqueueTelnet},
	{"kqueue-echo", "a small TCP echo server", kqueueEcho},
	{"kqueue-stale", "the stale-event problem, fixed with generation tokens in udata", kqueueStale},
}

// kwait waits for at least one event, for at most waitLimit, repeating the
// wait when a signal interrupts it.
func kwait(kq int, events []kqueue.Kevent_t) (int, error) {
	deadline := time.Now().Add(waitLimit)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return 0, errTimeout
		}
		ts := unix.NsecToTimespec(left.Nanoseconds())
		n, err := kqueue.Kevent(kq, nil, events, &ts)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return 0, fmt.Errorf("kevent: %w", err)
		case n > 0:
			return n, nil
		}
	}
}

// kchange applies changes without collecting events: errors come back as
// the call's errno.
func kchange(kq int, changes ...kqueue.Kevent_t) error {
	if _, err := kqueue.Kevent(kq, changes, nil, nil); err != nil {
		return fmt.Errorf("kevent changes: %w", err)
	}
	return nil
}

// kreg registers fd for EVFILT_READ (or another filter) with udata as its token.
func kreg(kq, fd int, filter kqueue.Filter, flags kqueue.Flags, udata uintptr) error {
	var ev kqueue.Kevent_t
	kqueue.EV_SET(&ev, fd, filter, flags, 0, 0, udata)
	return kchange(kq, ev)
}

// kqueueUser triggers a user event from another goroutine.
func kqueueUser(w io.Writer) error {
	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	var ev kqueue.Kevent_t
	kqueue.EV_SET(&ev, 1, kqueue.EVFILT_USER, kqueue.EV_ADD|kqueue.EV_CLEAR, 0, 0, 0)
	if err := kchange(kq, ev); err != nil {
		return err
	}
	go func() {
		var trigger kqueue.Kevent_t
		kqueue.EV_SET(&trigger, 1, kqueue.EVFILT_USER, 0, kqueue.NOTE_TRIGGER|kqueue.NOTE_FFCOPY|42, 0, 0)
		kchange(kq, trigger)
	}()
	events := make([]kqueue.Kevent_t, 1)
	if _, err := kwait(kq, events); err != nil {
		return err
	}
	fmt.Fprintf(w, "%v ident %d: fflags %v\n", events[0].Filter, events[0].Ident, kqueue.NoteUser(events[0].Fflags))
	return nil
}

// kqueueTimer runs a periodic 20 ms timer until it has expired three times,
// then a one-shot 10 ms timer.
func kqueueTimer(w io.Writer) error {
	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	var periodic, once kqueue.Kevent_t
	// No unit in fflags means milliseconds on every system; the unit
	// constants differ (NOTE_MSECONDS is 2 on FreeBSD, 0 on NetBSD and
	// OpenBSD, and absent on macOS and DragonFly).
	kqueue.EV_SET(&periodic, 1, kqueue.EVFILT_TIMER, kqueue.EV_ADD, 0, 20, 0)
	kqueue.EV_SET(&once, 2, kqueue.EVFILT_TIMER, kqueue.EV_ADD|kqueue.EV_ONESHOT, 0, 10, 0)
	if err := kchange(kq, periodic); err != nil {
		return err
	}
	events := make([]kqueue.Kevent_t, 1)
	var ticks int64
	for ticks < 3 {
		if _, err := kwait(kq, events); err != nil {
			return err
		}
		ticks += events[0].Data // expirations since the last report
		fmt.Fprintf(w, "%v ident %d: %d expiration(s)\n", events[0].Filter, events[0].Ident, events[0].Data)
	}
	periodic.Flags = kqueue.EV_DELETE
	if err := kchange(kq, periodic, once); err != nil {
		return err
	}
	if _, err := kwait(kq, events); err != nil {
		return err
	}
	fmt.Fprintf(w, "%v ident %d: one-shot timer fired (%v)\n", events[0].Filter, events[0].Ident, events[0].Flags)
	return nil
}

// kqueueStale is epollStale with kqueue: one batch holds events for two
// user events; handling the first deletes the other and reuses its slot,
// so the second event in the batch is stale. The udata of each event is an
// integer token, slot index and generation, never a Go pointer.
func kqueueStale(w io.Writer) error {
	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)
	gens := make([]uint32, 2)
	token := func(i int) uintptr { return uintptr(gens[i])<<16 | uintptr(i) }
	add := func(i int, trigger bool) error {
		gens[i]++
		var ev kqueue.Kevent_t
		kqueue.EV_SET(&ev, i, kqueue.EVFILT_USER, kqueue.EV_ADD|kqueue.EV_CLEAR, 0, 0, token(i))
		if trigger {
			ev.Fflags = uint32(kqueue.NOTE_TRIGGER)
		}
		return kchange(kq, ev)
	}
	for i := range gens {
		if err := add(i, true); err != nil {
			return err
		}
	}
	events := make([]kqueue.Kevent_t, len(gens))
	n, err := kwait(kq, events)
	if err != nil {
		return err
	}
	handled, stale := 0, 0
	for _, ev := range events[:n] {
		i, gen := int(ev.Udata&0xffff), uint32(ev.Udata>>16)
		if gens[i] != gen {
			fmt.Fprintf(w, "event for slot %d generation %d is stale (the slot is at generation %d): skipped\n", i, gen, gens[i])
			stale++
			continue
		}
		fmt.Fprintf(w, "event for slot %d generation %d: handled\n", i, gen)
		handled++
		if handled == 1 {
			j := 1 - i
			var del kqueue.Kevent_t
			kqueue.EV_SET(&del, j, kqueue.EVFILT_USER, kqueue.EV_DELETE, 0, 0, 0)
			if err := kchange(kq, del); err != nil {
				return err
			}
			if err := add(j, false); err != nil {
				return err
			}
			fmt.Fprintf(w, "deleted slot %d and reused it: generation %d\n", j, gens[j])
		}
	}
	fmt.Fprintf(w, "%d event handled, %d stale event skipped\n", handled, stale)
	return nil
}
