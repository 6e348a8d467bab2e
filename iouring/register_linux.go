package iouring

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Probe is what IORING_REGISTER_PROBE fills: a header and one entry per
// opcode up to the kernel's last.
type Probe struct {
	ProbeHdr
	Ops [int(^Op(0)) + 1]ProbeOp // room for every value an Op can hold
}

// Probe asks the kernel which opcodes it supports (Linux 5.6 and later;
// EINVAL before).
func (r *Ring) Probe(p *Probe) error {
	*p = Probe{}
	_, err := IoUringRegister(r.Fd, IORING_REGISTER_PROBE, unsafe.Pointer(p), uint32(len(p.Ops)))
	return err
}

// Supports reports whether the probed kernel supports op.
func (p *Probe) Supports(op Op) bool {
	return op <= p.LastOp && int(op) < int(p.OpsLen) && p.Ops[op].Flags&IO_URING_OP_SUPPORTED != 0
}

// BufRing is a ring of provided buffers (IORING_REGISTER_PBUF_RING, Linux
// 5.19): the kernel takes a buffer from it for each request that selects
// one from its group, and the completion names the buffer (Cqe.BufferID).
// Its entries live in memory outside the Go heap; the buffers they point to
// must too (Alloc), or be pinned, until the ring is unregistered.
type BufRing struct {
	Bgid   uint16
	bufs   []Buf
	mask   uint16
	tail   uint16 // the tail as the next Advance publishes it
	ringFd int
}

// RegisterBufRing registers a buffer ring of entries slots as group bgid,
// in memory of its own. The kernel takes a power of two up to 32768
// (EINVAL otherwise); 0 gives EINVAL without a system call.
func (r *Ring) RegisterBufRing(entries uint32, bgid uint16, flags PbufRingFlags) (*BufRing, error) {
	bufs, err := Alloc[Buf](int(entries))
	if err != nil {
		return nil, err
	}
	reg := BufReg{RingAddr: uint64(uintptr(unsafe.Pointer(&bufs[0]))), RingEntries: entries, Bgid: bgid, Flags: flags}
	if _, err := IoUringRegister(r.Fd, IORING_REGISTER_PBUF_RING, unsafe.Pointer(&reg), 1); err != nil {
		Free(bufs)
		return nil, err
	}
	return &BufRing{Bgid: bgid, bufs: bufs, mask: uint16(entries - 1), ringFd: r.Fd}, nil
}

// Add puts buf, with ID bid, in the slot offset places past the tail. It is
// not the kernel's until Advance publishes it.
func (b *BufRing) Add(buf []byte, bid uint16, offset int) {
	e := &b.bufs[(b.tail+uint16(offset))&b.mask]
	e.Addr = uint64(uintptr(unsafe.Pointer(unsafe.SliceData(buf))))
	e.Len = uint32(len(buf))
	e.Bid = bid
}

// Advance publishes the next n buffers added.
//
// The kernel reads the tail as a 16-bit value overlaid on the first entry's
// Resv, beside that entry's Bid. Go has no 16-bit atomic store, so Advance
// stores the whole 32-bit word holding both, with the Bid unchanged: the
// two halves are laid out in memory order, so the store is right on either
// byte order. It is a release store: the entries written before it are
// visible to the kernel first.
func (b *BufRing) Advance(n int) {
	b.tail += uint16(n)
	word := (*uint32)(unsafe.Pointer(&b.bufs[0].Bid))
	halves := [2]uint16{b.bufs[0].Bid, b.tail}
	atomic.StoreUint32(word, *(*uint32)(unsafe.Pointer(&halves)))
}

// Tail is the tail as published.
func (b *BufRing) Tail() uint16 { return b.tail }

// Unregister unregisters the ring from the kernel and frees its entries.
func (b *BufRing) Unregister() error {
	reg := BufReg{Bgid: b.Bgid}
	_, err := IoUringRegister(b.ringFd, IORING_UNREGISTER_PBUF_RING, unsafe.Pointer(&reg), 1)
	if err != nil {
		return err
	}
	return Free(b.bufs)
}

// RegisterBuffers registers iovecs as the ring's fixed buffers, for
// PrepReadFixed, PrepWriteFixed and the *_FIXED forms (buffer index i is
// iovecs[i]). The iovecs are read during the call; the buffers they point
// to are used until UnregisterBuffers, so they must stay allocated and
// unmoved that long: Alloc them, or pin them and keep them reachable.
func (r *Ring) RegisterBuffers(iovecs []unix.Iovec) error {
	_, err := IoUringRegister(r.Fd, IORING_REGISTER_BUFFERS, unsafe.Pointer(unsafe.SliceData(iovecs)), uint32(len(iovecs)))
	return err
}

// UnregisterBuffers unregisters the ring's fixed buffers. The kernel may
// wait for requests still using them, and then returns EINTR when a signal
// arrives (in Go, often the runtime's preemption signal): call it again.
func (r *Ring) UnregisterBuffers() error {
	_, err := IoUringRegister(r.Fd, IORING_UNREGISTER_BUFFERS, nil, 0)
	return err
}

// RegisterFiles registers fds as the ring's fixed files (index i is fds[i];
// -1 leaves a slot empty), for IOSQE_FIXED_FILE. The kernel takes its own
// references: closing a descriptor afterwards does not empty its slot.
func (r *Ring) RegisterFiles(fds []int32) error {
	_, err := IoUringRegister(r.Fd, IORING_REGISTER_FILES, unsafe.Pointer(unsafe.SliceData(fds)), uint32(len(fds)))
	return err
}

// RegisterFilesSparse registers n empty fixed-file slots (Linux 5.19), for
// requests that install files directly (SetFileIndex) and for PrepFilesUpdate.
func (r *Ring) RegisterFilesSparse(n uint32) error {
	reg := RsrcRegister{Nr: n, Flags: IORING_RSRC_REGISTER_SPARSE}
	_, err := IoUringRegister(r.Fd, IORING_REGISTER_FILES2, unsafe.Pointer(&reg), uint32(unsafe.Sizeof(reg)))
	return err
}

// UnregisterFiles unregisters the ring's fixed files. The kernel may wait
// for requests still using them, and then returns EINTR when a signal
// arrives: call it again (seen on Debian's 6.1 kernel, 1 run in 7 of the
// 386 tests under qemu-system).
func (r *Ring) UnregisterFiles() error {
	_, err := IoUringRegister(r.Fd, IORING_UNREGISTER_FILES, nil, 0)
	return err
}

// RegisterEventfd makes the kernel signal eventfd efd when it posts a
// completion: the way to wait for a ring in an epoll set.
func (r *Ring) RegisterEventfd(efd int) error {
	fd := int32(efd)
	_, err := IoUringRegister(r.Fd, IORING_REGISTER_EVENTFD, unsafe.Pointer(&fd), 1)
	return err
}

// UnregisterEventfd unregisters the ring's eventfd.
func (r *Ring) UnregisterEventfd() error {
	_, err := IoUringRegister(r.Fd, IORING_UNREGISTER_EVENTFD, nil, 0)
	return err
}
