package seed

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unsafe"

	"github.com/eventq/eventq/aio"
	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

func init() {
	programs = append(programs, Program{"kqueue-file",
		"read a file with aio_read, completion through EVFILT_AIO (pread where aio is unavailable)", kqueueFile})
}

// fileText is what kqueueFile writes to its file and reads back.
const fileText = "a file read through aio and kqueue\n"

// kqueueFile reads a file asynchronously: aio_read with SIGEV_KEVENT posts
// an EVFILT_AIO event to the kqueue when the read completes. The Aiocb and
// its buffer come from aio.NewRequest, outside the Go heap, because the
// kernel writes to them after AioRead returns. Where the kernel refuses aio
// (EAGAIN: its queue is full; ENOSYS: aio is not in the kernel, and Go on
// FreeBSD ignores the SIGSYS that comes with it; EOPNOTSUPP: not for this
// file), it reads with pread(2) instead.
func kqueueFile(w io.Writer) error {
	dir, err := os.MkdirTemp("", "kqueue-file")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data")
	if err := os.WriteFile(path, []byte(fileText), 0o600); err != nil {
		return err
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	kq, err := newKqueue()
	if err != nil {
		return err
	}
	defer unix.Close(kq)

	req, err := aio.NewRequest(fd, 0, 64)
	if err != nil {
		return err
	}
	const token = 7 // comes back in the event's Udata
	req.Cb.Sigevent.SetNotifyKqueue(kq, 0, token)
	aioErr := aio.AioRead(req.Cb)
	if errors.Is(aioErr, unix.EAGAIN) || errors.Is(aioErr, unix.ENOSYS) || errors.Is(aioErr, unix.EOPNOTSUPP) {
		// The kernel did not take the request, so it holds nothing.
		defer req.Free()
		fmt.Fprintf(w, "aio_read: %v; falling back to pread\n", aioErr)
		n, err := unix.Pread(fd, req.Buf, 0)
		if err != nil {
			return fmt.Errorf("pread: %w", err)
		}
		fmt.Fprintf(w, "read %q\n", req.Buf[:n])
		return nil
	}
	if aioErr != nil {
		req.Free()
		return fmt.Errorf("aio_read: %w", aioErr)
	}
	fmt.Fprintf(w, "aio_read queued a %d-byte read\n", req.Cb.Nbytes)

	events := make([]kqueue.Kevent_t, 1)
	if _, err := kwait(kq, events); err != nil {
		// The kernel may still write to the request: cancel it, and keep
		// the memory mapped unless the request is known to be over.
		res, cerr := aio.AioCancel(fd, req.Cb)
		if cerr == nil && res != aio.AIO_NOTCANCELED {
			aio.AioReturn(req.Cb)
			req.Free()
		}
		return fmt.Errorf("waiting for EVFILT_AIO: %w", err)
	}
	defer req.Free()
	ev := &events[0]
	cb := aio.EventAiocb(ev)
	if ev.Filter != kqueue.EVFILT_AIO || cb != req.Cb {
		return fmt.Errorf("got %v for %p; want EVFILT_AIO for the request at %p", ev.Filter, cb, req.Cb)
	}
	fmt.Fprintf(w, "%v for the Aiocb at %#x, token %d\n", ev.Filter, uintptr(unsafe.Pointer(cb)), aio.EventSigval(ev).Ptr)
	if code, err := aio.AioError(cb); err != nil || code != 0 {
		return fmt.Errorf("aio_error: %v, %v", code, err)
	}
	n, err := aio.AioReturn(cb) // ends the request: after this, the memory is ours
	if err != nil {
		return fmt.Errorf("aio_return: %w", err)
	}
	fmt.Fprintf(w, "aio_return: %d bytes\n", n)
	fmt.Fprintf(w, "read %q\n", req.Buf[:n])
	return nil
}
