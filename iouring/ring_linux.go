package iouring

import (
	"math/bits"
	"runtime"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Ring is an io_uring's shared memory, mapped: typed views of the SQ ring,
// the CQ ring and the SQE array, and the few steps of the kernel's
// ordering protocol. It holds no lock and starts no goroutine: one
// goroutine submits and one reaps (they may be the same), as the kernel's
// protocol requires.
//
// The protocol (stated in the kernel's io_uring/io_uring.c and liburing's
// barrier.h): user space writes an SQE, then stores the SQ tail with
// release semantics; it loads the CQ tail with acquire semantics before
// reading the CQEs it covers, and stores the CQ head with release
// semantics once it has read them. Under SQPOLL, a full barrier separates
// the store of the SQ tail from the load of the SQ flags that says whether
// the kernel thread sleeps. Go's sync/atomic operations are sequentially
// consistent, which gives all three: every load and store of a ring index
// or flag below is atomic, and nothing else is.
type Ring struct {
	Fd     int    // the ring's descriptor
	Params Params // as io_uring_setup filled it

	sqRing, cqRing, sqes []byte // the mappings (cqRing is sqRing with IORING_FEAT_SINGLE_MMAP); nil for caller memory

	sqHead, sqTail, sqFlags, sqDropped *uint32
	sqMask, sqEntries                  uint32
	sqArray                            *uint32 // nil with IORING_SETUP_NO_SQARRAY
	sqeBase                            unsafe.Pointer
	sqeShift                           uint // log2 of the SQE size: 64 or 128 bytes

	cqHead, cqTail, cqOverflow, cqFlags *uint32
	cqMask, cqEntries                   uint32
	cqeBase                             unsafe.Pointer
	cqeShift                            uint // log2 of the CQE size: 16 or 32 bytes

	sqeNext uint32 // the SQ tail once the SQEs handed out by NextSqe are published
}

// Setup calls IoUringSetup and maps the new ring with Map. On failure it
// closes the descriptor. params may be nil for the defaults.
func Setup(entries uint32, params *Params) (*Ring, error) {
	var p Params
	if params != nil {
		p = *params
	}
	fd, err := IoUringSetup(entries, &p)
	if err != nil {
		return nil, err
	}
	r, err := Map(fd, &p)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return r, nil
}

// Map maps the rings of fd, which io_uring_setup made with *p: the SQ ring,
// the CQ ring (the same mapping with IORING_FEAT_SINGLE_MMAP) and the SQEs.
// A ring set up with IORING_SETUP_NO_MMAP has no kernel memory to map: Map
// fails with EINVAL, and MapMemory takes the caller's memory instead.
func Map(fd int, p *Params) (*Ring, error) {
	if p.Flags&IORING_SETUP_NO_MMAP != 0 {
		return nil, unix.EINVAL
	}
	sqSize, cqSize, sqesSize := ringSizes(p)
	if p.Features&IORING_FEAT_SINGLE_MMAP != 0 {
		sqSize = max(sqSize, cqSize)
	}
	const prot, flags = unix.PROT_READ | unix.PROT_WRITE, unix.MAP_SHARED | unix.MAP_POPULATE
	sq, err := unix.Mmap(fd, int64(IORING_OFF_SQ_RING), sqSize, prot, flags)
	if err != nil {
		return nil, err
	}
	cq := sq
	if p.Features&IORING_FEAT_SINGLE_MMAP == 0 {
		if cq, err = unix.Mmap(fd, int64(IORING_OFF_CQ_RING), cqSize, prot, flags); err != nil {
			unix.Munmap(sq)
			return nil, err
		}
	}
	sqes, err := unix.Mmap(fd, int64(IORING_OFF_SQES), sqesSize, prot, flags)
	if err != nil {
		unix.Munmap(sq)
		if p.Features&IORING_FEAT_SINGLE_MMAP == 0 {
			unix.Munmap(cq)
		}
		return nil, err
	}
	r := &Ring{Fd: fd, Params: *p, sqRing: sq, cqRing: cq, sqes: sqes}
	r.views(sq, cq, sqes)
	return r, nil
}

// ringSizes returns the bytes the rings of p span (the SQ ring, and the CQ
// ring, which IORING_FEAT_SINGLE_MMAP puts in the same mapping) and the
// bytes of the SQE array, from the offsets io_uring_setup filled in.
func ringSizes(p *Params) (sq, cq, sqes int) {
	sq = int(p.SqOff.Array) + int(p.SqEntries)*int(unsafe.Sizeof(uint32(0)))
	cq = int(p.CqOff.Cqes) + int(p.CqEntries)*int(cqeSize(p))
	return sq, cq, int(p.SqEntries) * int(sqeSize(p))
}

// sqeSize and cqeSize are the sizes of an SQE and a CQE of a ring set up with p.
func sqeSize(p *Params) uintptr {
	if p.Flags&IORING_SETUP_SQE128 != 0 {
		return unsafe.Sizeof(Sqe128{})
	}
	return unsafe.Sizeof(Sqe{})
}

func cqeSize(p *Params) uintptr {
	if p.Flags&IORING_SETUP_CQE32 != 0 {
		return unsafe.Sizeof(Cqe32{})
	}
	return unsafe.Sizeof(Cqe{})
}

// MapMemory makes the views of a ring set up with IORING_SETUP_NO_MMAP
// over the caller's memory: rings is the block whose address was in
// p.CqOff.UserAddr and sqes the block in p.SqOff.UserAddr. Both must stay
// mapped and unmoved for the ring's life (use Alloc). It fails with EINVAL
// when a block is smaller than the kernel's offsets say.
func MapMemory(fd int, p *Params, rings, sqes []byte) (*Ring, error) {
	sqSize, cqSize, sqesSize := ringSizes(p)
	if len(rings) < max(sqSize, cqSize) || len(sqes) < sqesSize {
		return nil, unix.EINVAL
	}
	r := &Ring{Fd: fd, Params: *p}
	r.views(rings, rings, sqes)
	return r, nil
}

func (r *Ring) views(sq, cq, sqes []byte) {
	p := &r.Params
	at := func(m []byte, off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&m[off])) }
	r.sqHead, r.sqTail = at(sq, p.SqOff.Head), at(sq, p.SqOff.Tail)
	r.sqFlags, r.sqDropped = at(sq, p.SqOff.Flags), at(sq, p.SqOff.Dropped)
	r.sqMask, r.sqEntries = *at(sq, p.SqOff.RingMask), *at(sq, p.SqOff.RingEntries)
	if p.Flags&IORING_SETUP_NO_SQARRAY == 0 {
		// NextSqe puts the SQE of ring position i in slot i&SqMask, so the
		// index array is the identity, written once here; the kernel never
		// writes it. (liburing does the same.)
		r.sqArray = at(sq, p.SqOff.Array)
		for i, array := uint32(0), unsafe.Slice(r.sqArray, r.sqEntries); i < r.sqEntries; i++ {
			array[i] = i
		}
	}
	r.sqeBase, r.sqeShift = unsafe.Pointer(&sqes[0]), uint(bits.TrailingZeros(uint(sqeSize(p))))
	r.cqHead, r.cqTail = at(cq, p.CqOff.Head), at(cq, p.CqOff.Tail)
	r.cqOverflow, r.cqFlags = at(cq, p.CqOff.Overflow), at(cq, p.CqOff.Flags)
	r.cqMask, r.cqEntries = *at(cq, p.CqOff.RingMask), *at(cq, p.CqOff.RingEntries)
	r.cqeBase, r.cqeShift = unsafe.Pointer(&cq[p.CqOff.Cqes]), uint(bits.TrailingZeros(uint(cqeSize(p))))
	r.sqeNext = atomic.LoadUint32(r.sqTail)
}

// Unmap unmaps what Map mapped (nothing for MapMemory's caller memory). The
// descriptor stays open; every view of r is invalid afterwards.
func (r *Ring) Unmap() error {
	if r.sqes == nil {
		return nil
	}
	err := unix.Munmap(r.sqes)
	if e := unix.Munmap(r.sqRing); err == nil {
		err = e
	}
	if r.Params.Features&IORING_FEAT_SINGLE_MMAP == 0 {
		if e := unix.Munmap(r.cqRing); err == nil {
			err = e
		}
	}
	r.sqRing, r.cqRing, r.sqes = nil, nil, nil
	return err
}

// Close unmaps the ring and closes its descriptor. Requests still in flight
// are cancelled by the kernel as it tears the ring down.
func (r *Ring) Close() error {
	err := r.Unmap()
	if e := unix.Close(r.Fd); err == nil {
		err = e
	}
	return err
}

// SqHead loads the SQ head, which the kernel advances as it consumes
// SQEs (acquire).
func (r *Ring) SqHead() uint32 { return atomic.LoadUint32(r.sqHead) }

// SqTail loads the SQ tail as last published.
func (r *Ring) SqTail() uint32 { return atomic.LoadUint32(r.sqTail) }

// SetSqTail publishes SQEs up to tail to the kernel (release): every SQE
// (and SQ array entry) written before it is visible to the kernel first.
func (r *Ring) SetSqTail(tail uint32) { atomic.StoreUint32(r.sqTail, tail) }

// SqFlags loads the SQ ring's flags. Under SQPOLL, load them after the
// store of the tail (as Submit does): the two atomics are a full barrier.
func (r *Ring) SqFlags() SqRingFlags { return SqRingFlags(atomic.LoadUint32(r.sqFlags)) }

// SqDropped loads the count of SQEs the kernel dropped as invalid (an SQ
// array entry out of range).
func (r *Ring) SqDropped() uint32 { return atomic.LoadUint32(r.sqDropped) }

// SqMask and SqEntries are the SQ ring's index mask and size.
func (r *Ring) SqMask() uint32    { return r.sqMask }
func (r *Ring) SqEntries() uint32 { return r.sqEntries }

// SqArray is the SQ index array: entry i&SqMask names the SQE the kernel
// takes at ring position i. Map fills it with the identity (entry j names
// SQE j), which NextSqe and Flush rely on: a caller who rewrites it must
// publish SQEs itself. Nil with IORING_SETUP_NO_SQARRAY, where position i
// takes SQE i&SqMask.
func (r *Ring) SqArray() []uint32 {
	if r.sqArray == nil {
		return nil
	}
	return unsafe.Slice(r.sqArray, r.sqEntries)
}

// SqeAt returns the SQE in slot i&SqMask. With IORING_SETUP_SQE128 the
// slots are 128 bytes: use Sqe128At for the whole entry.
func (r *Ring) SqeAt(i uint32) *Sqe {
	return (*Sqe)(unsafe.Add(r.sqeBase, uintptr(i&r.sqMask)<<(r.sqeShift&63)))
}

// Sqe128At returns the 128-byte SQE in slot i&SqMask of a ring set up with
// IORING_SETUP_SQE128, or the one that starts at 64-byte slot i&SqMask and
// takes slot i+1 too of a ring set up with IORING_SETUP_SQE_MIXED (Linux
// 6.19). It is nil for other rings, and in the last slot of a mixed ring,
// where a 128-byte SQE cannot start: it would run past the SQE array.
func (r *Ring) Sqe128At(i uint32) *Sqe128 {
	switch {
	case r.Params.Flags&IORING_SETUP_SQE128 != 0:
	case r.Params.Flags&IORING_SETUP_SQE_MIXED == 0, i&r.sqMask == r.sqMask:
		return nil
	}
	return (*Sqe128)(unsafe.Pointer(r.SqeAt(i)))
}

// CqHead loads the CQ head.
func (r *Ring) CqHead() uint32 { return atomic.LoadUint32(r.cqHead) }

// SetCqHead frees the CQEs before head for the kernel to reuse (release):
// read them first.
func (r *Ring) SetCqHead(head uint32) { atomic.StoreUint32(r.cqHead, head) }

// CqTail loads the CQ tail (acquire): the CQEs before it are complete.
func (r *Ring) CqTail() uint32 { return atomic.LoadUint32(r.cqTail) }

// CqOverflow loads the count of CQEs lost to a full CQ ring (only without
// IORING_FEAT_NODROP, or when the kernel could not allocate).
func (r *Ring) CqOverflow() uint32 { return atomic.LoadUint32(r.cqOverflow) }

// CqFlags loads and SetCqFlags stores the CQ ring's flags.
func (r *Ring) CqFlags() CqRingFlags     { return CqRingFlags(atomic.LoadUint32(r.cqFlags)) }
func (r *Ring) SetCqFlags(f CqRingFlags) { atomic.StoreUint32(r.cqFlags, uint32(f)) }

// CqMask and CqEntries are the CQ ring's index mask and size.
func (r *Ring) CqMask() uint32    { return r.cqMask }
func (r *Ring) CqEntries() uint32 { return r.cqEntries }

// CqeAt returns the CQE in slot i&CqMask. With IORING_SETUP_CQE32 the slots
// are 32 bytes: use Cqe32At for the whole entry.
func (r *Ring) CqeAt(i uint32) *Cqe {
	return (*Cqe)(unsafe.Add(r.cqeBase, uintptr(i&r.cqMask)<<(r.cqeShift&63)))
}

// Cqe32At returns the 32-byte CQE in slot i&CqMask of a ring set up with
// IORING_SETUP_CQE32 (nil for other rings).
func (r *Ring) Cqe32At(i uint32) *Cqe32 {
	if r.Params.Flags&IORING_SETUP_CQE32 == 0 {
		return nil
	}
	return (*Cqe32)(unsafe.Pointer(r.CqeAt(i)))
}

// NextSqe returns the next free SQE, or nil when the SQ ring is full (submit
// first). The SQE keeps whatever it held: fill it whole with a Prep method.
// It is not visible to the kernel until Flush or Submit publishes it.
func (r *Ring) NextSqe() *Sqe {
	next := r.sqeNext
	if next-atomic.LoadUint32(r.sqHead) >= r.sqEntries {
		return nil
	}
	r.sqeNext = next + 1
	return r.SqeAt(next)
}

// NextSqe128 returns the next free 128-byte SQE of a ring set up with
// IORING_SETUP_SQE128 or IORING_SETUP_SQE_MIXED, for a 128-byte opcode
// (IORING_OP_NOP128, IORING_OP_URING_CMD128, and every opcode of an SQE128
// ring); nil when the SQ ring has no room, or the ring has neither flag.
// In a mixed ring it takes two 64-byte slots; when the next slot is the
// last, where a 128-byte SQE cannot start, NextSqe128 first fills it with
// a NOP that posts no completion (IOSQE_CQE_SKIP_SUCCESS), as liburing does.
func (r *Ring) NextSqe128() *Sqe128 {
	if r.Params.Flags&IORING_SETUP_SQE128 != 0 {
		return (*Sqe128)(unsafe.Pointer(r.NextSqe()))
	}
	if r.Params.Flags&IORING_SETUP_SQE_MIXED == 0 {
		return nil
	}
	next, head := r.sqeNext, atomic.LoadUint32(r.sqHead)
	pad := uint32(0)
	if next&r.sqMask == r.sqMask {
		pad = 1
	}
	if next+pad+2-head > r.sqEntries {
		return nil
	}
	if pad != 0 {
		s := r.SqeAt(next)
		s.PrepNop(0, 0)
		s.Flags = IOSQE_CQE_SKIP_SUCCESS
	}
	r.sqeNext = next + pad + 2
	return (*Sqe128)(unsafe.Pointer(r.SqeAt(next + pad)))
}

// Flush publishes the SQEs NextSqe handed out and returns how many SQEs the
// kernel has yet to consume: the count to pass to IoUringEnter.
func (r *Ring) Flush() uint32 {
	if atomic.LoadUint32(r.sqTail) != r.sqeNext {
		atomic.StoreUint32(r.sqTail, r.sqeNext)
	}
	return r.sqeNext - atomic.LoadUint32(r.sqHead)
}

// Submit publishes the SQEs NextSqe handed out and enters the kernel to
// submit them, without waiting; it returns how many the kernel consumed.
// Under SQPOLL the kernel thread consumes them: Submit enters only to wake
// it when it sleeps, and returns the count published.
func (r *Ring) Submit() (int, error) { return r.SubmitAndWait(0) }

// SubmitAndWait is Submit, and then waits until at least want completions
// are in the CQ ring. The wait returns EINTR when a signal arrives (Go's
// preemption signal among them); the SQEs are submitted all the same.
func (r *Ring) SubmitAndWait(want uint32) (int, error) {
	n := r.Flush()
	var flags EnterFlags
	if want > 0 {
		flags |= IORING_ENTER_GETEVENTS
	}
	if r.Params.Flags&IORING_SETUP_SQPOLL != 0 {
		// The store of the tail in Flush and this load are sequentially
		// consistent atomics: the full barrier the kernel asks for.
		if r.SqFlags()&IORING_SQ_NEED_WAKEUP != 0 {
			flags |= IORING_ENTER_SQ_WAKEUP
		} else if want == 0 {
			return int(n), nil
		}
		n = 0
	}
	return IoUringEnter(r.Fd, n, want, flags, nil)
}

// SubmitAndWaitTimeout is SubmitAndWait with a bound: the wait ends with
// ETIME once the relative time *ts has passed with fewer than want
// completions in the CQ ring (through IORING_ENTER_EXT_ARG, Linux 5.11).
// The kernel reads *ts during the call only. As with SubmitAndWait, a
// signal ends the wait with EINTR, the SQEs submitted all the same; a
// caller that loops should shorten *ts by the time already waited.
func (r *Ring) SubmitAndWaitTimeout(want uint32, ts *KernelTimespec) (int, error) {
	n := r.Flush()
	flags := IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG
	if r.Params.Flags&IORING_SETUP_SQPOLL != 0 {
		if r.SqFlags()&IORING_SQ_NEED_WAKEUP != 0 {
			flags |= IORING_ENTER_SQ_WAKEUP
		}
		n = 0
	}
	// SAFETY: arg lives on this frame for the call; ts, which arg holds as
	// an integer, is kept alive until the call returns.
	arg := GeteventsArg{Ts: uint64(uintptr(unsafe.Pointer(ts)))}
	c, err := IoUringEnterArg(r.Fd, n, want, flags, &arg)
	runtime.KeepAlive(ts)
	return c, err
}

// PeekCqe returns the oldest CQE not yet marked seen, or nil when the CQ
// ring is empty. It does not enter the kernel.
//
// In a ring set up with IORING_SETUP_CQE_MIXED (Linux 6.18), a CQE whose
// Flags have IORING_CQE_F_32 is 32 bytes and takes two slots: mark it seen
// with CqAdvance(2). One with IORING_CQE_F_SKIP only fills the end of the
// ring: skip it with CqAdvance(1).
func (r *Ring) PeekCqe() *Cqe {
	head := atomic.LoadUint32(r.cqHead)
	if head == atomic.LoadUint32(r.cqTail) {
		return nil
	}
	return r.CqeAt(head)
}

// CqAdvance marks the n oldest CQEs seen, freeing their slots.
func (r *Ring) CqAdvance(n uint32) { atomic.StoreUint32(r.cqHead, atomic.LoadUint32(r.cqHead)+n) }

// CqReady is the number of CQEs waiting to be read.
func (r *Ring) CqReady() uint32 { return atomic.LoadUint32(r.cqTail) - atomic.LoadUint32(r.cqHead) }

// BufferID is the ID of the provided buffer the kernel picked, valid when
// Flags has IORING_CQE_F_BUFFER.
func (c *Cqe) BufferID() uint16 { return uint16(c.Flags >> IORING_CQE_BUFFER_SHIFT) }
