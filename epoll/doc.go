// Package epoll binds the Linux event-queue system calls: epoll_create1,
// epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2, eventfd, timerfd,
// signalfd and rt_sigprocmask, on every Linux architecture Go supports.
//
// Each function makes exactly one system call, with its arguments in C order,
// and returns the result and the errno as a [syscall.Errno], so that
// errors.Is(err, unix.EAGAIN) works. Nothing is retried: a blocking wait can
// return EINTR at any time in a Go program, because the runtime preempts
// goroutines with SIGURG, and the caller loops.
//
// # Where the facts come from
//
// Every number and layout is generated from gen/spec/epoll_linux.spec, which
// follows the Linux 6.18 uapi headers of each architecture, and is checked
// against golang.org/x/sys by internal/xsyscheck. Layouts are asserted at
// compile time for every architecture: EpollEvent is 12 bytes and packed on
// amd64 and 386 and 16 bytes elsewhere; Sigset is the kernel's signal set
// (8 bytes, 16 on mips), not the C library's 128-byte sigset_t; a few values
// differ on mips (SIG_BLOCK and friends, and the *_NONBLOCK flags).
//
// # Blocking
//
// Calls that cannot block (create, ctl, settime, gettime, sigprocmask, and a
// wait with a zero timeout) use the raw system call path, with no scheduler
// hand-off. Waits with a timeout and reads use the path that lets the Go
// scheduler run other goroutines meanwhile. Each function's doc says which.
// The entry points are the standard library's syscall.RawSyscall6 and
// syscall.Syscall6, which x/sys's unix.RawSyscall6 and unix.Syscall6 reach
// through an assembly stub; calling them directly saves that stub and its
// ABI wrapper, about 23 instructions a call.
//
// # Arguments
//
// Flags, operations and clocks are named types that keep the C names
// (EPOLLIN is an [Events]); their String methods show unknown bits too, and
// unknown bits pass through to the kernel untouched. Where the kernel reads
// a C int and the Go parameter is an int (descriptors, timeouts, slice
// lengths), a value outside the int32 range gives EINVAL without a system
// call rather than being silently truncated.
//
// # Descriptors are close-on-exec
//
// EpollCreate1, Eventfd, TimerfdCreate and Signalfd always add their
// *_CLOEXEC flag, as the Go standard library does for every descriptor it
// creates. To hand a descriptor to a child process, pass it in
// os/exec.Cmd.ExtraFiles (which clears the flag in the child) or clear
// FD_CLOEXEC yourself with unix.FcntlInt(fd, unix.F_SETFD, 0).
//
// # Memory the kernel keeps
//
// The kernel copies an EpollEvent during EpollCtl and keeps only its Data:
// eight bytes it hands back with every event. Go's garbage collector does not
// see a pointer kept there, so the object could be freed or moved while the
// kernel still reports it. Store an integer token instead (EventU64 or
// SetU64; EventFd or SetFd for the descriptor itself), such as
// an index into a table of your objects with a generation count that changes
// when a slot is reused; examples/epoll-stale shows why the generation is
// needed when one event's handler closes an object whose event is later in
// the same batch.
//
// # Pointers in the event data
//
// The data is kept as the kernel has it: EpollEvent.Data is the C union's
// eight bytes, not a Go pointer, for three reasons that hold for any Go
// program:
//   - The garbage collector does not see what the kernel keeps. Once
//     EpollCtl returns, the kernel's copy is the only one; an object whose
//     pointer was stored there and is not referenced elsewhere may be freed
//     while its events still arrive.
//   - On amd64 and 386 struct epoll_event is packed, so the data starts at
//     byte 4 of the event: a pointer read back from there is misaligned.
//     Converting it with unsafe fails under -race (checkptr: "misaligned
//     pointer conversion"), whatever the code around it does.
//   - Turning an integer back into a pointer is not one of unsafe.Pointer's
//     valid patterns, pinned object or not.
//
// golang.org/x/sys/unix's EpollEvent has the same layout (Fd and Pad, two
// int32s), so this is no step back from it. What is safe: an integer token
// (EventU64, SetU64) that indexes a table of your objects, which keeps
// them reachable, or the descriptor itself (EventFd, SetFd); add a
// generation to the token when slots are reused (examples/epoll-stale).
// Example_objectTable shows the pattern.
//
// # Signals
//
// A signalfd reads only the signals that are blocked in the thread they are
// delivered to; an unblocked signal goes to its handler instead. A Go program
// runs on many threads, and the runtime's threads do not block anything, so a
// signal sent to the whole process (kill) usually never reaches the
// signalfd. Two forms work: block the signal in every thread before the
// runtime starts any (not possible from Go code), or, as examples/epoll-signalfd
// does, lock the goroutine to its thread (runtime.LockOSThread), block the
// signal there with RtSigprocmask, and direct the signal at that thread with
// tgkill (unix.Tgkill). An empty mask given to EpollPwait unblocks every
// signal during the wait, SIGURG included.
//
// # Time
//
// EpollPwait2 takes a [KernelTimespec], 64-bit on every architecture.
// TimerfdSettime and TimerfdGettime take unix.ItimerSpec, whose seconds are
// the architecture's time_t: 32-bit on 386, arm, mips and mipsle, as for the
// timerfd_settime system call there, so a timer set with them ends in
// January 2038. TimerfdSettime64 and TimerfdGettime64 take a
// [KernelItimerspec], 64-bit everywhere: timerfd_settime64 and
// timerfd_gettime64 on those four architectures (Linux 5.1), the plain
// calls on the others. Use them for times past 2038.
//
// # Busy polling and ticks
//
// EpollSetParams and EpollGetParams are the EPIOCSPARAMS and EPIOCGPARAMS
// ioctls of Linux 6.9 (busy polling of the network devices behind an epoll
// set); TimerfdSetTicks is TFD_IOC_SET_TICKS. Their request numbers are
// IoctlReq constants, whose direction bits differ on mips and ppc64.
package epoll

//go:generate go run ../gen -spec ../gen/spec/epoll_linux.spec
