// Package eventport binds the event ports of illumos and Solaris:
// port_create(3C), port_associate(3C), port_dissociate(3C), port_send(3C),
// port_sendn(3C), port_alert(3C), port_get(3C) and port_getn(3C).
//
// Everything here is generated from gen/spec/eventport_solaris.spec:
//
//	illumos   illumos/amd64   libc.so   illumos-gate's headers (named in the spec)
//	Solaris   solaris/amd64   libc.so   the same values; Solaris 11.4's man pages
//
// The calls go through libc, without cgo, as Go's runtime and
// golang.org/x/sys/unix do on these systems: each C function is imported
// dynamically (//go:cgo_import_dynamic) and called through the runtime's
// libc entry points, syscall.sysvicall6 and syscall.rawSysvicall6. The two
// systems share every fact this package uses; where they differ (illumos's
// POLLRDHUP, for one), the name is left out.
//
// None of it has run on an illumos or Solaris kernel: where this module is
// developed there is none. CI builds, vets and links the package, its tests
// and its example programs for both targets, checks that a program calling
// every function imports those eight C functions and no other beyond what
// the runtime imports (internal/linkall's test reads the ELF file's dynamic
// symbols; the file names no library per symbol, so that each is libc.so's
// rests on the import directive), asserts
// every struct layout at compile time, and compares the constants and the
// PortEvent and FileObj layouts with golang.org/x/sys/unix
// (internal/xsyscheck).
//
// # Calls
//
// Each function makes one call, with its arguments in C order, and returns a
// syscall.Errno on failure; an int result is then -1. Nothing is retried:
// a waiting PortGet or PortGetn returns EINTR when a signal arrives, which
// happens often in a Go program (the runtime preempts goroutines with a
// signal), so loop. PortGet and PortGetn with a zero timeout (and PortGetn
// with an empty list) do not hand their thread to the Go scheduler; with
// any other timeout they do, so that other goroutines run. The other calls
// never wait and never hand it over. A Go int that the C side reads as an
// int (a port, a slice length) outside the int32 range gives EINVAL
// without a call.
//
// The timeout is a *unix.Timespec (golang.org/x/sys/unix), nil to wait
// until an event: &unix.Timespec{} for a poll, or
// unix.NsecToTimespec(d.Nanoseconds()) for a time.Duration d.
//
// # Ports, associations and events
//
// An association delivers one event and is then gone (a descriptor or file
// is "one-shot"): after handling a PORT_SOURCE_FD event, call
// PortAssociate again to keep watching, as Example and
// examples/eventport-echo do. Associating an associated object again
// updates its events and user value. Closing a descriptor dissociates it.
//
// A port is a descriptor like any other: port_create has no close-on-exec
// flag, so PortCreate's port is inherited by exec'd programs, and
// PortCreateCloexec makes one under syscall.ForkLock and sets FD_CLOEXEC
// before any fork can see it. A forked child shares the port (see
// port_create(3C) on which events it can retrieve).
//
// # User values and the memory the kernel keeps
//
// The kernel keeps an association's user value (and a PortNotify's) and
// hands it back unread in PortEvent.User; Go's garbage collector does not
// see the kernel's copy, which is why it is a uintptr here, as the kernel
// has it, not a pointer. Store an integer token there: an index into a
// table of your objects (the table keeps them reachable), or the descriptor
// itself. A Go pointer stored as an integer and turned back into one is
// outside unsafe.Pointer's valid patterns (go vet says so); if you must, pin
// the object with runtime.Pinner until the event is delivered or the
// association removed.
//
// Two objects are held by address, and must stay alive and unmoved while
// the kernel holds them: a FileObj given to PortAssociate with
// PORT_SOURCE_FILE (and the bytes its Name points to), until its event is
// retrieved or it is dissociated; and the PortNotify a SIGEV_PORT Sigevent
// points to, while the aio request or timer lives. Allocate them where Go
// will not move them and keep them reachable, or pin them with
// runtime.Pinner (Example_fileWatch does).
package eventport

//go:generate go run ../gen -spec ../gen/spec/eventport_solaris.spec
