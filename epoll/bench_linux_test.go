// The benchmarks use testing.B.Loop, which Go 1.24 added; the module
// declares an older Go, so they build with Go 1.24 and later only.

//go:build go1.24

package epoll

import (
	"encoding/binary"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The benchmarks run each call three ways: this package, golang.org/x/sys,
// and a bare syscall.RawSyscall6, the floor for any Go wrapper. bench/run
// compares them with the same calls made from C.

// benchSetup returns an epoll descriptor with one eventfd registered and
// always readable (level-triggered, counter never read).
func benchSetup(b *testing.B) (ep, efd int) {
	ep = newEpoll(b)
	efd = newEventfd(b, 1, EFD_NONBLOCK)
	ev := EpollEvent{Events: EPOLLIN}
	if err := EpollCtl(ep, EPOLL_CTL_ADD, efd, &ev); err != nil {
		b.Fatal(err)
	}
	return ep, efd
}

func BenchmarkEpollWait(b *testing.B) {
	ep, _ := benchSetup(b)
	b.Run("impl=eventq", func(b *testing.B) {
		events := make([]EpollEvent, 1)
		for b.Loop() {
			if n, err := EpollWait(ep, events, 0); n != 1 || err != nil {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("impl=xsys", func(b *testing.B) {
		events := make([]unix.EpollEvent, 1)
		for b.Loop() {
			if n, err := unix.EpollWait(ep, events, 0); n != 1 || err != nil {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		events := make([]EpollEvent, 1)
		for b.Loop() {
			r, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(ep), uintptr(unsafe.Pointer(&events[0])), 1, 0, 0, 0)
			if r != 1 || e != 0 {
				b.Fatal(r, e)
			}
		}
	})
}

func BenchmarkEpollCtlMod(b *testing.B) {
	ep, efd := benchSetup(b)
	b.Run("impl=eventq", func(b *testing.B) {
		ev := EpollEvent{Events: EPOLLIN}
		for b.Loop() {
			if err := EpollCtl(ep, EPOLL_CTL_MOD, efd, &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=xsys", func(b *testing.B) {
		ev := unix.EpollEvent{Events: unix.EPOLLIN}
		for b.Loop() {
			if err := unix.EpollCtl(ep, unix.EPOLL_CTL_MOD, efd, &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		ev := EpollEvent{Events: EPOLLIN}
		for b.Loop() {
			if _, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(ep), uintptr(EPOLL_CTL_MOD), uintptr(efd), uintptr(unsafe.Pointer(&ev)), 0, 0); e != 0 {
				b.Fatal(e)
			}
		}
	})
}

// One write and one read of an eventfd's 8-byte counter per iteration.
func BenchmarkEventfdWriteRead(b *testing.B) {
	efd := newEventfd(b, 0, EFD_NONBLOCK)
	b.Run("impl=eventq", func(b *testing.B) {
		for b.Loop() {
			if err := EventfdWrite(efd, 1); err != nil {
				b.Fatal(err)
			}
			if v, err := EventfdRead(efd); v != 1 || err != nil {
				b.Fatal(v, err)
			}
		}
	})
	b.Run("impl=xsys", func(b *testing.B) {
		buf := make([]byte, 8)
		one := binary.NativeEndian.AppendUint64(nil, 1) // eventfd counters are host byte order
		for b.Loop() {
			if _, err := unix.Write(efd, one); err != nil {
				b.Fatal(err)
			}
			if _, err := unix.Read(efd, buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		v := uint64(1)
		for b.Loop() {
			if _, _, e := syscall.RawSyscall(unix.SYS_WRITE, uintptr(efd), uintptr(unsafe.Pointer(&v)), 8); e != 0 {
				b.Fatal(e)
			}
			if _, _, e := syscall.RawSyscall(unix.SYS_READ, uintptr(efd), uintptr(unsafe.Pointer(&v)), 8); e != 0 {
				b.Fatal(e)
			}
		}
	})
}

// BenchmarkNonBlocking makes each call that cannot block (or is made here
// so that it does not: a zero timeout), for bench/run's instruction counts
// of every raw-path call. The create calls also close what they made.
func BenchmarkNonBlocking(b *testing.B) {
	ep, efd := benchSetup(b)
	tfd, err := TimerfdCreate(CLOCK_MONOTONIC, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unix.Close(tfd) })
	var mask Sigset
	mask.Add(unix.SIGUSR2)
	sfd, err := Signalfd(-1, &mask, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unix.Close(sfd) })
	check := func(b *testing.B, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	events := make([]EpollEvent, 1)
	var zero KernelTimespec
	var old unix.ItimerSpec
	var empty Sigset
	for _, bm := range []struct {
		name string
		call func(b *testing.B)
	}{
		{"EpollCreate1", func(b *testing.B) { fd, err := EpollCreate1(0); check(b, err); unix.Close(fd) }},
		{"EpollCtl", func(b *testing.B) { check(b, EpollCtl(ep, EPOLL_CTL_MOD, efd, &EpollEvent{Events: EPOLLIN})) }},
		{"EpollWait", func(b *testing.B) { _, err := EpollWait(ep, events, 0); check(b, err) }},
		{"EpollPwait", func(b *testing.B) { _, err := EpollPwait(ep, events, 0, nil); check(b, err) }},
		{"EpollPwait2", func(b *testing.B) { _, err := EpollPwait2(ep, events, &zero, nil); check(b, err) }},
		{"Eventfd", func(b *testing.B) { fd, err := Eventfd(0, 0); check(b, err); unix.Close(fd) }},
		{"TimerfdCreate", func(b *testing.B) { fd, err := TimerfdCreate(CLOCK_MONOTONIC, 0); check(b, err); unix.Close(fd) }},
		{"TimerfdSettime", func(b *testing.B) { check(b, TimerfdSettime(tfd, 0, &unix.ItimerSpec{}, &old)) }},
		{"TimerfdGettime", func(b *testing.B) { check(b, TimerfdGettime(tfd, &old)) }},
		{"Signalfd", func(b *testing.B) { _, err := Signalfd(sfd, &mask, 0); check(b, err) }},
		{"RtSigprocmask", func(b *testing.B) { check(b, RtSigprocmask(SIG_BLOCK, &empty, nil)) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				bm.call(b)
			}
		})
	}
}
