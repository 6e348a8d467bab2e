package epoll

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// mustFd returns a function that fails t on error and closes the descriptor
// when t ends: fd := mustFd(t)(EpollCreate1(0)).
func mustFd(t testing.TB) func(fd int, err error) int {
	return func(fd int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(fd) })
		return fd
	}
}

func newEpoll(t testing.TB) int {
	t.Helper()
	return mustFd(t)(EpollCreate1(0))
}

func newEventfd(t testing.TB, initval uint32, flags EventfdFlags) int {
	t.Helper()
	return mustFd(t)(Eventfd(initval, flags))
}

func TestEpollWaitReportsToken(t *testing.T) {
	ep := newEpoll(t)
	efd := newEventfd(t, 0, EFD_NONBLOCK)
	const token = 0x0123456789abcdef
	ev := EpollEvent{Events: EPOLLIN}
	ev.SetU64(token)
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, &ev); err != nil {
		t.Fatal(err)
	}
	events := make([]EpollEvent, 4)
	if n, err := EpollWait(ep, events, 0); n != 0 || err != nil {
		t.Fatalf("EpollWait before the write = %d, %v; want 0, nil", n, err)
	}
	if err := EventfdWrite(efd, 1); err != nil {
		t.Fatal(err)
	}
	n, err := EpollWait(ep, events, 10000) // bounded: the event is due at once
	if n != 1 || err != nil {
		t.Fatalf("EpollWait = %d, %v; want 1, nil", n, err)
	}
	if events[0].Events != EPOLLIN || events[0].U64() != token {
		t.Errorf("event = %v %#x; want EPOLLIN %#x", events[0].Events, events[0].U64(), uint64(token))
	}
}

func TestDataAccessors(t *testing.T) {
	var ev EpollEvent
	ev.SetU64(0x1111111122222222)
	ev.SetFd(-7)
	if ev.Fd() != -7 || ev.U32() != 0xfffffff9 {
		t.Errorf("Fd, U32 = %d, %#x; want -7, 0xfffffff9", ev.Fd(), ev.U32())
	}
	// fd and u32 are the union's first 4 bytes, which are the low half of u64
	// on little-endian machines and the high half on big-endian ones.
	want := uint64(0x11111111fffffff9)
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		want = 0xfffffff922222222
	}
	if ev.U64() != want {
		t.Errorf("U64 = %#x; want %#x", ev.U64(), want)
	}
	ev.SetU32(5)
	if ev.Fd() != 5 {
		t.Errorf("Fd after SetU32(5) = %d", ev.Fd())
	}
}

// EventFd and EventU64 build a registration in one expression, without
// allocating, and the kernel hands back what they set.
func TestEventConstructors(t *testing.T) {
	ep := newEpoll(t)
	efd := newEventfd(t, 1, EFD_NONBLOCK)
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, EventFd(EPOLLIN, efd)); err != nil {
		t.Fatal(err)
	}
	events := make([]EpollEvent, 1)
	if n, err := EpollWait(ep, events, 0); n != 1 || err != nil || events[0].Fd() != efd || events[0].Events != EPOLLIN {
		t.Fatalf("EpollWait = %d, %v, fd %d, %v; want 1, nil, fd %d, EPOLLIN", n, err, events[0].Fd(), events[0].Events, efd)
	}
	const token = 0xfeedface_00000007
	if err := EpollCtl(ep, EPOLL_CTL_MOD, efd, EventU64(EPOLLIN|EPOLLET, token)); err != nil {
		t.Fatal(err)
	}
	if n, err := EpollWait(ep, events, 0); n != 1 || err != nil || events[0].U64() != token {
		t.Fatalf("EpollWait = %d, %v, data %#x; want 1, nil, %#x", n, err, events[0].U64(), uint64(token))
	}
	if a := testing.AllocsPerRun(100, func() {
		if err := EpollCtl(ep, EPOLL_CTL_MOD, efd, EventFd(EPOLLIN, efd)); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("EpollCtl with EventFd allocates %v times", a)
	}
}

// The kernel hands back the whole union as it was registered, on every
// architecture: this catches a wrong offset of Data or a wrong packing.
func TestDataRoundTripThroughKernel(t *testing.T) {
	ep := newEpoll(t)
	fds := make([]int, 3)
	for i := range fds {
		fds[i] = newEventfd(t, 1, 0)
		ev := EpollEvent{Events: EPOLLIN}
		ev.SetU64(uint64(i)<<40 | uint64(fds[i]))
		if err := EpollCtl(ep, EPOLL_CTL_ADD, fds[i], &ev); err != nil {
			t.Fatal(err)
		}
	}
	events := make([]EpollEvent, 8)
	n, err := EpollWait(ep, events, 0)
	if n != 3 || err != nil {
		t.Fatalf("EpollWait = %d, %v; want 3, nil", n, err)
	}
	seen := map[uint64]bool{}
	for _, ev := range events[:n] {
		if ev.Events != EPOLLIN {
			t.Errorf("events = %v", ev.Events)
		}
		seen[ev.U64()] = true
	}
	for i, fd := range fds {
		if want := uint64(i)<<40 | uint64(fd); !seen[want] {
			t.Errorf("token %#x not reported; got %v", want, seen)
		}
	}
}

func TestCtlSemantics(t *testing.T) {
	ep := newEpoll(t)
	efd := newEventfd(t, 0, 0)
	ev := EpollEvent{Events: EPOLLIN}
	steps := []struct {
		op    CtlOp
		event *EpollEvent
		want  error
	}{
		{EPOLL_CTL_MOD, &ev, unix.ENOENT},
		{EPOLL_CTL_DEL, nil, unix.ENOENT},
		{EPOLL_CTL_ADD, &ev, nil},
		{EPOLL_CTL_ADD, &ev, unix.EEXIST},
		{EPOLL_CTL_MOD, &ev, nil},
		{EPOLL_CTL_DEL, nil, nil}, // nil event is fine for DEL
		{CtlOp(99), &ev, unix.EINVAL},
	}
	for _, s := range steps {
		if err := EpollCtl(ep, s.op, efd, s.event); !errors.Is(err, s.want) && err != s.want {
			t.Errorf("EpollCtl(%v) = %v; want %v", s.op, err, s.want)
		}
	}
}

// registeredEvents reads the events mask the kernel stored for fd in the
// interest list of ep, from /proc/self/fdinfo.
func registeredEvents(t *testing.T, ep, fd int) uint64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", ep))
	if err != nil {
		t.Skipf("cannot read fdinfo: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[0] == "tfd:" && f[1] == strconv.Itoa(fd) && f[2] == "events:" {
			v, err := strconv.ParseUint(f[3], 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Skipf("no tfd line for %d in fdinfo (emulated /proc?):\n%s", fd, b)
	return 0
}

// Bits without a name reach the kernel untouched.
func TestUnknownEventBitsPassThrough(t *testing.T) {
	ep := newEpoll(t)
	efd := newEventfd(t, 0, 0)
	const unknown = Events(1 << 20)
	if unknown.String() != "0x100000" {
		t.Fatalf("bit 20 has a name now: %v; pick another", unknown)
	}
	ev := EpollEvent{Events: EPOLLIN | unknown}
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, &ev); err != nil {
		t.Fatal(err)
	}
	if got := registeredEvents(t, ep, efd); got&uint64(unknown) == 0 {
		t.Errorf("kernel stored events %#x; bit %#x was dropped", got, uint32(unknown))
	}
	// The kernel, not the wrapper, rejects unknown bits next to EPOLLEXCLUSIVE.
	efd2 := newEventfd(t, 0, 0)
	ev = EpollEvent{Events: EPOLLIN | EPOLLEXCLUSIVE | unknown}
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd2, &ev); err != unix.EINVAL {
		t.Errorf("EPOLLEXCLUSIVE with an unknown bit = %v; want EINVAL from the kernel", err)
	}
}

func TestErrors(t *testing.T) {
	ep := newEpoll(t)
	efd := newEventfd(t, 1, 0)
	ev := EpollEvent{Events: EPOLLIN}
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, &ev); err != nil {
		t.Fatal(err)
	}
	tfd := mustFd(t)(TimerfdCreate(CLOCK_MONOTONIC, 0))
	var empty Sigset
	sfd := mustFd(t)(Signalfd(-1, &empty, SFD_NONBLOCK))
	closed, err := EpollCreate1(0)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(closed)
	events := make([]EpollEvent, 1)
	huge := int(^uint(0) >> 1) // beyond C int on 64-bit; the wrapper says EINVAL, never truncates

	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"EpollCtl bad fd", func() error { return EpollCtl(ep, EPOLL_CTL_ADD, 1<<20, &ev) }, unix.EBADF},
		{"EpollCtl closed epfd", func() error { return EpollCtl(closed, EPOLL_CTL_ADD, efd, &ev) }, unix.EBADF},
		{"EpollCtl not an epoll fd", func() error { return EpollCtl(efd, EPOLL_CTL_ADD, ep, &ev) }, unix.EINVAL},
		{"EpollCtl epfd on itself", func() error { return EpollCtl(ep, EPOLL_CTL_ADD, ep, &ev) }, unix.EINVAL},
		{"EpollCtl huge fd", func() error { return EpollCtl(ep, EPOLL_CTL_ADD, huge, &ev) }, errBeyondInt(huge, unix.EBADF)},
		{"EpollWait closed epfd", func() error { _, err := EpollWait(closed, events, 0); return err }, unix.EBADF},
		{"EpollWait empty events", func() error { _, err := EpollWait(ep, nil, 0); return err }, unix.EINVAL},
		{"EpollWait negative timeout", func() error { _, err := EpollWait(ep, events, -12345); return err }, nil},
		{"EpollWait huge timeout", func() error { _, err := EpollWait(ep, events, huge); return err }, errBeyondInt(huge, nil)},
		{"EpollWait min int32 timeout", func() error { _, err := EpollWait(ep, events, -1<<31); return err }, nil},
		{"EpollPwait empty events", func() error { _, err := EpollPwait(ep, nil, 0, nil); return err }, unix.EINVAL},
		{"EpollCreate1 unknown flag", func() error { _, err := EpollCreate1(1); return err }, unix.EINVAL},
		{"Eventfd unknown flag", func() error { _, err := Eventfd(0, 1<<30); return err }, unix.EINVAL},
		{"EventfdWrite max", func() error { return EventfdWrite(efd, ^uint64(0)) }, unix.EINVAL},
		{"EventfdRead bad fd", func() error { _, err := EventfdRead(-1); return err }, unix.EBADF},
		{"TimerfdCreate invalid clock", func() error { _, err := TimerfdCreate(ClockID(99), 0); return err }, unix.EINVAL},
		{"TimerfdCreate CPU clock", func() error { _, err := TimerfdCreate(CLOCK_PROCESS_CPUTIME_ID, 0); return err }, unix.EINVAL},
		{"TimerfdSettime bad fd", func() error { return TimerfdSettime(-1, 0, &unix.ItimerSpec{}, nil) }, unix.EBADF},
		{"TimerfdSettime not a timerfd", func() error { return TimerfdSettime(efd, 0, &unix.ItimerSpec{}, nil) }, unix.EINVAL},
		{"TimerfdSettime nil new value", func() error { return TimerfdSettime(tfd, 0, nil, nil) }, unix.EFAULT},
		{"Signalfd not a signalfd", func() error { _, err := Signalfd(efd, &Sigset{}, 0); return err }, unix.EINVAL},
		{"SignalfdRead empty", func() error { _, err := SignalfdRead(sfd, nil); return err }, unix.EINVAL},
		{"RtSigprocmask bad how", func() error { return RtSigprocmask(SigmaskHow(99), &Sigset{}, nil) }, unix.EINVAL},
	}
	for _, tt := range tests {
		err := tt.call()
		if err != tt.want {
			t.Errorf("%s: err = %v (%T); want %v", tt.name, err, err, tt.want)
		}
		if err != nil {
			if _, ok := err.(syscall.Errno); !ok {
				t.Errorf("%s: err is %T, not syscall.Errno", tt.name, err)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("%s: errors.Is(%v, %v) is false", tt.name, err, tt.want)
			}
		}
	}
}

// errBeyondInt is what a call gives for the Go int v: EINVAL from the wrapper
// if v is outside the C int range (only possible where int is 64-bit), or
// else kernelErr, what the kernel says of v.
func errBeyondInt(v int, kernelErr error) error {
	if int(int32(v)) != v {
		return unix.EINVAL
	}
	return kernelErr
}

func TestTimerfdInvalidTimespec(t *testing.T) {
	tfd := mustFd(t)(TimerfdCreate(CLOCK_MONOTONIC, 0))
	for _, ts := range []unix.Timespec{{Sec: 0, Nsec: 1e9}, {Sec: 0, Nsec: -1}, {Sec: -1, Nsec: 0}} {
		err := TimerfdSettime(tfd, 0, &unix.ItimerSpec{Value: ts}, nil)
		if err != unix.EINVAL {
			t.Errorf("TimerfdSettime(value %+v) = %v; want EINVAL", ts, err)
		}
	}
}

func TestEpollPwait2InvalidTimespec(t *testing.T) {
	ep := newEpoll(t)
	events := make([]EpollEvent, 1)
	for _, ts := range []KernelTimespec{{Sec: 0, Nsec: 1e9}, {Sec: 0, Nsec: -1}, {Sec: -1, Nsec: 0}} {
		_, err := EpollPwait2(ep, events, &ts, nil)
		if err == unix.ENOSYS {
			t.Skip("epoll_pwait2: ENOSYS (kernel before 5.11, or qemu-user 7.2, which lacks it)")
		}
		if err != unix.EINVAL {
			t.Errorf("EpollPwait2(timeout %+v) = %v; want EINVAL", ts, err)
		}
	}
}

func TestCloseOnExec(t *testing.T) {
	var empty Sigset
	creators := map[string]func() (int, error){
		"EpollCreate1":  func() (int, error) { return EpollCreate1(0) },
		"Eventfd":       func() (int, error) { return Eventfd(0, 0) },
		"TimerfdCreate": func() (int, error) { return TimerfdCreate(CLOCK_MONOTONIC, 0) },
		"Signalfd":      func() (int, error) { return Signalfd(-1, &empty, 0) },
	}
	for name, create := range creators {
		fd := mustFd(t)(create())
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil {
			t.Fatal(err)
		}
		if flags&unix.FD_CLOEXEC == 0 {
			t.Errorf("%s(0): descriptor is not close-on-exec", name)
		}
	}
}
