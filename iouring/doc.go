// Package iouring binds Linux io_uring: the io_uring_setup, io_uring_enter
// and io_uring_register system calls, every IORING_* constant family as a
// named type, every struct of the uapi header, the ring mapping with the
// kernel's ordering protocol, and an allocation-free Prep setter for every
// opcode, on every Linux architecture Go supports.
//
// Each call function makes exactly one system call, with its arguments in C
// order, and returns the result and the errno as a [syscall.Errno]. Nothing
// is retried. The [Ring] type is the thin layer every io_uring program needs
// above the calls, and no more: typed views of the shared rings, NextSqe,
// Flush, Submit, PeekCqe and CqAdvance. It has no lock, no goroutine and no
// allocation per operation; a ring belongs to its caller.
//
// # Where the facts come from
//
// Every number and layout is generated from gen/spec/iouring_linux.spec,
// which follows Linux 7.3's include/uapi/linux/io_uring.h and
// io_uring/*.h (the spec names the exact source and revision), and is
// checked against golang.org/x/sys by internal/xsyscheck. The system call numbers are 425, 426 and 427 on every
// architecture but mips, whose tables are offset (4425... on o32, 5425... on
// n64). Every struct is asserted at compile time on every architecture;
// they are the same everywhere, because the header uses only fixed-size
// types. A field that holds a user-space address is a uint64 on every
// architecture; on 32-bit ones the Prep setters zero-extend the pointer.
// Timeouts are [KernelTimespec], 64-bit everywhere (Go's unix.Timespec has
// 32-bit seconds on 386, arm, mips and mipsle).
//
// # Submitting and completing
//
//	r, err := iouring.Setup(64, nil)
//	sqe := r.NextSqe()
//	sqe.PrepRead(int32(fd), buf, 0, 0, token)
//	_, err = r.SubmitAndWait(1)          // loop on EINTR; SubmitAndWaitTimeout bounds the wait
//	cqe := r.PeekCqe()                   // cqe.UserData == token, cqe.Res: bytes or -errno
//	r.CqAdvance(1)
//
// A Prep method zeroes the SQE's 64 bytes and sets the fields its opcode
// reads, with typed arguments; the user_data is a uint64 token, always the
// last argument. Flags that are not the opcode's (IOSQE_IO_LINK, a
// personality, a registered buffer group) are set afterwards on the SQE's
// fields or with its view methods (SetBufGroup, SetFileIndex...). A slice
// too long for the SQE's 32-bit length field is not truncated: the setter
// sets the opcode to 255, which the kernel completes with -EINVAL.
//
// A request's result arrives in its CQE's Res: what the system call would
// return, or a negative errno (the CQE's error is never a Go error).
//
// # Blocking
//
// IoUringSetup never blocks and takes the raw system call path.
// Ring.SubmitAndWaitTimeout bounds a wait with a timeout (ETIME when it
// passes), through IORING_ENTER_EXT_ARG.
// IoUringEnter and IoUringEnterArg block only when they wait: with
// IORING_ENTER_GETEVENTS and a minComplete above zero, or with
// IORING_ENTER_SQ_WAIT; then they let the Go scheduler run other
// goroutines, and otherwise they take the raw path. A wait returns EINTR
// when a signal arrives, and Go's runtime preempts goroutines with SIGURG,
// so waits are interrupted often: loop. An enter that also submitted
// returns the submitted count instead of EINTR. IoUringRegister may wait
// (a synchronous cancel, quiescing the ring) and always takes the
// scheduler's path.
//
// # Memory the kernel holds
//
// Everything an SQE points to (buffers, iovecs, msghdrs, timespecs, socket
// addresses, paths, buffer rings) is an address written into mapped memory
// that the garbage collector does not scan. Unless the kernel copies it at
// submission (with IORING_FEAT_SUBMIT_STABLE, the request's own arguments:
// a timespec, an msghdr, a path), it must neither move nor be freed until
// the completion arrives, and goroutine stacks move. Two ways are safe:
//
//   - Off-heap memory: [Alloc] maps memory outside the Go heap, which
//     nothing moves or frees until [Free]. This is the easy way, and the
//     one the tests and examples use for buffers.
//   - Pinned Go memory: a runtime.Pinner pins an object until Unpin. Pin it
//     before the Prep call, keep the Pinner (and the object) reachable,
//     and Unpin only after the completion (for a multishot request, the
//     last one: the CQE without IORING_CQE_F_MORE; for a zero-copy send,
//     its IORING_CQE_F_NOTIF completion).
//
// The user_data is a uint64 handed back untouched: store an integer token
// (an index into a table of your requests, with a generation count that
// changes when a slot is reused), never a pointer converted to an integer.
//
// # Descriptors are close-on-exec
//
// The ring descriptor is always close-on-exec (the kernel makes it so). The
// descriptors that requests create (IORING_OP_OPENAT, ACCEPT, SOCKET, PIPE)
// are close-on-exec when the request says so: pass unix.O_CLOEXEC or
// unix.SOCK_CLOEXEC in its flags, as the examples do.
//
// # Kernel releases
//
// Each constant's doc says the Linux release that added it where the spec
// knows it: every opcode, setup, enter, register and feature flag, and
// the names below. [Description] carries the same as desc.Value.Since, so
// a program can leave out what the running kernel is too old for. A
// kernel completes an opcode it lacks with -EINVAL ([Probe] tells which it
// has) and fails io_uring_setup with EINVAL for a setup flag it lacks.
//
// Measured with .ci/kernels on Debian's kernels (2026-12-07, amd64, arm64,
// 386 programs on amd64, and s390x): 6.1's probe has the 49 opcodes up to
// IORING_OP_SENDMSG_ZC, 6.12's the 58 up to IORING_OP_LISTEN, the host's
// 6.18 the 63 up to IORING_OP_PIPE, and Debian 13 backports' 7.3 all 65,
// each as the opcodes' releases say (TestOpSince checks it on every kernel);
// the 6.19 to 7.3 names (SQE_MIXED with NOP128 and URING_CMD128,
// SQ_REWIND, IMMEDIATE_ARG timeouts, GETSOCKNAME, cBPF filters, the SCQ and
// ZCRX queries) were run on 7.3 only. On 6.1, a multishot timeout (IORING_TIMEOUT_MULTISHOT,
// 6.4) and a NOP with IORING_NOP_INJECT_RESULT (6.10) complete with
// -EINVAL. On 6.1 and 6.12, tmpfs answers an RWF_NOWAIT read with
// EOPNOTSUPP, and 6.1's tmpfs has no user xattrs and no O_DIRECT. The
// package's tests skip a name newer than the running kernel, saying which
// release added it, rather than trying it.
//
// # 128-byte SQEs
//
// A ring set up with IORING_SETUP_SQE128 has 128-byte slots only: every
// SQE is an [Sqe128] ([Ring.Sqe128At], [Ring.NextSqe128]). One set up with
// IORING_SETUP_SQE_MIXED (Linux 6.19) has 64-byte slots, and the 128-byte
// opcodes (IORING_OP_NOP128, IORING_OP_URING_CMD128) take two: such an SQE
// cannot start in the ring's last slot, so [Ring.NextSqe128] fills that
// slot with a NOP that posts no completion first, as liburing does. The
// Sqe128 setters write all 128 bytes; [Sqe128.Cmd] is the 80 bytes of
// command data from offset 48.
//
// # A registered ring index belongs to a thread
//
// IORING_REGISTER_RING_FDS records the ring in the calling thread's
// io_uring context, not the process's: the index it returns means the ring
// only on that thread, and on another one the call fails with EBADF. A Go
// goroutine moves between threads, so lock it to its thread
// (runtime.LockOSThread) from the registration for as long as it passes
// the index (IORING_ENTER_REGISTERED_RING,
// IORING_REGISTER_USE_REGISTERED_RING).
//
// # When io_uring is not available
//
// io_uring_setup fails with:
//   - ENOSYS on a kernel built without io_uring (CONFIG_IO_URING=n), before
//     Linux 5.1, and under emulators such as qemu-user (seen here: qemu 7.2);
//   - EPERM when the kernel.io_uring_disabled sysctl (Linux 6.6) is 2, or is
//     1 and the process is neither in kernel.io_uring_group nor has
//     CAP_SYS_ADMIN (seen here: 2 gives EPERM, and 1 still lets root in);
//   - the filter's errno (usually EPERM, sometimes ENOSYS) under a seccomp
//     filter that denies it, as container runtimes' default profiles now
//     commonly do;
//   - ENOMEM before Linux 5.12 when the rings exceed RLIMIT_MEMLOCK;
//   - EINVAL for entries 0 or above 32768 (without IORING_SETUP_CLAMP), and
//     for flags the kernel does not know (both seen here).
//
// The seccomp and RLIMIT_MEMLOCK cases come from io_uring_setup(2) and the
// kernel's sources; this machine's 6.18 kernel could not show them. Tests
// skip with the reason when io_uring_setup fails with ENOSYS or EPERM.
package iouring

//go:generate go run ../gen -spec ../gen/spec/iouring_linux.spec
