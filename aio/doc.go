// Package aio binds kernel asynchronous I/O with completions delivered to
// an event queue: FreeBSD's POSIX aio (aio_read(2) and its companions,
// struct aiocb and struct sigevent, completion to a kqueue by SIGEV_KEVENT),
// and its Linux twin, the kernel's native AIO (io_setup(2), io_submit(2) and
// their companions, struct iocb and struct io_event, completion to an
// eventfd that an epoll set watches).
//
// # Linux
//
// The Linux half covers all 13 Linux architectures, generated from
// gen/spec/aio_linux.spec (Linux 6.18's linux/aio_abi.h; struct iocb is 64
// bytes everywhere, with aio_key and aio_rw_flags swapped on big-endian
// architectures). It runs on the kernel here on amd64 and 386; qemu-user has
// no native AIO, so the other 11 are built, vetted and layout-checked.
//
// NewRequest maps an Iocb and its buffer outside the Go heap (the buffer on
// a page boundary, so that O_DIRECT works); set Cb.Data to an integer token,
// SetResfd to an eventfd, IoSubmit it, and Free it after its IoEvent
// arrived. With IOCB_FLAG_RESFD the kernel adds 1 to the eventfd's counter
// per completion: wait for the eventfd in epoll (EPOLLIN), read the
// counter, then reap that many events with IoGetevents and a minNr of 0.
// examples/aio-linux does exactly that with an O_DIRECT read.
//
// IoSubmit and IoDestroy may block (file systems without non-blocking
// support do I/O inline) and take the scheduler's path; IoGetevents and
// IoPgetevents block unless minNr or the timeout is zero; IoSetup and
// IoCancel never block.
//
// # FreeBSD
//
// The FreeBSD half covers FreeBSD 15.0 on freebsd/386, amd64, arm and arm64, by raw system
// calls, generated from gen/spec/aio_freebsd.spec. None of it has run on a
// FreeBSD kernel: where this module is developed there is none. It is built
// and vetted for the four targets, its layouts are asserted at compile time
// (Aiocb is 160 bytes and Sigevent 80 on amd64), and its system call
// numbers are compared with golang.org/x/sys (internal/xsyscheck).
//
// # Memory the kernel holds
//
// From AioRead (or AioWrite, LioListio, ...) until the request completes, the
// kernel holds the address of the Aiocb, of its buffer and of any iovec
// array, and writes to them. Go's garbage collector neither sees nor
// respects that: memory on a goroutine stack moves when the stack grows,
// and heap memory with no Go reference left is freed. So:
//
//   - The easy way: NewRequest allocates an Aiocb and its buffer together
//     outside the Go heap (an anonymous mmap), where nothing moves or is
//     collected; Free returns them after the request completed (AioReturn or
//     AioWaitcomplete said so).
//   - Your own memory: it must be heap memory pinned with runtime.Pinner
//     (the Aiocb, the buffer and the iovec array, each pinned) and kept
//     reachable, unpinned only after completion. Never an Aiocb in a local
//     variable whose address escapes only as a uintptr.
//
// Sigval and Udata-like fields (Sigevent.Value) are handed back unread, in
// the kevent's Udata for SIGEV_KEVENT: store an integer token there.
//
// # With kqueue
//
// Set cb.Sigevent to SIGEV_KEVENT with SetNotifyKqueue; completion then
// posts an EVFILT_AIO event whose Ident is the Aiocb's address and whose
// Udata is Sigevent.Value. EventAiocb and EventSigval turn such an event back
// into both. For LioListio with LIO_NOWAIT and SIGEV_KEVENT, one EVFILT_LIO
// event reports the whole list; its Ident is the list's address, which
// EventList turns back into the list while that array is pinned. The seed
// program examples/kqueue-file shows the whole round: NewRequest,
// SetNotifyKqueue, AioRead, the EVFILT_AIO event, AioReturn, Free, and the
// pread(2) fallback where the kernel refuses aio.
//
// The calls that start requests never block. AioWaitcomplete blocks unless
// the timeout is zero. AioSuspend always takes the blocking path: FreeBSD
// sleeps a clock tick even for a zero timeout. LioListio may block
// (LIO_WAIT) and always takes the blocking path. EINTR is returned, never
// retried; after LioListio(LIO_WAIT, ...) it means the requests were queued
// and are running: wait for them (AioSuspend, AioError), never submit the
// list again.
package aio

//go:generate go run ../gen -spec ../gen/spec/aio_freebsd.spec
//go:generate go run ../gen -spec ../gen/spec/aio_linux.spec
