package iouring

import (
	"errors"
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// skipUnavailable skips the test when io_uring_setup fails the way a kernel
// or a sandbox without io_uring makes it fail (see the package doc).
func skipUnavailable(t testing.TB, err error) {
	t.Helper()
	switch {
	case errors.Is(err, unix.ENOSYS):
		t.Skip("io_uring_setup: ENOSYS: no io_uring here (a kernel without it, or qemu-user, which lacks it)")
	case errors.Is(err, unix.EPERM):
		t.Skip("io_uring_setup: EPERM: io_uring is disabled (kernel.io_uring_disabled) or denied by seccomp")
	}
}

// newRing sets up and maps a ring, closed when the test ends.
func newRing(t testing.TB, entries uint32, p *Params) *Ring {
	t.Helper()
	r, err := Setup(entries, p)
	if err != nil {
		skipUnavailable(t, err)
		t.Fatalf("Setup(%d, %+v): %v", entries, p, err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// alloc returns n bytes of off-heap memory, freed when the test ends.
func alloc(t testing.TB, n int) []byte {
	t.Helper()
	b, err := Alloc[byte](n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Free(b) })
	return b
}

// allocOf returns one off-heap T, freed when the test ends.
func allocOf[T any](t testing.TB) *T {
	t.Helper()
	s, err := Alloc[T](1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Free(s) })
	return &s[0]
}

// cstr returns path as a NUL-terminated string in off-heap memory.
func cstr(t testing.TB, path string) *byte {
	b := alloc(t, len(path)+1)
	copy(b, path)
	return &b[0]
}

// submitWait publishes the SQEs handed out, waits for want completions
// (looping on EINTR) and returns their copies, in arrival order.
func submitWait(t testing.TB, r *Ring, want int) []Cqe {
	t.Helper()
	submitted := false
	for int(r.CqReady()) < want {
		var err error
		if !submitted {
			_, err = r.SubmitAndWait(uint32(want) - r.CqReady())
			submitted = err == nil
		} else {
			_, err = IoUringEnter(r.Fd, 0, uint32(want)-r.CqReady(), IORING_ENTER_GETEVENTS, nil)
		}
		if err != nil && err != unix.EINTR {
			t.Fatalf("enter: %v", err)
		}
	}
	out := make([]Cqe, 0, want)
	for range want {
		out = append(out, *r.PeekCqe())
		r.CqAdvance(1)
	}
	return out
}

// run submits one SQE, prepared by prep with user_data ud, and returns its CQE.
func run(t testing.TB, r *Ring, prep func(s *Sqe)) Cqe {
	t.Helper()
	s := r.NextSqe()
	if s == nil {
		t.Fatal("SQ ring full")
	}
	prep(s)
	return submitWait(t, r, 1)[0]
}

// wantRes checks a CQE's result.
func wantRes(t testing.TB, what string, c Cqe, res int32) {
	t.Helper()
	if c.Res != res {
		t.Fatalf("%s: res = %d (%v); want %d", what, c.Res, errnoOf(c.Res), res)
	}
}

func errnoOf(res int32) error {
	if res < 0 {
		return unix.Errno(-res)
	}
	return nil
}

func errRes(e unix.Errno) int32 { return -int32(e) }

// openFds counts the process's open descriptors.
func openFds(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// tempFile returns a descriptor of a new file holding data, closed when the
// test ends. Files are removed with os.Remove.
func tempFile(t testing.TB, data []byte) (int, string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "iouring")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Cleanup(func() { unix.Close(fd) })
	return fd, f.Name()
}

// pipe returns a pipe's read and write ends, closed when the test ends.
func pipe(t testing.TB) (int, int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

// socketpair returns a connected pair of stream sockets.
func socketpair(t testing.TB) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// listener returns a listening TCP socket on loopback and its address.
func listener(t testing.TB) (int, *unix.SockaddrInet4) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fd, sa.(*unix.SockaddrInet4)
}

// rawInet4 fills an off-heap RawSockaddrAny with a loopback address.
func rawInet4(t testing.TB, port int) (*unix.RawSockaddrAny, uint32) {
	sa := allocOf[unix.RawSockaddrAny](t)
	in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
	in.Family = unix.AF_INET
	in.Port = uint16(port>>8) | uint16(port&0xff)<<8
	in.Addr = [4]byte{127, 0, 0, 1}
	return sa, uint32(unsafe.Sizeof(unix.RawSockaddrInet4{}))
}
