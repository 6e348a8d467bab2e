// Package descfuzz is a kernel fuzzer driven by the module's descriptions
// alone: given the zdesc_generated_linux.json files of epoll, aio and
// iouring, it turns fuzz input into programs of calls and io_uring
// submissions, runs them on the running kernel and checks invariants. It
// has no code for any one call: what each argument, struct field and SQE
// field holds, which calls make and take which descriptors and resources,
// what each io_uring_register opcode takes and how to keep a call from
// blocking all come from the description, and the functions are found by
// name in a table generated from the description (./gen).
//
// What is not in the descriptions, and is the fuzzer's own:
//   - the ring protocol: an io_uring descriptor is mapped with iouring.Map,
//     SQEs are taken with NextSqe and published with Flush, CQEs read from
//     the CQ ring (syzkaller has pseudo-calls for the same);
//   - the layouts of x/sys types the descriptions name but do not lay out
//     (unix.Iovec, unix.Timespec, unix.Msghdr...): filled as raw bytes of
//     the Go type's size;
//   - the descriptors no call makes ("any"): a pipe, a socket pair and a
//     file in memory (memfd_create), made for each program.
//
// Invariants checked after every call and batch: no panic; every error is
// a syscall.Errno with a name, never a kernel-internal one (ERESTARTSYS and
// its kin, 512 and up); every descriptor a call makes is close-on-exec;
// every setter writes the bytes its description says; a CQE's user_data is
// one the fuzzer gave, and no SQE gets a CQE after its final one (one
// without IORING_CQE_F_MORE); the rings' indexes stay consistent; and, when
// the program ends and everything it made is closed or destroyed, no
// io_uring or aio mapping is left behind. Descriptors still open then
// that the fuzzer did not adopt (made by a request the description does
// not name as a producer, or whose CQE was never read) are counted in
// Stats.Notes and closed.
//
// Each program runs on an OS thread of its own, which is discarded
// afterwards (its goroutine exits locked to it), so a signal mask a call
// set dies with it. Every pipe, socket and made descriptor the fuzzer
// holds is non-blocking, since the description marks reads and io_submit
// as calls that may block; calls that block unless a condition holds get
// the condition; and a call that may block runs under a watchdog that
// signals its thread every 50 ms and reports it after 10 s.
//
// Two things the kernel does that the descriptions do not say are let
// pass and counted (Stats.Notes): io_uring_setup with
// IORING_SETUP_REGISTERED_FD_ONLY returns a registered ring index, not a
// descriptor; and a SEND_ZC cancelled because an earlier request of its
// link chain failed completes with -ECANCELED without IORING_CQE_F_MORE,
// and its notification follows anyway (reproduced on Linux 6.18: a READV
// of descriptor -1 linked to a SEND_ZC gives -EBADF, then -ECANCELED with
// no flags, then a CQE with IORING_CQE_F_NOTIF).
package descfuzz

//go:generate go run ./gen
