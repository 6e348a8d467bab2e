package iouring

import (
	"bytes"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The names of Linux 6.13 to 7.3 (issue "Linux uapi past 6.18"). Each test
// skips on a kernel older than the release the spec gives; the kernel
// matrix (.ci/kernels) runs them on Debian's newest kernel too.

// The 128-byte setters write all 128 bytes: what they do not set is zero,
// whatever the SQE held before, and the command bytes land at offset 48.
func TestSqe128SettersFillAll(t *testing.T) {
	var s Sqe128
	fill := func() {
		b := (*[128]byte)(unsafe.Pointer(&s))
		for i := range b {
			b[i] = 0xa5
		}
	}
	raw := func() []byte { return (*[128]byte)(unsafe.Pointer(&s))[:] }
	native := func(b []byte) uint64 {
		var v uint64
		for i := range b {
			if isBigEndian() {
				v = v<<8 | uint64(b[i])
			} else {
				v |= uint64(b[i]) << (8 * i)
			}
		}
		return v
	}

	fill()
	s.PrepNop128(IORING_NOP_INJECT_RESULT, 0x1122334455667788)
	want := make([]byte, 128)
	want[0] = byte(IORING_OP_NOP128)
	b := raw()
	if b[0] != want[0] || native(b[4:8]) != uint64(uint32(0xffffffff)) ||
		native(b[28:32]) != uint64(IORING_NOP_INJECT_RESULT) || native(b[32:40]) != 0x1122334455667788 {
		t.Fatalf("PrepNop128: opcode, fd, nop_flags or user_data wrong: % x", b[:48])
	}
	for _, r := range [][2]int{{1, 4}, {8, 28}, {40, 128}} {
		if !bytes.Equal(b[r[0]:r[1]], want[r[0]:r[1]]) {
			t.Fatalf("PrepNop128 left bytes %d..%d as % x; want zero", r[0], r[1], b[r[0]:r[1]])
		}
	}

	var cmd [80]uint8
	for i := range cmd {
		cmd[i] = uint8(i + 1)
	}
	fill()
	s.PrepUringCmd128(0x0badcafe, 7, IORING_URING_CMD_FIXED, cmd, 42)
	b = raw()
	if b[0] != byte(IORING_OP_URING_CMD128) || native(b[4:8]) != 7 || native(b[8:12]) != 0x0badcafe ||
		native(b[28:32]) != uint64(IORING_URING_CMD_FIXED) || native(b[32:40]) != 42 {
		t.Fatalf("PrepUringCmd128: opcode, fd, cmd_op, flags or user_data wrong: % x", b[:48])
	}
	if !bytes.Equal(b[48:128], cmd[:]) {
		t.Fatalf("PrepUringCmd128: command bytes % x; want % x", b[48:128], cmd[:])
	}
	if *s.Cmd() != cmd {
		t.Fatal("Cmd() does not read the command bytes back")
	}
	for _, r := range [][2]int{{1, 4}, {12, 28}, {40, 48}} {
		if !bytes.Equal(b[r[0]:r[1]], want[r[0]:r[1]]) {
			t.Fatalf("PrepUringCmd128 left bytes %d..%d as % x; want zero", r[0], r[1], b[r[0]:r[1]])
		}
	}
}

func isBigEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 0
}

// NextSqe128 of a ring with neither 128-byte flag is nil; in an
// SQE_MIXED ring it pads the last slot (checked without a kernel that has
// SQE_MIXED: the ring is a plain one with the flag set in its copy of the
// parameters, and nothing is submitted).
func TestNextSqe128Slots(t *testing.T) {
	r := newRing(t, 4, nil)
	if r.NextSqe128() != nil || r.Sqe128At(0) != nil {
		t.Fatal("a 64-byte ring handed out a 128-byte SQE")
	}
	r.Params.Flags |= IORING_SETUP_SQE_MIXED
	defer func() { r.Params.Flags &^= IORING_SETUP_SQE_MIXED }()
	if r.Sqe128At(3) != nil || r.Sqe128At(2) == nil {
		t.Fatal("Sqe128At: want nil in the last slot only")
	}
	r.NextSqe().PrepNop(0, 1)
	r.NextSqe().PrepNop(0, 2)
	r.NextSqe().PrepNop(0, 3) // slots 0..2 taken: the next is the last
	if s := r.NextSqe128(); s != nil || r.sqeNext != 3 {
		t.Fatal("NextSqe128 with only the last slot left (it would pad it and need two more): not nil, or it moved")
	}
	r.sqeNext = 1
	if s := r.NextSqe128(); s == nil || unsafe.Pointer(s) != unsafe.Pointer(r.SqeAt(1)) || r.sqeNext != 3 {
		t.Fatalf("NextSqe128 at slot 1: want slots 1 and 2, next 3; next is %d", r.sqeNext)
	}
	r.sqeNext = 0
}

// The NOP flags of 6.13 and 6.17: NOP_FILE looks the descriptor up and a
// missing one fails the request, which cancels the request linked after
// it; NOP_FIXED_BUFFER does the same for a registered buffer; NOP_TW
// completes through task work. The failed NOP's own res is the error on
// 6.18 (-EBADF, -EFAULT); the 6.13 patch posted the injected result (0)
// instead: either is accepted, the cancelled link is not negotiable.
func TestNopFlags(t *testing.T) {
	needs(t, IORING_NOP_FILE|IORING_NOP_FIXED_FILE|IORING_NOP_FIXED_BUFFER)
	rd, _ := pipe(t)
	r := newRing(t, 8, nil)
	linked := func(name string, prep func(s *Sqe), fail unix.Errno) {
		t.Helper()
		s := r.NextSqe()
		prep(s)
		s.Flags |= IOSQE_IO_LINK
		r.NextSqe().PrepNop(0, 2)
		cqes := submitWait(t, r, 2)
		want := int32(0)
		if fail != 0 {
			want = errRes(unix.ECANCELED)
		}
		if cqes[0].UserData != 1 || (cqes[0].Res != 0 && cqes[0].Res != errRes(fail)) || cqes[1].UserData != 2 || cqes[1].Res != want {
			t.Fatalf("%s: cqes %+v; want res 0 or %d, then the linked NOP's %d", name, cqes, errRes(fail), want)
		}
		t.Logf("%s: res %d, linked NOP %d", name, cqes[0].Res, cqes[1].Res)
	}
	linked("NOP_FILE on a pipe", func(s *Sqe) {
		s.PrepNop(IORING_NOP_FILE, 1)
		s.Fd = int32(rd)
	}, 0)
	linked("NOP_FILE on fd -1", func(s *Sqe) { s.PrepNop(IORING_NOP_FILE, 1) }, unix.EBADF)
	linked("NOP_FIXED_FILE with no files registered", func(s *Sqe) {
		s.PrepNop(IORING_NOP_FILE|IORING_NOP_FIXED_FILE, 1)
		s.Fd = 0
	}, unix.EBADF)
	linked("NOP_FIXED_BUFFER with no buffers registered", func(s *Sqe) { s.PrepNop(IORING_NOP_FIXED_BUFFER, 1) }, unix.EFAULT)
	if err := r.RegisterFiles([]int32{int32(rd)}); err != nil {
		t.Fatal(err)
	}
	linked("NOP_FIXED_FILE on registered file 0", func(s *Sqe) {
		s.PrepNop(IORING_NOP_FILE|IORING_NOP_FIXED_FILE, 1)
		s.Fd = 0
	}, 0)

	t.Run("NOP_TW", func(t *testing.T) {
		needs(t, IORING_NOP_TW)
		c := run(t, r, func(s *Sqe) {
			s.PrepNop(IORING_NOP_TW|IORING_NOP_INJECT_RESULT, 3)
			s.Len = 9
		})
		if c.UserData != 3 || c.Res != 9 {
			t.Fatalf("cqe %+v; want user_data 3, res 9", c)
		}
	})
	t.Run("unknown flag", func(t *testing.T) {
		wantRes(t, "NOP with flag 1<<20", run(t, r, func(s *Sqe) { s.PrepNop(1<<20, 4) }), errRes(unix.EINVAL))
	})
}

// newMixedRing sets up an SQE_MIXED ring (6.19), skipping before.
func newMixedRing(t *testing.T) *Ring {
	needs(t, IORING_SETUP_SQE_MIXED)
	return newRing(t, 8, &Params{Flags: IORING_SETUP_SQE_MIXED})
}

// One NOP128 in a mixed ring takes two slots and posts one completion; a
// NOP128 starting in the last slot is padded by NextSqe128.
func testNop128(t *testing.T, _ *Ring) {
	r := newMixedRing(t)
	// Slots 0..5 with 64-byte NOPs and 6..7 with a NOP128.
	for i := 0; i < 6; i++ {
		r.NextSqe().PrepNop(0, uint64(10+i))
	}
	r.NextSqe128().PrepNop128(0, 100)
	got := submitWait(t, r, 7)
	if got[6].UserData != 100 || got[6].Res != 0 {
		t.Fatalf("NOP128: cqe %+v; want user_data 100, res 0", got[6])
	}
	// Seven 64-byte NOPs take slots 0..6 of the second lap: the next free
	// slot is the last, which NextSqe128 pads before a NOP128 in 0..1.
	for i := 0; i < 7; i++ {
		r.NextSqe().PrepNop(0, uint64(20+i))
	}
	submitWait(t, r, 7)
	if s := r.NextSqe128(); s == nil {
		t.Fatal("NextSqe128 at the last slot of an empty ring: nil")
	} else {
		s.PrepNop128(0, 200)
	}
	c := submitWait(t, r, 1)[0]
	if c.UserData != 200 || c.Res != 0 {
		t.Fatalf("NOP128 after the padding NOP: cqe %+v; want user_data 200, res 0 (the pad posts nothing)", c)
	}
	time.Sleep(10 * time.Millisecond)
	if n := r.CqReady(); n != 0 {
		t.Fatalf("%d completions more than the requests: the kernel took a slot as a request", n)
	}
	// In a 64-byte ring the 128-byte opcode fails.
	plain := newRing(t, 4, nil)
	wantRes(t, "NOP128 in a ring without SQE_MIXED", run(t, plain, func(s *Sqe) {
		s.PrepNop(0, 1)
		s.Opcode = IORING_OP_NOP128
	}), errRes(unix.EINVAL))
}

// URING_CMD128: a socket command in a 128-byte SQE of a mixed ring.
func testUringCmd128(t *testing.T, _ *Ring) {
	r := newMixedRing(t)
	a, b := tcpPair(t)
	unix.Write(a, []byte("123"))
	time.Sleep(10 * time.Millisecond)
	r.NextSqe128().PrepUringCmd128(uint32(SOCKET_URING_OP_SIOCINQ), int32(b), 0, [80]uint8{}, 1)
	wantRes(t, "SIOCINQ in URING_CMD128", submitWait(t, r, 1)[0], 3)
}

// IORING_TIMEOUT_IMMEDIATE_ARG (7.1): the time in the SQE.
func TestTimeoutNs(t *testing.T) {
	needs(t, IORING_TIMEOUT_IMMEDIATE_ARG)
	r := newRing(t, 4, nil)
	start := time.Now()
	wantRes(t, "timeout of 20 ms", run(t, r, func(s *Sqe) { s.PrepTimeoutNs(20e6, 0, 0, 1) }), errRes(unix.ETIME))
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("a 20 ms timeout fired after %v", d)
	}
}

// SOCKET_URING_OP_GETSOCKNAME (6.19): the address getsockname(2) and
// getpeername(2) give.
func TestGetsockname(t *testing.T) {
	needs(t, SOCKET_URING_OP_GETSOCKNAME)
	r := newRing(t, 4, nil)
	a, _ := tcpPair(t)
	for peer, want := range []func(int) (unix.Sockaddr, error){unix.Getsockname, unix.Getpeername} {
		sa := allocOf[unix.RawSockaddrAny](t)
		n := allocOf[uint32](t)
		*n = uint32(unsafe.Sizeof(*sa))
		c := run(t, r, func(s *Sqe) { s.PrepGetsockname(int32(a), sa, n, uint32(peer), 1) })
		if c.Res < 0 {
			t.Fatalf("peer %d: res %d (%v)", peer, c.Res, errnoOf(c.Res))
		}
		w, err := want(a)
		if err != nil {
			t.Fatal(err)
		}
		in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		port := int(in.Port>>8 | in.Port<<8)
		if isBigEndian() {
			port = int(in.Port)
		}
		wi := w.(*unix.SockaddrInet4)
		if in.Family != unix.AF_INET || in.Addr != wi.Addr || port != wi.Port {
			t.Fatalf("peer %d: got family %d %v:%d (res %d, len %d); want %v:%d", peer, in.Family, in.Addr, port, c.Res, *n, wi.Addr, wi.Port)
		}
		t.Logf("peer %d: res %d, addrlen %d", peer, c.Res, *n)
	}
}

// IORING_REGISTER_QUERY needs no ring (fd -1). IO_URING_QUERY_OPCODES
// (6.18) agrees with the probe; SCQ and ZCRX (6.19) answer sizes.
func TestQuery(t *testing.T) {
	needs(t, IORING_REGISTER_QUERY)
	hasOp(t, IORING_OP_NOP)
	query := func(op QueryOp, data unsafe.Pointer, size uintptr) *QueryHdr {
		t.Helper()
		h := &QueryHdr{QueryData: uint64(uintptr(data)), QueryOp: op, Size: uint32(size)}
		if _, err := IoUringRegister(-1, IORING_REGISTER_QUERY, unsafe.Pointer(h), 0); err != nil {
			t.Fatalf("query %v: %v", op, err)
		}
		return h
	}
	var ops QueryOpcode
	h := query(IO_URING_QUERY_OPCODES, unsafe.Pointer(&ops), unsafe.Sizeof(ops))
	if h.Result < 0 {
		t.Fatalf("query opcodes: result %d", h.Result)
	}
	if int(ops.NrRequestOpcodes) != int(probe.LastOp)+1 {
		t.Errorf("query: %d request opcodes; the probe's last is %v", ops.NrRequestOpcodes, probe.LastOp)
	}
	t.Logf("query on %s: %d request opcodes, %d register opcodes, setup flags %v, size answered %d, %d query opcodes",
		kernelRelease, ops.NrRequestOpcodes, ops.NrRegisterOpcodes, SetupFlags(ops.RingSetupFlags), h.Size, ops.NrQueryOpcodes)
	t.Run("SCQ", func(t *testing.T) {
		needs(t, IO_URING_QUERY_SCQ)
		var scq QueryScq
		if h := query(IO_URING_QUERY_SCQ, unsafe.Pointer(&scq), unsafe.Sizeof(scq)); h.Result < 0 {
			t.Fatalf("result %d", h.Result)
		}
		if scq.HdrSize == 0 || scq.HdrAlignment == 0 || scq.HdrAlignment&(scq.HdrAlignment-1) != 0 {
			t.Fatalf("%+v: want a size and a power-of-two alignment", scq)
		}
		if ops.NrQueryOpcodes <= uint32(IO_URING_QUERY_SCQ) {
			t.Errorf("%d query opcodes, yet SCQ answered", ops.NrQueryOpcodes)
		}
	})
	t.Run("ZCRX", func(t *testing.T) {
		needs(t, IO_URING_QUERY_ZCRX)
		var z QueryZcrx
		h := query(IO_URING_QUERY_ZCRX, unsafe.Pointer(&z), unsafe.Sizeof(z))
		if h.Result < 0 {
			t.Skipf("result %d (%v): no zero-copy receive in this kernel's configuration", h.Result, errnoOf(h.Result))
		}
		t.Logf("%+v", z)
		if z.NrCtrlOpcodes == 0 || z.RqHdrSize == 0 {
			t.Fatalf("%+v: want control opcodes and a refill header size", z)
		}
	})
}

// IORING_SETUP_SQ_REWIND (7.0): the kernel takes SQEs from slot 0 at every
// enter, for as many as to_submit says, and the head and tail stay 0.
func TestSqRewind(t *testing.T) {
	needs(t, IORING_SETUP_SQ_REWIND)
	r := newRing(t, 8, &Params{Flags: IORING_SETUP_NO_SQARRAY | IORING_SETUP_SQ_REWIND})
	for round := 0; round < 2; round++ {
		for i := uint32(0); i < uint32(3); i++ {
			r.SqeAt(i).PrepNop(0, uint64(10*round)+uint64(i))
		}
		// Submit only; submitWait bounds the wait (it publishes no SQE: the
		// tail is never moved, as SQ_REWIND asks).
		if n, err := IoUringEnter(r.Fd, 3, 0, 0, nil); err != nil || n != 3 {
			t.Fatalf("round %d: enter: %d, %v; want 3 submitted", round, n, err)
		}
		cqes := submitWait(t, r, 3)
		for i, c := range cqes {
			if c.Res != 0 || c.UserData != uint64(10*round+i) {
				t.Fatalf("round %d: cqes %+v; want user_data %d..%d in order", round, cqes, 10*round, 10*round+2)
			}
		}
		if h, tl := r.SqHead(), r.SqTail(); h != 0 || tl != 0 {
			t.Fatalf("round %d: SQ head %d, tail %d; want both 0", round, h, tl)
		}
	}
	// Without NO_SQARRAY the kernel refuses the flag.
	if _, err := Setup(8, &Params{Flags: IORING_SETUP_SQ_REWIND}); err != unix.EINVAL {
		t.Fatalf("SQ_REWIND without NO_SQARRAY: %v; want EINVAL", err)
	}
}

// IORING_REGISTER_BPF_FILTER (7.0): a classic BPF program on one opcode of
// a ring set up disabled; it returns 0 to deny (the request completes with
// -EACCES) and non-zero to allow. With SZ_STRICT a wrong payload size
// fails with EMSGSIZE and the kernel writes its own size back.
func TestBpfFilter(t *testing.T) {
	needs(t, IORING_REGISTER_BPF_FILTER, IO_URING_BPF_FILTER_SZ_STRICT)
	prog := func(ret uint32) *unix.SockFilter {
		p := allocOf[unix.SockFilter](t)
		*p = unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: ret}
		return p
	}
	filtered := func(ret uint32, pdu uint8, flags BpfFilterFlags) (*Ring, *Bpf, error) {
		r := newRing(t, 4, &Params{Flags: IORING_SETUP_R_DISABLED})
		b := allocOf[Bpf](t)
		*b = Bpf{CmdType: IO_URING_BPF_CMD_FILTER, Filter: BpfFilter{
			Opcode: uint32(IORING_OP_NOP), Flags: flags, FilterLen: 1, PduSize: pdu,
			FilterPtr: uint64(uintptr(unsafe.Pointer(prog(ret)))),
		}}
		_, err := IoUringRegister(r.Fd, IORING_REGISTER_BPF_FILTER, unsafe.Pointer(b), 1)
		if err == nil {
			if _, err := IoUringRegister(r.Fd, IORING_REGISTER_ENABLE_RINGS, nil, 0); err != nil {
				t.Fatalf("enable rings: %v", err)
			}
		}
		return r, b, err
	}
	r, _, err := filtered(0, 0, 0)
	if err != nil {
		t.Fatalf("register a deny filter: %v", err)
	}
	wantRes(t, "NOP under a deny filter", run(t, r, func(s *Sqe) { s.PrepNop(0, 1) }), errRes(unix.EACCES))
	wantRes(t, "another opcode under it", run(t, r, func(s *Sqe) { s.PrepTimeout(allocOf[KernelTimespec](t), 0, 0, 2) }), errRes(unix.ETIME))
	r, _, err = filtered(1, 0, 0)
	if err != nil {
		t.Fatalf("register an allow filter: %v", err)
	}
	wantRes(t, "NOP under an allow filter", run(t, r, func(s *Sqe) { s.PrepNop(0, 1) }), 0)
	_, b, err := filtered(1, 1, IO_URING_BPF_FILTER_SZ_STRICT)
	if err != unix.EMSGSIZE || b.Filter.PduSize != 0 {
		t.Fatalf("SZ_STRICT with payload size 1 for a NOP: %v, size written back %d; want EMSGSIZE and 0", err, b.Filter.PduSize)
	}
}
