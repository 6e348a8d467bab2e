// Package kqueue binds kqueue(2) and kevent(2) on FreeBSD, NetBSD, OpenBSD,
// DragonFly BSD and macOS.
//
// Everything here is generated from one spec per system (gen/spec/kqueue_*.spec),
// each stating the release its facts are current as of:
//
//	FreeBSD 15.0    freebsd/386, amd64, arm, arm64    raw system calls
//	NetBSD 10, 11   netbsd/386, amd64, arm, arm64     raw system calls
//	OpenBSD 7.8     openbsd/386, amd64, arm, arm64,   libc.so
//	                ppc64, riscv64
//	DragonFly 6.4   dragonfly/amd64                   raw system calls
//	macOS 15        darwin/amd64, arm64               libSystem
//
// On macOS and OpenBSD the calls go through the C library, without cgo, as
// golang.org/x/sys/unix does: the system forbids or blocks other entry points.
//
// None of it has run on a BSD or macOS kernel: where this module is developed
// there is none. The package is built and vetted for all 17 targets, its
// struct layouts are asserted at compile time, and its constants, system call
// numbers and struct sizes are compared with golang.org/x/sys, each known
// difference named (internal/xsyscheck).
//
// # Calls
//
// Each function makes one call, with its arguments in C order, and returns a
// syscall.Errno on failure; an int result is then -1. Nothing is retried: a
// blocking Kevent returns EINTR when a signal arrives, which happens often in
// a Go program (the runtime preempts goroutines with SIGURG), so loop. Kevent
// with a zero timeout, or with no eventlist, does not hand its thread to the
// Go scheduler; with any other timeout it does, so that other goroutines run.
//
// That is a deliberate difference from golang.org/x/sys/unix, whose Kqueue
// and Kevent always take the scheduler's path. Kqueue, Kqueue1, Kqueuex and
// a Kevent that only changes the list or polls (no eventlist, or a zero
// timeout) return without sleeping, so this package takes the raw path for
// them and saves the hand-off to
// the scheduler and back (on Linux, where it was measured, the hand-off is
// most of a non-blocking epoll_wait's user-space cost). The price: while
// such a call runs, its thread keeps its P, so a change that makes the
// kernel wait for a lock holds up that P's goroutines for as long. darwin's
// Kevent64 always takes the scheduler's path: Go before 1.26 has no raw
// entry for a C function of seven arguments. None of this has been run
// here: there is no BSD or macOS kernel on this machine.
// A Go int that the C side reads as an int (kq, slice lengths) outside the
// int32 range gives EINVAL without a call.
//
// The timeout is a *unix.Timespec (golang.org/x/sys/unix), nil to wait
// until an event: &unix.Timespec{} for a poll, or
// unix.NsecToTimespec(d.Nanoseconds()) for a time.Duration d. A *syscall.Timespec has the same
// layout but is another type: convert with (*unix.Timespec)(ts).
//
// # Changes and events
//
// A change is a Kevent_t, built one of three ways, which fill the same
// fields (see the package example):
//
//	changes = append(changes, kqueue.Change(fd, kqueue.EVFILT_READ, kqueue.EV_ADD, 0, 0, token))
//
//	var ev kqueue.Kevent_t
//	kqueue.EV_SET(&ev, fd, kqueue.EVFILT_USER, kqueue.EV_ADD, kqueue.NOTE_FFCOPY|5, 0, token)
//
//	changes = append(changes, kqueue.Kevent_t{Ident: uintptr(fd), Filter: kqueue.EVFILT_READ,
//		Flags: kqueue.EV_ADD, Udata: token})
//
// Change returns the value (no variable to fill, no allocation) and EV_SET,
// like the C macro, fills one; both set every field and zero the rest; their
// ident
// takes a descriptor as the calls return it (an int), and its fflags any of
// the filter's Note types, so neither needs a conversion; an event's Fd
// method reads the descriptor back as an int. A composite literal
// names the fields instead; they have the same names and types on every
// system (Ident uintptr, Filter, Flags, Fflags uint32, Data int64, Udata
// uintptr; FreeBSD adds Ext), so there Ident takes uintptr(fd) and Fflags
// uint32(note).
//
// The values of the named types differ per system, and so do some names:
// EVFILT_USER is -11 on FreeBSD, -10 on macOS and OpenBSD, -9 on DragonFly
// and 8 on NetBSD, whose filters are unsigned. The EVFILT_TIMER unit 2 is
// NOTE_MSECONDS on FreeBSD but NOTE_USECONDS on NetBSD, OpenBSD and macOS
// (DragonFly has no units: always milliseconds). An absolute timer is
// NOTE_ABSTIME on FreeBSD, NetBSD and OpenBSD, NOTE_ABSOLUTE on macOS. Code
// that uses the constants by name gets the right value on each system; code
// that hard-codes numbers does not.
//
// # Descriptors
//
// KqueueCloexec, on every system, returns a close-on-exec queue the best
// way that system allows: kqueuex(KQUEUE_CLOEXEC) on FreeBSD (13.3, 14.0 and
// later; ENOSYS before), kqueue1(O_CLOEXEC) on NetBSD and OpenBSD, and on
// macOS and DragonFly, which have neither, kqueue(2) then fcntl(2) with
// FD_CLOEXEC while holding syscall.ForkLock for reading, as package os does
// for such calls, so that no fork and exec in another goroutine sees the
// descriptor in between. Use it rather than Kqueue, whose descriptor is
// inherited across exec. Kqueuex (FreeBSD) and Kqueue1 (NetBSD, OpenBSD)
// take flags of their own and always add the close-on-exec one. On FreeBSD
// a queue is not inherited by fork(2) unless KQUEUE_CPONFORK (15.1) asks;
// on the other systems never.
//
// # Udata
//
// The kernel keeps a registered event's Udata and hands it back with every
// event, unread. Go's garbage collector does not see the kernel's copy,
// which is why Udata is a uintptr here, as the kernel has it (a pointer-sized
// integer), not a pointer. golang.org/x/sys/unix makes it a *byte on
// darwin, dragonfly, freebsd and openbsd (so the collector sees the copy in
// your Kevent_t, but not the kernel's) and an integer on netbsd.
//
// What is safe: store an integer token there, an index into a table of your
// objects (the table keeps them reachable), with a generation that changes
// when a slot is reused, as Example_generationToken and examples/kqueue-stale
// show; or the descriptor itself, which Kevent_t.Fd reads back. What is not:
// a Go pointer stored as an integer and turned back into one. If you must,
// the object must stay reachable from Go and must not move until the event
// is deleted: pin it with runtime.Pinner, store uintptr(unsafe.Pointer(p)),
// and unpin it only after EV_DELETE (or the event's EV_ONESHOT delivery);
// even then the conversion back is outside unsafe.Pointer's valid patterns,
// and go vet says so.
//
// # Differences from older releases
//
//   - FreeBSD before 12 used a 32-byte kevent without ext and a 32-bit data on
//     32-bit systems (freebsd11_kevent, system call 363); this package calls the
//     FreeBSD 12 entry (560) and fails with ENOSYS on FreeBSD 11.
//   - NetBSD 11 adds ext[4] to struct kevent (72 bytes on amd64, entered by
//     __kevent100, system call 501). Kevent and Kevent_t stay NetBSD 10's
//     40-byte layout and entry (__kevent50, 435), which NetBSD 11 keeps for
//     compatibility (Go's runtime uses it there too); Kevent11 and
//     Kevent11_t are NetBSD 11's, ENOSYS on NetBSD 10.
//   - FreeBSD 15.0 adds EVFILT_JAIL and EVFILT_JAILDESC with NoteJail, and
//     15.1 adds KQUEUE_CPONFORK, which makes fork(2) copy the queue into the
//     child (each name's doc says its release).
//   - OpenBSD before 7.x lacked EVFILT_USER, EVFILT_EXCEPT and kqueue1, and
//     before 5.5 had a 32-bit data; golang.org/x/sys follows OpenBSD 7.2.
//   - macOS: kevent64 and KEVENT_FLAG_* date from 10.5 and 10.10; the facts
//     here are from XNU's public header at xnu-11417.121.6 (macOS 15).
package kqueue

//go:generate go run ../gen -spec ../gen/spec/kqueue_freebsd.spec
//go:generate go run ../gen -spec ../gen/spec/kqueue_netbsd.spec
//go:generate go run ../gen -spec ../gen/spec/kqueue_openbsd.spec
//go:generate go run ../gen -spec ../gen/spec/kqueue_dragonfly.spec
//go:generate go run ../gen -spec ../gen/spec/kqueue_darwin.spec
