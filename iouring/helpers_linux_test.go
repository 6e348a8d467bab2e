package iouring

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
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

// waitLimit bounds every wait of a test for completions: a request the
// running kernel does not complete fails the test, never hangs it.
const waitLimit = 10 * time.Second

// submitWait publishes the SQEs handed out, waits for want completions
// (looping on EINTR, for at most waitLimit) and returns their copies, in
// arrival order.
func submitWait(t testing.TB, r *Ring, want int) []Cqe {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for int(r.CqReady()) < want {
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("%d of %d completions after %v", r.CqReady(), want, waitLimit)
		}
		ts := KernelTimespec{Sec: int64(left / time.Second), Nsec: int64(left % time.Second)}
		if _, err := r.SubmitAndWaitTimeout(uint32(want)-r.CqReady(), &ts); err != nil && err != unix.EINTR && err != unix.ETIME {
			t.Fatalf("enter: %v", err)
		}
	}
	out := make([]Cqe, 0, want)
	for iter := 0; iter < want; iter++ {
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
	// The port is in network byte order: big-endian on every host.
	p := (*[2]byte)(unsafe.Pointer(&in.Port))
	p[0], p[1] = byte(port>>8), byte(port)
	in.Addr = [4]byte{127, 0, 0, 1}
	return sa, uint32(unsafe.Sizeof(unix.RawSockaddrInet4{}))
}

// kernelRelease is uname -r; kernelVersion its major and minor numbers.
var kernelRelease, kernelVersion = uname()

func uname() (string, [2]int) {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "unknown", [2]int{}
	}
	rel := unix.ByteSliceToString(u.Release[:])
	return rel, parseVersion(rel)
}

// parseVersion reads "6.1.0-57-amd64" or "Linux 6.9" as {6, 1} or {6, 9}.
func parseVersion(s string) [2]int {
	s = strings.TrimPrefix(s, "Linux ")
	var v [2]int
	for i, part := range strings.SplitN(s, ".", 3) {
		if i == len(v) {
			break
		}
		n := 0
		for _, c := range part {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		v[i] = n
	}
	return v
}

// sinceOf returns the release that added the named value, such as
// "Linux 6.9", from the package's description; "" if the spec does not say.
func sinceOf(name string) string {
	for _, ty := range Description().Types {
		for _, v := range ty.Values {
			if v.Name == name {
				return v.Since
			}
		}
	}
	return ""
}

// newerThanKernel reports whether release since is newer than the running kernel.
func newerThanKernel(since string) bool {
	if since == "" {
		return false
	}
	v := parseVersion(since)
	return v[0] > kernelVersion[0] || v[0] == kernelVersion[0] && v[1] > kernelVersion[1]
}

// needs skips the test when a named value, or a named bit of a flag set, is
// newer than the running kernel, saying which release added it.
func needs(t testing.TB, values ...fmt.Stringer) {
	t.Helper()
	for _, v := range values {
		for _, name := range strings.Split(v.String(), "|") {
			if since := sinceOf(name); newerThanKernel(since) {
				t.Skipf("%s: %s added it; the running kernel is %s", name, since, kernelRelease)
			}
		}
	}
}

var (
	probeOnce sync.Once
	probe     Probe
	probeErr  error
)

// hasOp reports whether the running kernel's probe has op.
func hasOp(t testing.TB, op Op) bool {
	t.Helper()
	probeOnce.Do(func() {
		var r *Ring
		if r, probeErr = Setup(4, nil); probeErr == nil {
			probeErr = r.Probe(&probe)
			r.Close()
		}
	})
	if probeErr != nil {
		skipUnavailable(t, probeErr)
		t.Fatalf("probe: %v", probeErr)
	}
	return probe.Supports(op)
}

// opPart reports whether a test may go on to a part that uses op, an
// opcode other than the one its subtest is for, and logs why not.
func opPart(t testing.TB, op Op) bool {
	t.Helper()
	if hasOp(t, op) {
		return true
	}
	t.Logf("part not run: %v is not in the running kernel's probe (%s added it; the running kernel is %s)", op, sinceOf(op.String()), kernelRelease)
	return false
}

// retryEINTR calls f again while it returns EINTR, for at most waitLimit:
// calls that wait in the kernel return it when a signal arrives, as the
// Go runtime's preemption signals do.
func retryEINTR(f func() error) error {
	deadline := time.Now().Add(waitLimit)
	for {
		err := f()
		if err != unix.EINTR || time.Now().After(deadline) {
			return err
		}
	}
}
