//go:build freebsd

package aio_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/eventq/eventq/aio"
	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// An aio read completed through a kqueue (SIGEV_KEVENT): the request and its
// buffer come from NewRequest, outside the Go heap, because the kernel
// writes to them after AioRead returns; the EVFILT_AIO event names the
// request, and AioReturn ends it, after which its memory may be freed.
// Compiled for FreeBSD in CI; not run (there is no FreeBSD kernel here).
func Example_sigeventKevent() {
	fd, err := unix.Open("/etc/motd", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(fd)
	kq, err := kqueue.Kqueuex(0)
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(kq)

	req, err := aio.NewRequest(fd, 0, 4096)
	if err != nil {
		log.Fatal(err)
	}
	req.Cb.Sigevent.SetNotifyKqueue(kq, 0, 7) // 7 comes back in the event's Udata
	if err := aio.AioRead(req.Cb); err != nil {
		req.Free() // the kernel did not take it
		log.Fatal(err)
	}

	events := make([]kqueue.Kevent_t, 1)
	for {
		_, err := kqueue.Kevent(kq, nil, events, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			log.Fatal(err) // the request still runs: cancel it before freeing (see aio.AioCancel)
		}
		break
	}
	cb := aio.EventAiocb(&events[0])
	n, err := aio.AioReturn(cb) // ends the request: the memory is ours again
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read %d bytes, token %d\n", n, aio.EventSigval(&events[0]).Ptr)
	req.Free()
}
