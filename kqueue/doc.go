// Package kqueue binds kqueue(2) and kevent(2).
//
// This first part covers FreeBSD 14 (freebsd/386, amd64, arm and arm64), by
// raw system calls: Kqueue, Kqueuex, Kevent, the Kevent_t of FreeBSD 12 and
// later (64-bit data and ext[4]), EV_SET, and every EVFILT_*, EV_* and
// NOTE_* of sys/event.h as named types. NetBSD, OpenBSD, DragonFly and macOS
// are not covered yet. Nothing here has run on a FreeBSD kernel: the package
// is build-checked, its layouts asserted at compile time, and its constants
// and sizes compared with golang.org/x/sys.
//
// Each function makes one system call, with its arguments in C order, and
// returns a syscall.Errno on failure. Nothing is retried: a blocking Kevent
// returns EINTR when a signal arrives, as it does often in a Go program.
// Kevent with a zero timeout, or with no eventlist, uses the raw system call
// path; with any other timeout it lets the Go scheduler run other goroutines.
//
// # Descriptors
//
// Kqueue's descriptor is not close-on-exec. Kqueuex always adds
// KQUEUE_CLOEXEC; it needs FreeBSD 13.3 or 14.0 (ENOSYS before), where
// kqueue(2) and fcntl(F_SETFD, FD_CLOEXEC) are the fallback.
//
// # Udata
//
// The kernel keeps a registered Kevent_t's Udata and hands it back with every
// event, unread. Go's garbage collector does not see it: store an integer
// token there (an index into a table of your objects, with a generation that
// changes when a slot is reused), not a pointer. If you must store a pointer,
// the object must stay reachable from Go and must not move until the event is
// deleted: pin it with runtime.Pinner, and unpin it only after EV_DELETE.
package kqueue

//go:generate go run ../gen -spec ../gen/spec/kqueue_freebsd.spec
