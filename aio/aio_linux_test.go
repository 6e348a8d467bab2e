package aio

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/eventq/eventq/epoll"
	"github.com/eventq/eventq/internal/offheap"
	"golang.org/x/sys/unix"
)

// newCtx sets up an AIO context, destroyed when the test ends; it skips
// where native AIO is missing (qemu-user has none).
func newCtx(t testing.TB, n uint32) uintptr {
	t.Helper()
	ctx, err := IoSetup(n)
	if errors.Is(err, unix.ENOSYS) {
		t.Skip("io_setup: ENOSYS: no native AIO here (a kernel built without CONFIG_AIO, or qemu-user, which lacks it)")
	}
	if err != nil {
		t.Fatalf("io_setup(%d): %v", n, err)
	}
	t.Cleanup(func() {
		if err := IoDestroy(ctx); err != nil {
			t.Errorf("io_destroy: %v", err)
		}
	})
	return ctx
}

func newRequest(t testing.TB, cmd IocbCmd, fd int, offset int64, size int) *Request {
	t.Helper()
	r, err := NewRequest(cmd, fd, offset, size)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Free() })
	return r
}

// wait gets exactly one completion, looping on EINTR.
func wait(t testing.TB, ctx uintptr) IoEvent {
	t.Helper()
	events := make([]IoEvent, 1)
	for {
		n, err := IoGetevents(ctx, 1, events, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n != 1 {
			t.Fatalf("io_getevents: %d, %v", n, err)
		}
		return events[0]
	}
}

// onTmpfs reports whether fd is a file of a tmpfs.
func onTmpfs(t testing.TB, fd int) bool {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		t.Fatal(err)
	}
	return st.Type == unix.TMPFS_MAGIC
}

func tempFile(t testing.TB, data []byte) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "aio")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func open(t testing.TB, name string, flags int) int {
	t.Helper()
	fd, err := unix.Open(name, flags|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

func TestBufferedRead(t *testing.T) {
	ctx := newCtx(t, 4)
	fd := open(t, tempFile(t, []byte("native aio, buffered")), unix.O_RDONLY)
	r := newRequest(t, IOCB_CMD_PREAD, fd, 7, 64)
	r.Cb.Data = 42
	if n, err := IoSubmit(ctx, []*Iocb{r.Cb}); n != 1 || err != nil {
		t.Fatalf("io_submit: %d, %v", n, err)
	}
	ev := wait(t, ctx)
	if ev.Data != 42 || ev.Obj != r.Cb.Addr() || ev.Res != 13 || string(r.Buf[:13]) != "aio, buffered" {
		t.Fatalf("event %+v, buffer %q", ev, r.Buf[:max(ev.Res, 0)])
	}
}

// O_DIRECT: the buffer, offset and length are multiples of the block size
// (the Request's buffer starts on a page).
func TestDirectRead(t *testing.T) {
	ctx := newCtx(t, 4)
	data := make([]byte, 8192)
	for i := range data {
		data[i] = byte(i / 4096)
	}
	name := tempFile(t, data)
	fd, err := unix.Open(name, unix.O_RDONLY|unix.O_DIRECT|unix.O_CLOEXEC, 0)
	if err == unix.EINVAL {
		t.Skipf("the file system of %s does not do O_DIRECT", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	r := newRequest(t, IOCB_CMD_PREAD, fd, 4096, 4096)
	if n, err := IoSubmit(ctx, []*Iocb{r.Cb}); n != 1 || err != nil {
		t.Fatalf("io_submit: %d, %v", n, err)
	}
	if ev := wait(t, ctx); ev.Res != 4096 || r.Buf[0] != 1 || r.Buf[4095] != 1 {
		t.Fatalf("O_DIRECT read: %+v, first byte %d", ev, r.Buf[0])
	}
	// A misaligned O_DIRECT read is accepted by io_submit and fails in its
	// completion (seen on 6.18 on a disk file system). tmpfs, which does
	// O_DIRECT from Linux 6.6 on, has no alignment rule: the read succeeds
	// (seen on 6.12).
	bad := newRequest(t, IOCB_CMD_PREAD, fd, 100, 4096)
	if n, err := IoSubmit(ctx, []*Iocb{bad.Cb}); n != 1 || err != nil {
		t.Fatalf("misaligned O_DIRECT read: io_submit %d, %v; want 1, nil", n, err)
	}
	want := -int64(unix.EINVAL)
	if onTmpfs(t, fd) {
		want = 4096
	}
	if ev := wait(t, ctx); ev.Res != want {
		t.Fatalf("misaligned O_DIRECT read: %+v; want res %d", ev, want)
	}
}

func TestPollAndCancel(t *testing.T) {
	ctx := newCtx(t, 4)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	r := newRequest(t, IOCB_CMD_PREAD, fds[0], 0, 0)
	r.Cb.Data = 1
	r.Cb.SetPoll(fds[0], unix.POLLIN)
	if n, err := IoSubmit(ctx, []*Iocb{r.Cb}); n != 1 || err != nil {
		t.Fatalf("io_submit POLL: %d, %v", n, err)
	}
	unix.Write(fds[1], []byte("x"))
	if ev := wait(t, ctx); ev.Data != 1 || ev.Res&unix.POLLIN == 0 {
		t.Fatalf("poll event %+v: want POLLIN", ev)
	}
	// A poll that nothing satisfies, cancelled: io_cancel says EINPROGRESS
	// and the completion comes back through io_getevents, with no events
	// (res 0: the kernel does not say -ECANCELED for a poll).
	r.Cb.SetPoll(fds[1], unix.POLLIN)
	r.Cb.Data = 2
	if n, err := IoSubmit(ctx, []*Iocb{r.Cb}); n != 1 || err != nil {
		t.Fatalf("io_submit POLL: %d, %v", n, err)
	}
	var res IoEvent
	if err := IoCancel(ctx, r.Cb, &res); err != unix.EINPROGRESS {
		t.Fatalf("io_cancel: %v; want EINPROGRESS", err)
	}
	if ev := wait(t, ctx); ev.Data != 2 || ev.Res != 0 {
		t.Fatalf("cancelled poll: %+v; want res 0, no events", ev)
	}
	if err := IoCancel(ctx, r.Cb, &res); err != unix.EINVAL {
		t.Fatalf("io_cancel of a request not in flight: %v; want EINVAL", err)
	}
}

// The Linux twin of SIGEV_KEVENT: the completion signals an eventfd that an
// epoll set watches.
func TestEventfdThroughEpoll(t *testing.T) {
	ctx := newCtx(t, 4)
	fd := open(t, tempFile(t, []byte("through an eventfd")), unix.O_RDONLY)
	efd, err := epoll.Eventfd(0, epoll.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ep)
	if err := epoll.EpollCtl(ep, epoll.EPOLL_CTL_ADD, efd, epoll.EventU64(epoll.EPOLLIN, 7)); err != nil {
		t.Fatal(err)
	}
	r := newRequest(t, IOCB_CMD_PREAD, fd, 0, 64)
	r.Cb.SetResfd(efd)
	if n, err := IoSubmit(ctx, []*Iocb{r.Cb}); n != 1 || err != nil {
		t.Fatalf("io_submit: %d, %v", n, err)
	}
	events := make([]epoll.EpollEvent, 1)
	for {
		n, err := epoll.EpollWait(ep, events, 5000)
		if err == unix.EINTR {
			continue
		}
		if n != 1 || err != nil || events[0].U64() != 7 {
			t.Fatalf("epoll_wait: %d, %v", n, err)
		}
		break
	}
	if v, err := epoll.EventfdRead(efd); v != 1 || err != nil {
		t.Fatalf("eventfd counter %d, %v; want 1 completion", v, err)
	}
	evs := make([]IoEvent, 4)
	if n, err := IoGetevents(ctx, 0, evs, nil); n != 1 || err != nil || evs[0].Res != 18 {
		t.Fatalf("io_getevents after the eventfd: %d, %v, %+v", n, err, evs[0])
	}
}

func TestPgeteventsTimeout(t *testing.T) {
	ctx := newCtx(t, 4)
	ts := KernelTimespec{Nsec: 5e6}
	start := time.Now()
	events := make([]IoEvent, 1)
	n, err := IoPgetevents(ctx, 1, events, &ts, nil)
	for err == unix.EINTR {
		n, err = IoPgetevents(ctx, 1, events, &ts, nil)
	}
	if n != 0 || err != nil || time.Since(start) < 5*time.Millisecond {
		t.Fatalf("io_pgetevents with nothing in flight: %d, %v after %v; want 0 after 5 ms", n, err, time.Since(start))
	}
	// With a signal mask: the kernel's sigset size. The empty mask lets
	// every signal in during the call, Go's preemption signal among them:
	// EINTR is retried.
	var mask Sigset
	sig := AioSigset{Sigmask: &mask, Sigsetsize: unsafe.Sizeof(mask)}
	n, err = IoPgetevents(ctx, 0, events, &KernelTimespec{}, &sig)
	for err == unix.EINTR {
		n, err = IoPgetevents(ctx, 0, events, &KernelTimespec{}, &sig)
	}
	if n != 0 || err != nil {
		t.Fatalf("io_pgetevents with an empty mask: %d, %v", n, err)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := IoSetup(0); err != unix.EINVAL {
		if errors.Is(err, unix.ENOSYS) {
			t.Skip("io_setup: ENOSYS: no native AIO here (a kernel built without CONFIG_AIO, or qemu-user, which lacks it)")
		}
		t.Errorf("io_setup(0): %v; want EINVAL", err)
	}
	if _, err := IoSetup(1 << 30); err != unix.EINVAL {
		t.Errorf("io_setup(1<<30): %v; want EINVAL (more events than the kernel maps)", err)
	}
	if b, err := os.ReadFile("/proc/sys/fs/aio-max-nr"); err == nil {
		max, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
		if _, err := IoSetup(uint32(max) + 1); err != unix.EAGAIN {
			t.Errorf("io_setup(fs.aio-max-nr+1 = %d): %v; want EAGAIN", max+1, err)
		}
	}
	if _, err := IoSubmit(12345, nil); err != unix.EINVAL {
		t.Errorf("io_submit on a bad context: %v; want EINVAL", err)
	}
	ctx := newCtx(t, 4)
	if n, err := IoSubmit(ctx, nil); n != 0 || err != nil {
		t.Errorf("io_submit of none: %d, %v; want 0, nil", n, err)
	}
	r := newRequest(t, IOCB_CMD_PREAD, 0, 0, 8)
	r.Cb.Fildes = 1 << 30 // no such descriptor
	if _, err := IoSubmit(ctx, []*Iocb{r.Cb}); err != unix.EBADF {
		t.Errorf("io_submit with a bad fd: %v; want EBADF", err)
	}
	gone, _ := offheap.Map(64)
	offheap.Unmap(gone)
	if _, err := IoSubmit(ctx, []*Iocb{(*Iocb)(unsafe.Pointer(&gone[0]))}); err != unix.EFAULT {
		t.Errorf("io_submit of an unmapped iocb: %v; want EFAULT", err)
	}
	r.Cb.Fildes = uint32(0)
	r.Cb.LioOpcode = 99
	if _, err := IoSubmit(ctx, []*Iocb{r.Cb}); err != unix.EINVAL {
		t.Errorf("io_submit of opcode 99: %v; want EINVAL", err)
	}
	if _, err := IoGetevents(ctx, 1, nil, nil); err != unix.EINVAL {
		t.Errorf("io_getevents with min 1 and no room: %v; want EINVAL", err)
	}
	if err := IoDestroy(12345); err != unix.EINVAL {
		t.Errorf("io_destroy of a bad context: %v; want EINVAL", err)
	}
}

func TestZeroAllocations(t *testing.T) {
	ctx := newCtx(t, 4)
	fd := open(t, tempFile(t, []byte("0123456789")), unix.O_RDONLY)
	r := newRequest(t, IOCB_CMD_PREAD, fd, 0, 10)
	iocbs := []*Iocb{r.Cb}
	events := make([]IoEvent, 1)
	allocs := testing.AllocsPerRun(100, func() {
		if n, err := IoSubmit(ctx, iocbs); n != 1 || err != nil {
			panic(err)
		}
		for {
			n, err := IoGetevents(ctx, 1, events, nil)
			if err == unix.EINTR {
				continue
			}
			if n != 1 || events[0].Res != 10 {
				panic("lost a completion")
			}
			break
		}
	})
	if allocs != 0 {
		t.Fatalf("submit and reap: %v allocations; want 0", allocs)
	}
}
