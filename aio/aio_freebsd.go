package aio

import (
	"encoding/binary"
	"unsafe"

	"github.com/eventq/eventq/internal/offheap"
	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// Int returns the int view of the union (sival_int): FreeBSD's targets are
// little-endian, so it is the low 32 bits.
func (v Sigval) Int() int32 { return int32(v.Ptr) }

// SetInt sets the int view of the union, clearing the rest.
func (v *Sigval) SetInt(i int32) { v.Ptr = uintptr(uint32(i)) }

// NotifyKqueue returns sigev_notify_kqueue, the kqueue of SIGEV_KEVENT.
func (s *Sigevent) NotifyKqueue() int { return int(s.Signo) }

// SetNotifyKqueue makes s notify by SIGEV_KEVENT to kq, with flags for the
// event (EV_ONESHOT, EV_CLEAR, ...; the kernel adds EV_ADD and EV_ENABLE) and
// value as the event's Udata: an integer token, not a Go pointer.
func (s *Sigevent) SetNotifyKqueue(kq int, flags kqueue.Flags, value uintptr) {
	s.Notify = SIGEV_KEVENT
	s.Signo = int32(kq)
	s.Value = Sigval{Ptr: value}
	s.SetKeventFlags(flags)
}

// KeventFlags returns sigev_notify_kevent_flags.
func (s *Sigevent) KeventFlags() kqueue.Flags {
	return kqueue.Flags(binary.LittleEndian.Uint16(s.Union[:2]))
}

// SetKeventFlags sets sigev_notify_kevent_flags.
func (s *Sigevent) SetKeventFlags(f kqueue.Flags) {
	binary.LittleEndian.PutUint16(s.Union[:2], uint16(f))
}

// ThreadID returns sigev_notify_thread_id, the thread of SIGEV_THREAD_ID.
func (s *Sigevent) ThreadID() int32 { return int32(binary.LittleEndian.Uint32(s.Union[:4])) }

// SetThreadID sets sigev_notify_thread_id.
func (s *Sigevent) SetThreadID(tid int32) { binary.LittleEndian.PutUint32(s.Union[:4], uint32(tid)) }

// A Request is an Aiocb and its buffer, allocated together outside the Go
// heap so that the kernel may hold both for as long as the request runs.
type Request struct {
	Cb  *Aiocb // its Fildes, Offset, Buf and Nbytes are set by NewRequest
	Buf []byte // the buffer, Nbytes long
	mem []byte // the whole mapping
}

// NewRequest maps an Aiocb and a buffer of size bytes for I/O on fd at
// offset. Fill in Cb.Sigevent, then start it with AioRead or AioWrite. Free
// it once the request has completed.
func NewRequest(fd int, offset int64, size int) (*Request, error) {
	if size < 0 {
		return nil, unix.EINVAL
	}
	head := int(unsafe.Sizeof(Aiocb{}))
	mem, err := offheap.Map(head + size)
	if err != nil {
		return nil, err
	}
	// SAFETY: mem is a fresh anonymous mapping, page-aligned and at least
	// head bytes long, outside the Go heap: the Aiocb never moves and the
	// collector never frees it. Its Buf field is the mapping's address past
	// the Aiocb, which the kernel may write to until the request completes.
	r := &Request{Cb: (*Aiocb)(unsafe.Pointer(&mem[0])), Buf: mem[head : head+size : head+size], mem: mem}
	r.Cb.Fildes = int32(fd)
	r.Cb.Offset = offset
	r.Cb.Nbytes = uintptr(size)
	if size > 0 {
		r.Cb.Buf = uintptr(unsafe.Pointer(&r.Buf[0]))
	}
	return r, nil
}

// Free unmaps the request. Call it only after the request completed:
// after AioReturn, or after AioWaitcomplete returned it.
func (r *Request) Free() error {
	mem := r.mem
	r.Cb, r.Buf, r.mem = nil, nil, nil
	return offheap.Unmap(mem)
}

// EventAiocb returns the Aiocb of an EVFILT_AIO event: its Ident is the
// control block's address. It is valid only for an Aiocb that cannot move,
// such as a Request's or a pinned one.
func EventAiocb(ev *kqueue.Kevent_t) *Aiocb {
	// SAFETY: Ident holds the address the kernel was given, which by this
	// package's rules is off the Go heap or pinned; reading the field's
	// bytes as a pointer avoids a uintptr-to-pointer conversion.
	return *(**Aiocb)(unsafe.Pointer(&ev.Ident))
}

// EventList returns the list of an EVFILT_LIO event, n entries long: its
// Ident is the address of the list LioListio was given (the kernel uses it
// only to tell lists apart). It is valid only while that array is alive and
// unmoved, for example pinned with runtime.Pinner from LioListio until the
// event; otherwise compare Ident with the address you kept.
func EventList(ev *kqueue.Kevent_t, n int) []*Aiocb {
	// SAFETY: as for EventAiocb; the caller vouches for the array and n.
	return unsafe.Slice(*(***Aiocb)(unsafe.Pointer(&ev.Ident)), n)
}

// EventSigval returns the sigev_value of an EVFILT_AIO or EVFILT_LIO event,
// which the kernel put in its Udata.
func EventSigval(ev *kqueue.Kevent_t) Sigval { return Sigval{Ptr: ev.Udata} }
