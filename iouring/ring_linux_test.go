package iouring

import (
	"encoding/binary"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestSetupCloseOnExecAndFeatures(t *testing.T) {
	before := openFds(t)
	var p Params
	r, err := Setup(8, &p)
	if err != nil {
		skipUnavailable(t, err)
		t.Fatal(err)
	}
	flags, err := unix.FcntlInt(uintptr(r.Fd), unix.F_GETFD, 0)
	if err != nil || flags&unix.FD_CLOEXEC == 0 {
		t.Errorf("ring fd flags = %#x, %v; want FD_CLOEXEC", flags, err)
	}
	if r.SqEntries() != 8 || r.CqEntries() != 16 || r.SqMask() != 7 || r.CqMask() != 15 {
		t.Errorf("entries sq %d cq %d masks %d %d; want 8 16 7 15", r.SqEntries(), r.CqEntries(), r.SqMask(), r.CqMask())
	}
	t.Logf("features: %v", r.Params.Features)
	for _, f := range []Features{IORING_FEAT_SINGLE_MMAP, IORING_FEAT_NODROP, IORING_FEAT_EXT_ARG} {
		if r.Params.Features&f == 0 {
			t.Errorf("features %v lack %v (this test expects Linux 5.11 or later)", r.Params.Features, f)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if after := openFds(t); after != before {
		t.Errorf("open descriptors: %d before, %d after Setup and Close", before, after)
	}
}

func TestNopBatch(t *testing.T) {
	r := newRing(t, 32, nil)
	for i := 0; i < 32; i++ {
		s := r.NextSqe()
		if s == nil {
			t.Fatalf("NextSqe %d: nil with %d entries", i, r.SqEntries())
		}
		s.PrepNop(0, uint64(1000+i))
	}
	if s := r.NextSqe(); s != nil {
		t.Fatal("NextSqe on a full SQ ring: not nil")
	}
	cqes := submitWait(t, r, 32)
	seen := map[uint64]bool{}
	for _, c := range cqes {
		if c.Res != 0 || c.UserData < 1000 || c.UserData >= 1032 || seen[c.UserData] {
			t.Fatalf("cqe %+v: want res 0 and a fresh user_data in 1000..1031", c)
		}
		seen[c.UserData] = true
	}
	if r.CqReady() != 0 || r.PeekCqe() != nil {
		t.Fatal("CQ ring not empty after reaping every CQE")
	}
}

func TestNopInjectResult(t *testing.T) {
	needs(t, IORING_NOP_INJECT_RESULT)
	r := newRing(t, 4, nil)
	c := run(t, r, func(s *Sqe) {
		s.PrepNop(IORING_NOP_INJECT_RESULT, 7)
		s.Len = uint32(errRes(unix.EBADMSG))
	})
	if c.UserData != 7 || c.Res != errRes(unix.EBADMSG) {
		t.Fatalf("cqe %+v; want user_data 7 and res -EBADMSG", c)
	}
}

func TestZeroAllocations(t *testing.T) {
	r := newRing(t, 8, nil)
	var ud uint64
	allocs := testing.AllocsPerRun(200, func() {
		ud++
		r.NextSqe().PrepNop(0, ud)
		ts := KernelTimespec{Sec: 10}
		for {
			if _, err := r.SubmitAndWaitTimeout(1, &ts); err != unix.EINTR {
				break
			}
		}
		c := r.PeekCqe()
		if c == nil || c.UserData != ud {
			panic("lost a completion")
		}
		r.CqAdvance(1)
	})
	if allocs != 0 {
		t.Fatalf("submit and reap of a NOP: %v allocations; want 0", allocs)
	}
}

// Linked requests: a failure cancels the rest of the chain with -ECANCELED.
func TestLinkFailureCancelsChain(t *testing.T) {
	needs(t, IORING_NOP_INJECT_RESULT)
	r := newRing(t, 8, nil)
	a := r.NextSqe()
	a.PrepNop(IORING_NOP_INJECT_RESULT, 1)
	a.Len = uint32(errRes(unix.EIO))
	a.Flags |= IOSQE_IO_LINK
	b := r.NextSqe()
	b.PrepNop(0, 2)
	b.Flags |= IOSQE_IO_LINK
	r.NextSqe().PrepNop(0, 3)
	got := map[uint64]int32{}
	for _, c := range submitWait(t, r, 3) {
		got[c.UserData] = c.Res
	}
	want := map[uint64]int32{1: errRes(unix.EIO), 2: errRes(unix.ECANCELED), 3: errRes(unix.ECANCELED)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("user_data %d: res %d; want %d", k, got[k], v)
		}
	}
}

// A link timeout cancels a read that does not complete in time.
func TestLinkTimeout(t *testing.T) {
	r := newRing(t, 8, nil)
	rd, _ := pipe(t)
	buf := alloc(t, 16)
	ts := allocOf[KernelTimespec](t)
	ts.Nsec = 10e6
	s := r.NextSqe()
	s.PrepRead(int32(rd), buf, ^uint64(0), 0, 1)
	s.Flags |= IOSQE_IO_LINK
	r.NextSqe().PrepLinkTimeout(ts, 0, 2)
	got := map[uint64]int32{}
	for _, c := range submitWait(t, r, 2) {
		got[c.UserData] = c.Res
	}
	if got[1] != errRes(unix.ECANCELED) || got[2] != errRes(unix.ETIME) {
		t.Fatalf("read res %d, link timeout res %d; want -ECANCELED, -ETIME", got[1], got[2])
	}
}

// The CQ ring overflows with IORING_FEAT_NODROP: nothing is lost, and the
// kernel flags the overflow until user space makes room.
func TestCqOverflowNoDrop(t *testing.T) {
	p := Params{Flags: IORING_SETUP_CQSIZE, CqEntries: 4}
	r := newRing(t, 4, &p)
	if r.Params.Features&IORING_FEAT_NODROP == 0 {
		t.Skip("kernel without IORING_FEAT_NODROP")
	}
	const total = 12
	for i := 0; i < total; i += 4 {
		for j := 0; j < 4; j++ {
			r.NextSqe().PrepNop(0, uint64(i+j))
		}
		if _, err := r.Submit(); err != nil {
			t.Fatal(err)
		}
	}
	if r.SqFlags()&IORING_SQ_CQ_OVERFLOW == 0 {
		t.Errorf("SQ flags %v after %d completions into a CQ ring of %d: want IORING_SQ_CQ_OVERFLOW", r.SqFlags(), total, r.CqEntries())
	}
	seen := map[uint64]bool{}
	deadline := time.Now().Add(waitLimit)
	for len(seen) < total {
		if r.CqReady() == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d completions after %v", len(seen), total, waitLimit)
			}
			// Entering with GETEVENTS flushes the overflowed CQEs into the ring.
			ts := KernelTimespec{Nsec: 100e6}
			if _, err := r.SubmitAndWaitTimeout(1, &ts); err != nil && err != unix.EINTR && err != unix.ETIME {
				t.Fatal(err)
			}
			continue
		}
		c := r.PeekCqe()
		if seen[c.UserData] {
			t.Fatalf("user_data %d twice", c.UserData)
		}
		seen[c.UserData] = true
		r.CqAdvance(1)
	}
	if r.CqOverflow() != 0 {
		t.Errorf("CqOverflow = %d; want 0 with NODROP", r.CqOverflow())
	}
}

// An SQPOLL ring: the kernel thread consumes SQEs without an enter, sleeps
// when idle (IORING_SQ_NEED_WAKEUP), and Submit wakes it.
func TestSQPoll(t *testing.T) {
	p := Params{Flags: IORING_SETUP_SQPOLL, SqThreadIdle: 10}
	r := newRing(t, 8, &p)
	r.NextSqe().PrepNop(0, 1)
	if _, err := r.Submit(); err != nil {
		t.Fatal(err)
	}
	if c := submitWait(t, r, 1)[0]; c.UserData != 1 {
		t.Fatalf("cqe %+v", c)
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.SqFlags()&IORING_SQ_NEED_WAKEUP == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the SQPOLL thread never went to sleep (IORING_SQ_NEED_WAKEUP)")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.NextSqe().PrepNop(0, 2)
	if _, err := r.Submit(); err != nil {
		t.Fatal(err)
	}
	if c := submitWait(t, r, 1)[0]; c.UserData != 2 {
		t.Fatalf("cqe after wakeup %+v", c)
	}
}

// SINGLE_ISSUER with DEFER_TASKRUN: completion work runs only when the
// issuing thread waits, so the test stays on one OS thread.
func TestDeferTaskrun(t *testing.T) {
	lockThread(t)
	p := Params{Flags: IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN}
	r := newRing(t, 8, &p)
	rd, wr := pipe(t)
	buf := alloc(t, 8)
	r.NextSqe().PrepRead(int32(rd), buf, ^uint64(0), 0, 9)
	if _, err := r.Submit(); err != nil {
		t.Fatal(err)
	}
	unix.Write(wr, []byte("deferred"))
	time.Sleep(10 * time.Millisecond)
	if r.CqReady() != 0 {
		t.Fatal("a CQE was posted before the task waited: DEFER_TASKRUN not in effect")
	}
	c := submitWait(t, r, 1)[0]
	if c.UserData != 9 || c.Res != 8 || string(buf) != "deferred" {
		t.Fatalf("cqe %+v buf %q", c, buf)
	}
}

func TestNoSQArrayAndBigEntries(t *testing.T) {
	for _, flags := range []SetupFlags{IORING_SETUP_NO_SQARRAY, IORING_SETUP_SQE128 | IORING_SETUP_CQE32} {
		t.Run(flags.String(), func(t *testing.T) {
			needs(t, flags)
			p := Params{Flags: flags}
			r := newRing(t, 4, &p)
			if (r.SqArray() == nil) != (flags&IORING_SETUP_NO_SQARRAY != 0) {
				t.Fatalf("SqArray nil = %v with %v", r.SqArray() == nil, flags)
			}
			for i := 0; i < 6; i++ { // wraps around the 4 slots
				r.NextSqe().PrepNop(0, uint64(i))
				if c := submitWait(t, r, 1)[0]; c.UserData != uint64(i) {
					t.Fatalf("cqe %d: %+v", i, c)
				}
			}
			if flags&IORING_SETUP_SQE128 != 0 && (r.Sqe128At(0) == nil || r.Cqe32At(0) == nil) {
				t.Fatal("Sqe128At or Cqe32At nil on an SQE128|CQE32 ring")
			}
		})
	}
}

// IORING_SETUP_NO_MMAP: the rings live in memory the program provides.
func TestNoMmap(t *testing.T) {
	needs(t, IORING_SETUP_NO_MMAP)
	const entries = 4
	// One page holds a 4-entry ring's indexes, array and CQEs; the kernel
	// needs each block to be one page (or a huge page).
	rings := alloc(t, os_pagesize())
	sqes := alloc(t, os_pagesize())
	p := Params{Flags: IORING_SETUP_NO_MMAP}
	p.CqOff.UserAddr = uint64(uintptr(unsafe.Pointer(&rings[0])))
	p.SqOff.UserAddr = uint64(uintptr(unsafe.Pointer(&sqes[0])))
	fd, err := IoUringSetup(entries, &p)
	if err != nil {
		skipUnavailable(t, err)
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if _, err := Map(fd, &p); err != unix.EINVAL {
		t.Errorf("Map of a NO_MMAP ring: %v; want EINVAL", err)
	}
	if _, err := MapMemory(fd, &p, rings[:8], sqes); err != unix.EINVAL {
		t.Errorf("MapMemory with too little ring memory: %v; want EINVAL", err)
	}
	r, err := MapMemory(fd, &p, rings, sqes)
	if err != nil {
		t.Fatal(err)
	}
	r.NextSqe().PrepNop(0, 77)
	if c := submitWait(t, r, 1)[0]; c.UserData != 77 {
		t.Fatalf("cqe %+v", c)
	}
}

func os_pagesize() int { return unix.Getpagesize() }

// The extended argument carries a timeout: a wait with nothing to complete
// ends with ETIME.
func TestEnterArgTimeout(t *testing.T) {
	r := newRing(t, 4, nil)
	ts := allocOf[KernelTimespec](t)
	ts.Nsec = 5e6
	arg := allocOf[GeteventsArg](t)
	arg.Ts = uint64(uintptr(unsafe.Pointer(ts)))
	start := time.Now()
	var err error
	for {
		_, err = IoUringEnterArg(r.Fd, 0, 1, IORING_ENTER_GETEVENTS|IORING_ENTER_EXT_ARG, arg)
		if err != unix.EINTR {
			break
		}
	}
	if err != unix.ETIME {
		t.Fatalf("wait with a 5 ms timeout: %v; want ETIME", err)
	}
	if d := time.Since(start); d < 5*time.Millisecond {
		t.Fatalf("returned after %v, before the timeout", d)
	}
	// Without IORING_ENTER_EXT_ARG the kernel reads arg as a sigset of the
	// wrong size.
	if _, err := IoUringEnterArg(r.Fd, 0, 1, IORING_ENTER_GETEVENTS, arg); err != unix.EINVAL {
		t.Fatalf("EXT_ARG missing: %v; want EINVAL", err)
	}
}

// A registered ring index stands in for the descriptor, on the thread that
// registered it: the kernel keeps the index in the thread's io_uring
// context, so the goroutine stays on its thread (without that, a
// register by index got EBADF once on 6.12, after the goroutine moved).
func TestRegisteredRing(t *testing.T) {
	lockThread(t)
	r := newRing(t, 4, nil)
	up := allocOf[RsrcUpdate](t)
	up.Offset = ^uint32(0) // any free slot
	up.Data = uint64(r.Fd)
	n, err := IoUringRegister(r.Fd, IORING_REGISTER_RING_FDS, unsafe.Pointer(up), 1)
	if err != nil || n != 1 {
		t.Fatalf("IORING_REGISTER_RING_FDS: %d, %v", n, err)
	}
	r.NextSqe().PrepNop(0, 5)
	r.Flush()
	ts := allocOf[KernelTimespec](t)
	ts.Sec = 10
	arg := allocOf[GeteventsArg](t)
	arg.Ts = uint64(uintptr(unsafe.Pointer(ts)))
	if _, err := IoUringEnterArg(int(up.Offset), 1, 1, IORING_ENTER_GETEVENTS|IORING_ENTER_REGISTERED_RING|IORING_ENTER_EXT_ARG, arg); err != nil && err != unix.EINTR {
		t.Fatalf("enter by registered index %d: %v", up.Offset, err)
	}
	if c := submitWait(t, r, 1)[0]; c.UserData != 5 {
		t.Fatalf("cqe %+v", c)
	}
	needs(t, IORING_FEAT_REG_REG_RING)
	var probe Probe
	if _, err := IoUringRegister(int(up.Offset), IORING_REGISTER_PROBE|IORING_REGISTER_USE_REGISTERED_RING, unsafe.Pointer(&probe), 256); err != nil {
		t.Fatalf("register by registered index: %v", err)
	}
}

// Bad input reaches the kernel and its answer comes back: never a panic.
func TestBadInput(t *testing.T) {
	if _, err := IoUringSetup(0, &Params{}); err != unix.EINVAL {
		skipUnavailable(t, err)
		t.Errorf("entries 0: %v; want EINVAL", err)
	}
	if _, err := IoUringSetup(1<<20, &Params{}); err != unix.EINVAL {
		t.Errorf("entries 1<<20: %v; want EINVAL", err)
	}
	if _, err := IoUringSetup(4, &Params{Flags: 1 << 31}); err != unix.EINVAL {
		t.Errorf("unknown setup flag: %v; want EINVAL", err)
	}
	gone, _ := Alloc[Params](1)
	Free(gone)
	if _, err := IoUringSetup(4, &gone[0]); err != unix.EFAULT {
		t.Errorf("unmapped params: %v; want EFAULT", err)
	}
	rd, _ := pipe(t)
	if _, err := IoUringEnter(rd, 0, 0, 0, nil); err != unix.EOPNOTSUPP {
		t.Errorf("enter on a pipe: %v; want EOPNOTSUPP", err)
	}
	if big := int64(1) << 40; int64(int(big)) == big {
		if _, err := IoUringEnter(int(big), 0, 0, 0, nil); err != unix.EINVAL {
			t.Errorf("enter on fd 1<<40: %v; want EINVAL (out of the C int range)", err)
		}
	}

	r := newRing(t, 8, nil)
	buf := alloc(t, 8)
	file, _ := tempFile(t, []byte("12345678"))
	closed, _ := pipe(t)
	unix.Close(closed)
	cases := []struct {
		name string
		prep func(s *Sqe)
		res  int32
	}{
		{"bad fd", func(s *Sqe) { s.PrepRead(-1, buf, 0, 0, 1) }, errRes(unix.EBADF)},
		{"closed fd", func(s *Sqe) { s.PrepRead(int32(closed), buf, 0, 0, 1) }, errRes(unix.EBADF)},
		{"unknown opcode 200", func(s *Sqe) { s.PrepNop(0, 1); s.Opcode = 200 }, errRes(unix.EINVAL)},
		{"opcode past the last", func(s *Sqe) { s.PrepNop(0, 1); s.Opcode = OpValues()[len(OpValues())-1].Value + 1 }, errRes(unix.EINVAL)},
		{"unknown SQE flag", func(s *Sqe) { s.PrepNop(0, 1); s.Flags = 0x80 }, errRes(unix.EINVAL)},
		{"unknown RWF flag", func(s *Sqe) { s.PrepRead(int32(rd), buf, 0, 1<<30, 1) }, errRes(unix.EOPNOTSUPP)},
		{"write to a read end", func(s *Sqe) { s.PrepWrite(int32(rd), buf, 0, 0, 1) }, errRes(unix.EBADF)},
		{"bad buffer address", func(s *Sqe) {
			s.PrepRead(int32(file), buf, 0, 0, 1)
			s.Addr = 8 // the first page is never mapped
		}, errRes(unix.EFAULT)},
		{"unmapped timespec", func(s *Sqe) {
			ts, _ := Alloc[KernelTimespec](1)
			Free(ts)
			s.PrepTimeout(&ts[0], 0, 0, 1)
		}, errRes(unix.EFAULT)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantRes(t, c.name, run(t, r, c.prep), c.res) })
	}
	gone2, err := Setup(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := gone2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := IoUringEnter(gone2.Fd, 0, 0, 0, nil); err != unix.EBADF {
		t.Errorf("enter on a closed ring: %v; want EBADF", err)
	}
}

// A slice too long for the SQE's 32-bit length is not truncated: the
// setter makes an SQE the kernel rejects.
func TestTooLongSliceInvalidates(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) == 4 {
		t.Skip("a slice on a 32-bit architecture is never longer than 32 bits can count")
	}
	var s Sqe
	n := uint64(1) << 32
	huge := unsafe.Slice((*byte)(unsafe.Pointer(&s)), int(n)) // never read: only its length matters
	s.PrepRead(3, huge, 0, 0, 1)
	if s.Opcode != 255 || s.Len != 0 {
		t.Fatalf("opcode %d len %d; want 255 and the length's low 32 bits (0)", s.Opcode, s.Len)
	}
}

// poll32_events is stored as two 16-bit halves, low half first, on every
// byte order, so that a big-endian kernel, which swaps the halves, reads
// the mask, and the legacy 16-bit poll_events at the same offset holds the
// low half. Runs on every architecture (no kernel needed).
func TestPollMaskHalves(t *testing.T) {
	var s Sqe
	s.PrepPollAdd(3, EPOLLEXCLUSIVE|POLLIN, 0, 1)
	b := (*[64]byte)(unsafe.Pointer(&s))
	if got := binary.NativeEndian.Uint16(b[28:]); got != uint16(POLLIN) {
		t.Errorf("poll_events (16-bit) = %#x; want %#x", got, uint16(POLLIN))
	}
	word := binary.NativeEndian.Uint32(b[28:])
	want := uint32(EPOLLEXCLUSIVE | POLLIN)
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 { // big-endian: the kernel swaps the halves back
		want = want<<16 | want>>16
	}
	if word != want {
		t.Errorf("poll32_events word = %#x; want %#x", word, want)
	}
	if s.Poll32Events() != EPOLLEXCLUSIVE|POLLIN {
		t.Errorf("Poll32Events() = %v", s.Poll32Events())
	}
}

// The buffer ring's tail is the 16 bits at byte 14 of its first entry, and
// Advance's 32-bit store keeps that entry's Bid. Runs on every architecture.
func TestBufRingTailStore(t *testing.T) {
	bufs, err := Alloc[Buf](8)
	if err != nil {
		t.Fatal(err)
	}
	defer Free(bufs)
	b := &BufRing{bufs: bufs, mask: 7}
	data := alloc(t, 64)
	for i := 0; i < 3; i++ {
		b.Add(data[i*8:i*8+8], uint16(0x1234+i), i)
	}
	b.Advance(3)
	raw := (*[16]byte)(unsafe.Pointer(&bufs[0]))
	if tail := binary.NativeEndian.Uint16(raw[14:]); tail != 3 {
		t.Errorf("tail at byte 14 = %d; want 3", tail)
	}
	if bid := binary.NativeEndian.Uint16(raw[12:]); bid != 0x1234 {
		t.Errorf("first entry's bid = %#x; want 0x1234", bid)
	}
	if bufs[2].Bid != 0x1236 || bufs[2].Len != 8 {
		t.Errorf("third entry %+v", bufs[2])
	}
}

// IORING_SETUP_CQE_MIXED: a NOP with IORING_NOP_CQE32 posts a 32-byte CQE,
// which takes two slots, between 16-byte ones.
func TestCqeMixed(t *testing.T) {
	needs(t, IORING_SETUP_CQE_MIXED, IORING_NOP_CQE32)
	p := Params{Flags: IORING_SETUP_CQE_MIXED}
	r, err := Setup(8, &p)
	if err != nil {
		skipUnavailable(t, err)
		t.Fatal(err)
	}
	defer r.Close()
	r.NextSqe().PrepNop(0, 1)
	r.NextSqe().PrepNop(IORING_NOP_CQE32, 2)
	r.NextSqe().PrepNop(0, 3)
	// The three NOPs complete during the enter: 4 slots, the 32-byte CQE
	// taking two.
	deadline := time.Now().Add(waitLimit)
	for r.Flush() > 0 || r.CqReady() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d CQ slots used after %v; want 4", r.CqReady(), waitLimit)
		}
		ts := KernelTimespec{Nsec: 100e6}
		if _, err := r.SubmitAndWaitTimeout(3, &ts); err != nil && err != unix.EINTR && err != unix.ETIME {
			t.Fatal(err)
		}
	}
	if r.CqReady() != 4 {
		t.Errorf("%d CQ slots used by three NOPs, one of them CQE32; want 4", r.CqReady())
	}
	var got []uint64
	for c := r.PeekCqe(); c != nil; c = r.PeekCqe() {
		switch {
		case c.Flags&IORING_CQE_F_SKIP != 0:
			r.CqAdvance(1)
			continue
		case c.Flags&IORING_CQE_F_32 != 0:
			if c.UserData != 2 {
				t.Errorf("a 32-byte CQE for user_data %d; want only 2's", c.UserData)
			}
			got = append(got, c.UserData)
			r.CqAdvance(2)
		default:
			got = append(got, c.UserData)
			r.CqAdvance(1)
		}
	}
	if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Fatalf("completions %v; want [1 2 3], the 32-byte one taking two slots", got)
	}
}
