package iouring

import (
	"testing"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

func TestRegisterHelpers(t *testing.T) {
	r := newRing(t, 8, nil)
	fd, _ := tempFile(t, []byte("registered"))
	buf := alloc(t, 4096)
	iov, _ := Alloc[unix.Iovec](1)
	defer Free(iov)
	iov[0].Base = &buf[0]
	iov[0].SetLen(len(buf))
	if err := r.RegisterBuffers(iov); err != nil {
		t.Fatal(err)
	}
	fds, _ := Alloc[int32](2)
	defer Free(fds)
	fds[0], fds[1] = -1, int32(fd)
	if err := r.RegisterFiles(fds); err != nil {
		t.Fatal(err)
	}
	// A fixed read from fixed file 1 into fixed buffer 0.
	c := run(t, r, func(s *Sqe) {
		s.PrepReadFixed(1, buf[:10], 0, 0, 0, 1)
		s.Flags |= IOSQE_FIXED_FILE
	})
	if c.Res != 10 || string(buf[:10]) != "registered" {
		t.Fatalf("fixed read of a fixed file: %+v %q", c, buf[:10])
	}
	if err := r.RegisterBuffers(iov); err != unix.EBUSY {
		t.Errorf("registering buffers twice: %v; want EBUSY", err)
	}
	if err := retryEINTR(r.UnregisterBuffers); err != nil {
		t.Fatal(err)
	}
	if err := retryEINTR(r.UnregisterFiles); err != nil {
		t.Fatal(err)
	}
	if err := r.RegisterFilesSparse(4); err != nil {
		t.Fatal(err)
	}
	// Completions signal an eventfd, which an epoll set can wait for.
	efd, err := epoll.Eventfd(0, epoll.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	if err := r.RegisterEventfd(efd); err != nil {
		t.Fatal(err)
	}
	run(t, r, func(s *Sqe) { s.PrepNop(0, 2) })
	if n, err := epoll.EventfdRead(efd); err != nil || n == 0 {
		t.Fatalf("eventfd after a completion: %d, %v", n, err)
	}
	if err := r.UnregisterEventfd(); err != nil {
		t.Fatal(err)
	}
}

// The kernel decides which buffer ring sizes it takes: powers of two up to
// 32768.
func TestBufRingSizes(t *testing.T) {
	r := newRing(t, 4, nil)
	for _, n := range []uint32{0, 3, 1 << 16} {
		if br, err := r.RegisterBufRing(n, 1, 0); err != unix.EINVAL {
			t.Errorf("RegisterBufRing(%d): %v; want EINVAL", n, err)
			if br != nil {
				br.Unregister()
			}
		}
	}
	br, err := r.RegisterBufRing(1<<15, 1, 0)
	if err != nil {
		t.Fatalf("RegisterBufRing(32768): %v", err)
	}
	if err := br.Unregister(); err != nil {
		t.Fatal(err)
	}
}
