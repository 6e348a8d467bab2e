package epoll

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// skipNoIoctl skips where the ioctl cannot be judged: qemu-user passes only
// the ioctls it knows, and a kernel may be built without the feature.
func skipNoIoctl(t *testing.T, what string, err error) {
	t.Helper()
	if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.ENOSYS) {
		t.Skipf("%s: %v (a kernel before the feature or built without it; a 32-bit program on a 64-bit kernel, for an ioctl the kernel has no compat form of; or qemu-user, which does not pass unknown ioctls)", what, err)
	}
}

func TestEpollBusyPollParams(t *testing.T) {
	ep := newEpoll(t)
	var got EpollParams
	err := EpollGetParams(ep, &got)
	skipNoIoctl(t, "EPIOCGPARAMS", err)
	if err != nil {
		t.Fatal(err)
	}
	if got != (EpollParams{}) {
		t.Errorf("a new epoll descriptor's parameters: %+v; want zero", got)
	}
	set := EpollParams{BusyPollUsecs: 100, BusyPollBudget: 16, PreferBusyPoll: 1}
	if err := EpollSetParams(ep, &set); err != nil {
		t.Fatalf("EPIOCSPARAMS %+v: %v", set, err)
	}
	if err := EpollGetParams(ep, &got); err != nil || got != set {
		t.Fatalf("EPIOCGPARAMS after setting %+v: %+v, %v", set, got, err)
	}
	for _, bad := range []EpollParams{{Pad: 1}, {PreferBusyPoll: 2}, {BusyPollUsecs: 1 << 31}} {
		if err := EpollSetParams(ep, &bad); err != unix.EINVAL {
			t.Errorf("EPIOCSPARAMS %+v: %v; want EINVAL", bad, err)
		}
	}
	rd := mustFd(t)(Eventfd(0, 0))
	if err := EpollSetParams(rd, &set); err != unix.ENOTTY {
		t.Errorf("EPIOCSPARAMS on an eventfd: %v; want ENOTTY (not an epoll descriptor)", err)
	}
}

func TestTimerfdSetTicks(t *testing.T) {
	tfd := mustFd(t)(TimerfdCreate(CLOCK_MONOTONIC, TFD_NONBLOCK))
	err := TimerfdSetTicks(tfd, 5)
	skipNoIoctl(t, "TFD_IOC_SET_TICKS", err)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := TimerfdRead(tfd); n != 5 || err != nil {
		t.Fatalf("TimerfdRead after setting 5 ticks: %d, %v", n, err)
	}
	if err := TimerfdSetTicks(tfd, 0); err != unix.EINVAL {
		t.Errorf("0 ticks: %v; want EINVAL", err)
	}
}

// A timer past January 2038 (2^31 seconds): on 386, arm, mips and mipsle only
// the time64 calls can express it; on 64-bit architectures they are the
// plain calls.
func TestTimerfdPast2038(t *testing.T) {
	tfd := mustFd(t)(TimerfdCreate(CLOCK_REALTIME, 0))
	const y2040 = 2208988800 // 2040-01-01T00:00:00Z
	set := KernelItimerspec{Value: KernelTimespec{Sec: y2040}}
	err := TimerfdSettime64(tfd, TFD_TIMER_ABSTIME, &set, nil)
	if errors.Is(err, unix.ENOSYS) {
		t.Skipf("timerfd_settime64: %v (qemu-user 7.2 or a kernel before 5.1)", err)
	}
	if err != nil {
		t.Fatalf("timerfd_settime64 to 2040: %v", err)
	}
	var cur KernelItimerspec
	if err := TimerfdGettime64(tfd, &cur); err != nil {
		t.Fatal(err)
	}
	want := int64(y2040) - time.Now().Unix()
	if d := cur.Value.Sec - want; d < -5 || d > 5 {
		t.Fatalf("time left: %d s; want about %d s", cur.Value.Sec, want)
	}
	var old KernelItimerspec
	if err := TimerfdSettime64(tfd, 0, &KernelItimerspec{}, &old); err != nil || old.Value.Sec < want-5 {
		t.Fatalf("disarm: old value %+v, %v", old, err)
	}
}
