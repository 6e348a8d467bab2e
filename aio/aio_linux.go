package aio

import (
	"unsafe"

	"github.com/eventq/eventq/internal/offheap"
	"golang.org/x/sys/unix"
)

// A Request is an Iocb and its buffer, allocated together outside the Go
// heap so that the kernel may hold both until the request completes. The
// buffer starts on a page boundary, so it suits O_DIRECT too.
type Request struct {
	Cb  *Iocb  // its LioOpcode, Fildes, Offset, Buf and Nbytes are set by NewRequest
	Buf []byte // the buffer, size bytes long
	mem []byte // the whole mapping
}

// NewRequest maps an Iocb and a buffer of size bytes for cmd (IOCB_CMD_PREAD
// or IOCB_CMD_PWRITE) on fd at offset. Set Cb.Data to a token, and
// SetResfd for an eventfd, then start it with IoSubmit. Free it once its
// completion has arrived.
func NewRequest(cmd IocbCmd, fd int, offset int64, size int) (*Request, error) {
	if size < 0 || fd < 0 {
		return nil, unix.EINVAL
	}
	page := unix.Getpagesize()
	mem, err := offheap.Map(page + size)
	if err != nil {
		return nil, err
	}
	// SAFETY: mem is a fresh anonymous mapping outside the Go heap: the
	// Iocb in its first page and the buffer from its second never move,
	// and the collector never frees them.
	r := &Request{Cb: (*Iocb)(unsafe.Pointer(&mem[0])), Buf: mem[page : page+size : page+size], mem: mem}
	r.Cb.LioOpcode = cmd
	r.Cb.Fildes = uint32(fd)
	r.Cb.Offset = offset
	r.Cb.Nbytes = uint64(size)
	if size > 0 {
		r.Cb.Buf = uint64(uintptr(unsafe.Pointer(&r.Buf[0])))
	}
	return r, nil
}

// Free unmaps the request. Call it only after its completion arrived.
func (r *Request) Free() error {
	mem := r.mem
	r.Cb, r.Buf, r.mem = nil, nil, nil
	return offheap.Unmap(mem)
}

// SetResfd makes the kernel signal eventfd efd when the request completes
// (IOCB_FLAG_RESFD): the way to wait for it in an epoll set.
func (cb *Iocb) SetResfd(efd int) {
	cb.Flags |= IOCB_FLAG_RESFD
	cb.Resfd = uint32(efd)
}

// SetPoll makes cb an IOCB_CMD_POLL request for the poll(2) events (such as
// unix.POLLIN) on fd: the events go where a read's buffer address would.
func (cb *Iocb) SetPoll(fd int, events int16) {
	*cb = Iocb{Data: cb.Data, LioOpcode: IOCB_CMD_POLL, Fildes: uint32(fd), Buf: uint64(uint16(events))}
}

// Addr is the address the kernel reports in IoEvent.Obj for cb.
func (cb *Iocb) Addr() uint64 { return uint64(uintptr(unsafe.Pointer(cb))) }
