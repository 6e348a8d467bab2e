package epoll

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Invariants every fuzz target checks (see fuzzCheck): no panic, no
// descriptor leaked, every error a syscall.Errno, no wait past its timeout.

// openFDs counts this process's open descriptors.
func openFDs(t testing.TB) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	return len(entries)
}

// fuzzCheck runs body and then checks that it closed every descriptor it opened.
func fuzzCheck(t *testing.T, body func()) {
	before := openFDs(t)
	body()
	if after := openFDs(t); after != before {
		t.Errorf("descriptor leak: %d open before, %d after", before, after)
	}
}

// errnoOrNil fails t if err is neither nil nor a syscall.Errno.
func errnoOrNil(t *testing.T, what string, err error) syscall.Errno {
	t.Helper()
	if err == nil {
		return 0
	}
	e, ok := err.(syscall.Errno)
	if !ok {
		t.Fatalf("%s: error %v is %T, not syscall.Errno", what, err, err)
	}
	return e
}

// waitSlack is how far past its timeout a wait may return before it counts
// as blocking too long; generous, for loaded CI machines and qemu.
const waitSlack = 2 * time.Second

// The pool of descriptors a fuzzed epoll sequence works on.
type objKind int

const (
	kEventfd objKind = iota // readable while the counter is not zero; always writable
	kTimerfd                // readiness depends on time: not modelled exactly
	kPipe                   // the read end: readable while data is buffered; never writable
	kSocket                 // one end of a socketpair: readable while data is buffered; always writable
	kClosed                 // a descriptor number that is not open
	numKinds
)

func (k objKind) String() string {
	return [...]string{"eventfd", "timerfd", "pipe", "socket", "closed"}[k]
}

type obj struct {
	kind   objKind
	fd     int // the descriptor registered with epoll
	peer   int // pipe write end or the other socket; -1 if none
	open   bool
	queued int // bytes or counter value the model knows is readable

	registered bool
	events     Events // as registered, with EPOLLERR|EPOLLHUP that the kernel adds
	disarmed   bool   // EPOLLONESHOT fired and no MOD since
	quiet      bool   // edge-triggered, reported, and nothing touched it since
	edge       bool   // edge-triggered and an event the kernel must report has happened
}

// readiness is what poll would report for o now, if the model knows.
func (o *obj) readiness() Events {
	var r Events
	if o.queued > 0 {
		r |= EPOLLIN
	}
	if o.kind == kEventfd || o.kind == kSocket {
		r |= EPOLLOUT
	}
	return r
}

// maskFromByte picks an events mask: bits the fuzzer can combine freely,
// valid and invalid ones together.
func maskFromByte(b byte) Events {
	bits := [8]Events{EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE, EPOLLPRI, Events(1 << 20)}
	var m Events
	for i, bit := range bits {
		if b&(1<<i) != 0 {
			m |= bit
		}
	}
	return m
}

const exclusiveOK = EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE

// FuzzEpollModel runs a fuzzer-chosen sequence of epoll_ctl, waits, reads,
// writes and closes over a small pool of descriptors, and checks the kernel
// against a model of the interest list after every step.
func FuzzEpollModel(f *testing.F) {
	f.Add([]byte{0x01, 0x02, 0x08, 0x01, 0x00, 0x05, 0x00})
	f.Add([]byte{0x00, 0x23, 0x00, 0x09, 0x13, 0x09, 0x05, 0x00, 0x05, 0x00, 0x03, 0x00, 0x05, 0x01})
	f.Add([]byte{0x12, 0x34, 0x00, 0x11, 0x01, 0x01, 0x06, 0x00, 0x05, 0x02, 0x02, 0x00, 0x01, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		fuzzCheck(t, func() { runEpollModel(t, data) })
	})
}

func runEpollModel(t *testing.T, data []byte) {
	ep, err := EpollCreate1(0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ep)

	n := 2 + int(data[0])%4
	kinds := data[1]
	data = data[2:]
	pool := make([]*obj, n)
	defer func() {
		for _, o := range pool {
			if o != nil && o.open {
				unix.Close(o.fd)
			}
			if o != nil && o.peer >= 0 {
				unix.Close(o.peer)
			}
		}
	}()
	// Closed numbers are made last, so that no later open reuses them.
	for pass := 0; pass < 2; pass++ {
		for i := range pool {
			k := objKind((int(kinds) + i*3) % int(numKinds))
			if (k == kClosed) != (pass == 1) {
				continue
			}
			pool[i] = newObj(t, k)
		}
	}

	events := make([]EpollEvent, 2*len(pool))
	for len(data) >= 2 {
		op, arg := data[0], data[1]
		data = data[2:]
		slot := int(op>>3) % len(pool)
		o := pool[slot]
		switch op % 8 {
		case 0, 1: // EPOLL_CTL_ADD, EPOLL_CTL_MOD
			ctlOp := EPOLL_CTL_ADD
			if op%8 == 1 {
				ctlOp = EPOLL_CTL_MOD
			}
			mask := maskFromByte(arg)
			ev := EpollEvent{Events: mask}
			ev.SetU64(uint64(slot))
			got := errnoOrNil(t, "EpollCtl", EpollCtl(ep, ctlOp, o.fd, &ev))
			want := o.ctl(ctlOp, mask)
			if got != want {
				t.Fatalf("slot %d (%v): %v %v = %v; model says %v", slot, o.kind, ctlOp, mask, got, want)
			}
		case 2: // EPOLL_CTL_DEL with a nil event
			got := errnoOrNil(t, "EpollCtl DEL", EpollCtl(ep, EPOLL_CTL_DEL, o.fd, nil))
			want := o.ctl(EPOLL_CTL_DEL, 0)
			if got != want {
				t.Fatalf("slot %d (%v): EPOLL_CTL_DEL = %v; model says %v", slot, o.kind, got, want)
			}
		case 3:
			o.write(t)
		case 4:
			o.drain(t)
		case 5, 7: // a wait, timeout 0 (5) or 1 ms (7)
			timeout := 0
			if op%8 == 7 {
				timeout = 1
			}
			checkWait(t, ep, pool, events, int(arg)%3, timeout)
		case 6:
			if o.open {
				if err := unix.Close(o.fd); err != nil {
					t.Fatal(err)
				}
				// Closed everywhere (no duplicate exists): it leaves the set.
				o.open, o.registered = false, false
			}
		}
	}
}

func newObj(t *testing.T, k objKind) *obj {
	o := &obj{kind: k, peer: -1, open: true}
	var err error
	switch k {
	case kEventfd:
		o.fd, err = Eventfd(0, EFD_NONBLOCK)
	case kTimerfd:
		o.fd, err = TimerfdCreate(CLOCK_MONOTONIC, TFD_NONBLOCK)
	case kPipe:
		var p [2]int
		err = unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC)
		o.fd, o.peer = p[0], p[1]
	case kSocket:
		var p [2]int
		p, err = unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		o.fd, o.peer = p[0], p[1]
	case kClosed:
		o.fd, err = Eventfd(0, 0)
		if err == nil {
			err = unix.Close(o.fd)
		}
		o.open = false
	}
	if err != nil {
		t.Fatalf("creating %v: %v", k, err)
	}
	return o
}

// ctl applies an epoll_ctl to the model and returns the errno the kernel
// must give, following the checks of do_epoll_ctl in fs/eventpoll.c.
func (o *obj) ctl(op CtlOp, mask Events) syscall.Errno {
	if !o.open {
		return unix.EBADF
	}
	if op != EPOLL_CTL_DEL && mask&EPOLLEXCLUSIVE != 0 {
		if op == EPOLL_CTL_MOD || mask&^exclusiveOK != 0 {
			return unix.EINVAL
		}
	}
	switch op {
	case EPOLL_CTL_ADD:
		if o.registered {
			return unix.EEXIST
		}
	case EPOLL_CTL_MOD, EPOLL_CTL_DEL:
		if !o.registered {
			return unix.ENOENT
		}
		if op == EPOLL_CTL_MOD && o.events&EPOLLEXCLUSIVE != 0 {
			return unix.EINVAL
		}
	}
	if op == EPOLL_CTL_DEL {
		o.registered = false
		return 0
	}
	o.registered, o.events, o.disarmed, o.quiet = true, mask|EPOLLERR|EPOLLHUP, false, false
	// Adding or changing a registration that is ready queues an event.
	o.edge = o.readiness()&o.events != 0
	return 0
}

// write makes o readable (or, for a timerfd, arms it to expire in 1 ms).
func (o *obj) write(t *testing.T) {
	if !o.open {
		return
	}
	var err error
	switch o.kind {
	case kEventfd:
		err = EventfdWrite(o.fd, 1)
	case kTimerfd:
		err = TimerfdSettime(o.fd, 0, &unix.ItimerSpec{Value: unix.NsecToTimespec(1e6)}, nil)
	case kPipe, kSocket:
		_, err = unix.Write(o.peer, []byte{'x'})
		if errors.Is(err, unix.EAGAIN) {
			// The buffer is full (a socket's fills after a few hundred
			// 1-byte writes): no data was added and nobody was woken.
			return
		}
	}
	if err != nil {
		t.Fatalf("writing to %v: %v", o.kind, err)
	}
	o.queued++
	o.quiet = false
	if o.events&EPOLLIN != 0 {
		o.edge = true // the wakeup carries EPOLLIN
	}
}

// drain reads o until it would block.
func (o *obj) drain(t *testing.T) {
	if !o.open {
		return
	}
	var err error
	switch o.kind {
	case kEventfd:
		_, err = EventfdRead(o.fd)
		if o.events&EPOLLOUT != 0 && err == nil {
			o.edge = true // an eventfd read wakes waiters with EPOLLOUT
		}
	case kTimerfd:
		_, err = TimerfdRead(o.fd)
	case kPipe, kSocket:
		buf := make([]byte, 64)
		for err == nil {
			_, err = unix.Read(o.fd, buf)
		}
	}
	if err != nil && !errors.Is(err, unix.EAGAIN) {
		t.Fatalf("reading %v: %v", o.kind, err)
	}
	o.queued = 0
	o.quiet = false
}

// checkWait waits with one of the three wait calls and compares the events
// with the model.
func checkWait(t *testing.T, ep int, pool []*obj, events []EpollEvent, variant, timeout int) {
	var (
		n     int
		err   error
		name  string
		start = time.Now()
	)
	switch variant {
	case 0:
		name = "EpollWait"
		n, err = EpollWait(ep, events, timeout)
	case 1:
		name = "EpollPwait"
		var mask Sigset
		mask.Add(unix.SIGUSR2)
		n, err = EpollPwait(ep, events, timeout, &mask)
	case 2:
		name = "EpollPwait2"
		n, err = EpollPwait2(ep, events, &KernelTimespec{Nsec: int64(timeout) * 1e6}, nil)
		if err == unix.ENOSYS {
			name = "EpollWait"
			n, err = EpollWait(ep, events, timeout)
		}
	}
	if elapsed := time.Since(start); elapsed > time.Duration(timeout)*time.Millisecond+waitSlack {
		t.Fatalf("%s(timeout %d ms) took %v", name, timeout, elapsed)
	}
	if errnoOrNil(t, name, err) == unix.EINTR {
		return // interrupted before collecting anything: nothing to compare
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	reported := map[int]Events{}
	for _, ev := range events[:n] {
		slot := int(ev.U64())
		if slot >= len(pool) {
			t.Fatalf("%s: event with token %d, which no slot has", name, ev.U64())
		}
		if _, dup := reported[slot]; dup {
			t.Fatalf("%s: slot %d reported twice in one batch", name, slot)
		}
		reported[slot] = ev.Events
	}
	for slot, o := range pool {
		got, was := reported[slot]
		where := fmt.Sprintf("%s: slot %d (%v, registered %v, queued %d)", name, slot, o.kind, o.events, o.queued)
		live := o.open && o.registered && !o.disarmed
		if !live {
			if was {
				t.Fatalf("%s: reported %v, but it is closed, unregistered or a disarmed one-shot", where, got)
			}
			continue
		}
		if was && got&^(o.events&^(EPOLLET|EPOLLONESHOT|EPOLLEXCLUSIVE)) != 0 {
			t.Fatalf("%s: reported %v, which is not a subset of what was registered", where, got)
		}
		if o.kind != kTimerfd {
			want := o.readiness() & o.events & (EPOLLIN | EPOLLOUT)
			switch {
			case was && got&(EPOLLIN|EPOLLOUT) != want:
				t.Fatalf("%s: reported %v; the model has it ready for %v", where, got, want)
			case o.events&EPOLLET == 0 && !was && want != 0:
				t.Fatalf("%s: level-triggered and ready for %v, but not reported", where, want)
			case o.events&EPOLLET != 0 && o.quiet && was:
				t.Fatalf("%s: edge-triggered and already reported with nothing new since, but reported again: %v", where, got)
			case o.events&EPOLLET != 0 && o.edge && want != 0 && !was:
				t.Fatalf("%s: edge-triggered with a new event and ready for %v, but not reported", where, want)
			}
		}
		if was {
			o.edge = false
			o.quiet = o.events&EPOLLET != 0
			o.disarmed = o.events&EPOLLONESHOT != 0
		}
	}
}
