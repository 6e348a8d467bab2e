package epoll

import (
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestEventfdCounter(t *testing.T) {
	efd := newEventfd(t, 3, EFD_NONBLOCK)
	for _, v := range []uint64{4, 1 << 40} {
		if err := EventfdWrite(efd, v); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := EventfdRead(efd); v != 3+4+1<<40 || err != nil {
		t.Fatalf("EventfdRead = %d, %v; want %d, nil", v, err, uint64(3+4+1<<40))
	}
	if v, err := EventfdRead(efd); err != unix.EAGAIN {
		t.Fatalf("EventfdRead of a zero counter = %d, %v; want EAGAIN", v, err)
	}
	// The counter holds at most 0xfffffffffffffffe.
	if err := EventfdWrite(efd, 0xfffffffffffffffe); err != nil {
		t.Fatal(err)
	}
	if err := EventfdWrite(efd, 1); err != unix.EAGAIN {
		t.Fatalf("EventfdWrite past the maximum = %v; want EAGAIN", err)
	}
}

func TestEventfdSemaphore(t *testing.T) {
	efd := newEventfd(t, 2, EFD_SEMAPHORE|EFD_NONBLOCK)
	for i := 0; i < 2; i++ {
		if v, err := EventfdRead(efd); v != 1 || err != nil {
			t.Fatalf("read %d = %d, %v; want 1, nil", i, v, err)
		}
	}
	if _, err := EventfdRead(efd); err != unix.EAGAIN {
		t.Fatalf("third read = %v; want EAGAIN", err)
	}
}

func TestTimerfdPeriodic(t *testing.T) {
	tfd := mustFd(t)(TimerfdCreate(CLOCK_MONOTONIC, 0))
	ep := newEpoll(t)
	ev := EpollEvent{Events: EPOLLIN}
	ev.SetFd(tfd)
	if err := EpollCtl(ep, EPOLL_CTL_ADD, tfd, &ev); err != nil {
		t.Fatal(err)
	}
	spec := unix.ItimerSpec{Interval: unix.NsecToTimespec(2e6), Value: unix.NsecToTimespec(1e6)}
	if err := TimerfdSettime(tfd, 0, &spec, nil); err != nil {
		t.Fatal(err)
	}
	var cur unix.ItimerSpec
	if err := TimerfdGettime(tfd, &cur); err != nil {
		t.Fatal(err)
	}
	// The time left is at most the first expiry's 1 ms, or, once that has
	// passed (a slow machine takes longer between the two calls), the 2 ms
	// of the interval; 0 is seen at the instant of an expiry.
	if cur.Interval != spec.Interval || cur.Value.Nano() < 0 || cur.Value.Nano() > 2e6 {
		t.Errorf("TimerfdGettime = %+v; want interval %+v and 0 <= value <= 2ms", cur, spec.Interval)
	}
	var expirations uint64
	events := make([]EpollEvent, 1)
	for expirations < 3 {
		n, err := EpollWait(ep, events, 10000) // bounded: the event is due at once
		if err == unix.EINTR {
			continue
		}
		if n != 1 || err != nil || events[0].Fd() != tfd {
			t.Fatalf("EpollWait = %d, %v, fd %d", n, err, events[0].Fd())
		}
		v, err := TimerfdRead(tfd)
		if err != nil {
			t.Fatal(err)
		}
		expirations += v
	}
	// Disarm: a zero Value stops the timer, but gettime still reports the
	// interval it was given, and the old setting comes back in oldValue.
	var old unix.ItimerSpec
	if err := TimerfdSettime(tfd, 0, &unix.ItimerSpec{Interval: spec.Interval}, &old); err != nil {
		t.Fatal(err)
	}
	if old.Interval != spec.Interval {
		t.Errorf("old interval = %+v; want %+v", old.Interval, spec.Interval)
	}
	if err := TimerfdGettime(tfd, &cur); err != nil {
		t.Fatal(err)
	}
	if cur.Value != (unix.Timespec{}) || cur.Interval != spec.Interval {
		t.Errorf("after disarming, TimerfdGettime = %+v; want zero value and interval %+v", cur, spec.Interval)
	}
}

// signalfd only sees a signal that is blocked in the thread it is sent to. Go
// runs goroutines on many threads that do not block it, so: lock the
// goroutine to its thread, block the signal there, and send it to that
// thread with tgkill (a kill to the process may go to any other thread).
func TestSignalfd(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	var set, old Sigset
	if err := set.Add(unix.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	if err := RtSigprocmask(SIG_BLOCK, &set, &old); err != nil {
		t.Fatal(err)
	}
	defer RtSigprocmask(SIG_SETMASK, &old, nil)

	sfd := mustFd(t)(Signalfd(-1, &set, SFD_NONBLOCK))
	infos := make([]SignalfdSiginfo, 2)
	if n, err := SignalfdRead(sfd, infos); err != unix.EAGAIN {
		t.Fatalf("SignalfdRead with nothing pending = %d, %v; want EAGAIN", n, err)
	}
	if err := unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	n, err := SignalfdRead(sfd, infos)
	if n != 1 || err != nil {
		t.Fatalf("SignalfdRead = %d, %v; want 1, nil", n, err)
	}
	si := infos[0]
	if unix.Signal(si.Signo) != unix.SIGUSR1 || si.Pid != uint32(unix.Getpid()) || si.Uid != uint32(unix.Getuid()) {
		t.Errorf("siginfo = signo %d pid %d uid %d; want %d %d %d",
			si.Signo, si.Pid, si.Uid, unix.SIGUSR1, unix.Getpid(), unix.Getuid())
	}
	if si.Code != -6 { // SI_TKILL: sent by tkill or tgkill
		t.Errorf("ssi_code = %d; want SI_TKILL (-6)", si.Code)
	}
}

func TestSigprocmaskRoundTrip(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set, old, cur Sigset
	set.Add(unix.SIGUSR2)
	set.Add(unix.SIGWINCH)
	if err := RtSigprocmask(SIG_BLOCK, &set, &old); err != nil {
		t.Fatal(err)
	}
	defer RtSigprocmask(SIG_SETMASK, &old, nil)
	if err := RtSigprocmask(SIG_BLOCK, nil, &cur); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []unix.Signal{unix.SIGUSR2, unix.SIGWINCH} {
		if !cur.IsMember(sig) {
			t.Errorf("%v not blocked after SIG_BLOCK: mask %v", sig, cur.Val)
		}
	}
	// SIGKILL and SIGSTOP cannot be blocked: the kernel drops them silently.
	var all Sigset
	all.Fill()
	if err := RtSigprocmask(SIG_BLOCK, &all, nil); err != nil {
		t.Fatal(err)
	}
	RtSigprocmask(SIG_BLOCK, nil, &cur)
	if cur.IsMember(unix.SIGKILL) || cur.IsMember(unix.SIGSTOP) || !cur.IsMember(unix.SIGTERM) {
		t.Errorf("after blocking all: SIGKILL %v SIGSTOP %v SIGTERM %v", cur.IsMember(unix.SIGKILL), cur.IsMember(unix.SIGSTOP), cur.IsMember(unix.SIGTERM))
	}
}

func TestSigset(t *testing.T) {
	var s Sigset
	for _, sig := range []unix.Signal{1, 31, 32, 33, unix.Signal(NSIG)} {
		if err := s.Add(sig); err != nil {
			t.Fatalf("Add(%d) = %v", sig, err)
		}
		if !s.IsMember(sig) {
			t.Errorf("IsMember(%d) false after Add", sig)
		}
		if err := s.Del(sig); err != nil || s.IsMember(sig) {
			t.Errorf("Del(%d) = %v, member %v", sig, err, s.IsMember(sig))
		}
	}
	if s != (Sigset{}) {
		t.Errorf("set not empty after Add and Del: %v", s.Val)
	}
	for _, sig := range []unix.Signal{0, -1, unix.Signal(NSIG + 1)} {
		if err := s.Add(sig); err != unix.EINVAL {
			t.Errorf("Add(%d) = %v; want EINVAL", sig, err)
		}
		if err := s.Del(sig); err != unix.EINVAL {
			t.Errorf("Del(%d) = %v; want EINVAL", sig, err)
		}
		if s.IsMember(sig) {
			t.Errorf("IsMember(%d) = true", sig)
		}
	}
	s.Fill()
	for sig := 1; sig <= NSIG; sig++ {
		if !s.IsMember(unix.Signal(sig)) {
			t.Fatalf("IsMember(%d) false after Fill", sig)
		}
	}
	s.Empty()
	if s != (Sigset{}) {
		t.Errorf("Empty left %v", s.Val)
	}
	// Signal n is bit n-1 of the kernel's unsigned long words.
	s.Add(unix.SIGINT) // 2
	if s.Val[0] != 2 {
		t.Errorf("SIGINT set gives word 0 = %#x; want 0x2", s.Val[0])
	}
}

func TestEpollPwait(t *testing.T) {
	ep := newEpoll(t)
	efd := newEventfd(t, 1, 0)
	ev := EpollEvent{Events: EPOLLIN}
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, &ev); err != nil {
		t.Fatal(err)
	}
	var mask Sigset
	mask.Add(unix.SIGUSR1)
	events := make([]EpollEvent, 2)
	if n, err := EpollPwait(ep, events, 10000, &mask); n != 1 || err != nil {
		t.Errorf("EpollPwait = %d, %v; want 1, nil", n, err)
	}
	if n, err := EpollPwait(ep, events, 0, nil); n != 1 || err != nil {
		t.Errorf("EpollPwait with nil mask = %d, %v; want 1, nil", n, err)
	}
}

func TestEpollPwait2(t *testing.T) {
	ep := newEpoll(t)
	events := make([]EpollEvent, 2)
	if _, err := EpollPwait2(ep, events, &KernelTimespec{}, nil); err == unix.ENOSYS {
		t.Skip("epoll_pwait2: ENOSYS (kernel before 5.11, or qemu-user 7.2, which lacks it)")
	}
	efd := newEventfd(t, 0, 0)
	ev := EpollEvent{Events: EPOLLIN}
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, &ev); err != nil {
		t.Fatal(err)
	}
	// Nothing ready: a short timeout expires with no event.
	if n, err := waitEINTR(func() (int, error) {
		return EpollPwait2(ep, events, &KernelTimespec{Nsec: 1e6}, nil)
	}); n != 0 || err != nil {
		t.Errorf("EpollPwait2(1ms) = %d, %v; want 0, nil", n, err)
	}
	if err := EventfdWrite(efd, 1); err != nil {
		t.Fatal(err)
	}
	var mask Sigset
	if n, err := waitEINTR(func() (int, error) { return EpollPwait2(ep, events, nil, &mask) }); n != 1 || err != nil {
		t.Errorf("EpollPwait2(nil timeout) = %d, %v; want 1, nil", n, err)
	}
}

// waitEINTR repeats a wait interrupted by a signal, as callers must.
func waitEINTR(wait func() (int, error)) (int, error) {
	for {
		n, err := wait()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// A wait with a timeout returns when the timeout expires: the test bounds
// the return, it does not time the call.
func TestEpollWaitTimeoutExpires(t *testing.T) {
	ep := newEpoll(t)
	events := make([]EpollEvent, 1)
	done := make(chan error, 1)
	go func() {
		n, err := waitEINTR(func() (int, error) { return EpollWait(ep, events, 5) })
		if n != 0 {
			t.Errorf("EpollWait on an empty set = %d", n)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("EpollWait(5ms) did not return within a minute")
	}
}

func TestZeroAllocations(t *testing.T) {
	ep := newEpoll(t)
	efd := newEventfd(t, 1, EFD_NONBLOCK)
	ev := EpollEvent{Events: EPOLLIN}
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, &ev); err != nil {
		t.Fatal(err)
	}
	empty := newEventfd(t, 0, EFD_NONBLOCK)
	events := make([]EpollEvent, 4)
	infos := make([]SignalfdSiginfo, 1)
	var mask Sigset
	calls := map[string]func(){
		"EpollWait":           func() { EpollWait(ep, events, 0) },
		"EpollPwait":          func() { EpollPwait(ep, events, 0, &mask) },
		"EpollPwait2":         func() { EpollPwait2(ep, events, &KernelTimespec{}, &mask) },
		"EpollCtl MOD":        func() { EpollCtl(ep, EPOLL_CTL_MOD, efd, &ev) },
		"EventfdWrite+Read":   func() { EventfdWrite(efd, 1); EventfdRead(efd) },
		"EventfdRead EAGAIN":  func() { EventfdRead(empty) },
		"EpollCtl EBADF":      func() { EpollCtl(-1, EPOLL_CTL_ADD, efd, &ev) },
		"EpollCtl ENOENT":     func() { EpollCtl(ep, EPOLL_CTL_DEL, empty, nil) },
		"EpollWait EINVAL":    func() { EpollWait(ep, nil, 0) },
		"SignalfdRead EINVAL": func() { SignalfdRead(ep, infos) },
		"RtSigprocmask":       func() { RtSigprocmask(SIG_BLOCK, nil, &mask) },
	}
	if huge := int(^uint(0) >> 1); int(int32(huge)) != huge {
		// The wrapper's own EINVAL, for an int the kernel's C int cannot hold.
		calls["EpollWait huge timeout"] = func() { EpollWait(ep, events, huge) }
	}
	for name, call := range calls {
		if allocs := testing.AllocsPerRun(100, call); allocs != 0 {
			t.Errorf("%s: %v allocations per call; want 0", name, allocs)
		}
	}
}
