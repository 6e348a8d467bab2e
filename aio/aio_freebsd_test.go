package aio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"unsafe"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// Besides FreeBSD, gen's TestAioOnHost runs these tests on the host, on the
// code gen/spec/aio_freebsd.spec generates for it: none needs the kernel.

func TestString(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{SIGEV_KEVENT, "SIGEV_KEVENT"},
		{SIGEV_THREAD_ID, "SIGEV_THREAD_ID"},
		{SigevNotify(5), "SigevNotify(5)"},
		{SigevNotify(-1), "SigevNotify(-1)"},
		{LIO_NOP, "LIO_NOP"},
		{LIO_READV, "LIO_READV"},
		{LIO_WRITEV, "LIO_WRITEV"},
		{LIO_DSYNC, "LIO_DSYNC"},
		{LIO_MLOCK, "LIO_MLOCK"},
		{LioOpcode(3), "LioOpcode(3)"},
		{LIO_WAIT, "LIO_WAIT"},
		{LioMode(2), "LioMode(2)"},
		{AIO_NOTCANCELED, "AIO_NOTCANCELED"},
		{CancelResult(0), "CancelResult(0)"},
		{O_DSYNC, "O_DSYNC"},
		{FsyncOp(0), "FsyncOp(0)"},
		{AIO_OP2_FOFFSET | AIO_OP2_VECTORED, "AIO_OP2_FOFFSET|AIO_OP2_VECTORED"},
		{LIO_READ | LIO_FOFFSET, "LioOpcode(66)"}, // an enum: LIO_FOFFSET is a bit ORed in
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T: String() = %q; want %q", tt.v, got, tt.want)
		}
	}
}

// Every enum type: each named value prints as its own name, and names are
// unique. The counts are those of FreeBSD 15.0's headers.
func TestValues(t *testing.T) {
	enumNames(t, SigevNotifyValues(), 5)
	enumNames(t, LioOpcodeValues(), 10)
	enumNames(t, LioModeValues(), 2)
	enumNames(t, CancelResultValues(), 3)
	enumNames(t, FsyncOpValues(), 2)
}

func enumNames[T fmt.Stringer](t *testing.T, values []Named[T], want int) {
	t.Helper()
	if len(values) != want {
		t.Errorf("%T: %d values; want %d", values, len(values), want)
	}
	seen := map[string]bool{}
	for _, n := range values {
		if seen[n.Name] {
			t.Errorf("%s is listed twice", n.Name)
		}
		seen[n.Name] = true
		if s := n.Value.String(); s != n.Name {
			t.Errorf("%s prints as %q", n.Name, s)
		}
	}
}

func TestSigval(t *testing.T) {
	var v Sigval
	v.Ptr = ^uintptr(0)
	v.SetInt(-2)
	if v.Int() != -2 || v.Ptr != 0xfffffffe {
		t.Errorf("after SetInt(-2): Int %d, Ptr %#x; want -2, 0xfffffffe", v.Int(), v.Ptr)
	}
}

// The accessors write the bytes FreeBSD's sys/signal.h puts each field at
// (the offsets are the spec's, asserted at compile time):
// sigev_notify_kqueue is sigev_signo, and sigev_notify_kevent_flags (an
// unsigned short) and sigev_notify_thread_id (an lwpid_t, int32) start the
// union.
func TestSigeventAccessors(t *testing.T) {
	var s Sigevent
	for i := range s.Union {
		s.Union[i] = 0xee
	}
	s.SetNotifyKqueue(7, kqueue.EV_ONESHOT|kqueue.EV_CLEAR, 0x5eed)
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&s)), unsafe.Sizeof(s))
	u := unsafe.Offsetof(s.Union)
	if got := binary.LittleEndian.Uint32(raw[unsafe.Offsetof(s.Notify):]); got != uint32(SIGEV_KEVENT) {
		t.Errorf("sigev_notify = %d; want SIGEV_KEVENT (%d)", got, SIGEV_KEVENT)
	}
	if got := binary.LittleEndian.Uint32(raw[unsafe.Offsetof(s.Signo):]); got != 7 {
		t.Errorf("sigev_notify_kqueue = %d; want 7", got)
	}
	if got := binary.LittleEndian.Uint16(raw[u:]); got != uint16(kqueue.EV_ONESHOT|kqueue.EV_CLEAR) {
		t.Errorf("sigev_notify_kevent_flags = %#x; want %#x", got, uint16(kqueue.EV_ONESHOT|kqueue.EV_CLEAR))
	}
	if raw[u+2] != 0xee {
		t.Error("SetKeventFlags wrote past its unsigned short")
	}
	if s.NotifyKqueue() != 7 || s.KeventFlags() != kqueue.EV_ONESHOT|kqueue.EV_CLEAR || s.Value.Ptr != 0x5eed {
		t.Errorf("read back kqueue %d, flags %v, value %#x", s.NotifyKqueue(), s.KeventFlags(), s.Value.Ptr)
	}
	s.SetThreadID(-100100)
	if got := int32(binary.LittleEndian.Uint32(raw[u:])); got != -100100 || s.ThreadID() != -100100 {
		t.Errorf("thread id: %d in memory, %d read back; want -100100", got, s.ThreadID())
	}
}

func TestRequest(t *testing.T) {
	r, err := NewRequest(9, 4096, 100)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cb.Fildes != 9 || r.Cb.Offset != 4096 || r.Cb.Nbytes != 100 || len(r.Buf) != 100 || cap(r.Buf) != 100 {
		t.Errorf("NewRequest(9, 4096, 100): Cb %+v, buffer %d/%d", *r.Cb, len(r.Buf), cap(r.Buf))
	}
	if r.Cb.Buf != uintptr(unsafe.Pointer(&r.Buf[0])) {
		t.Errorf("Cb.Buf = %#x; want the buffer's address %p", r.Cb.Buf, &r.Buf[0])
	}
	if addr := uintptr(unsafe.Pointer(r.Cb)); addr%uintptr(unix.Getpagesize()) != 0 {
		t.Errorf("the Aiocb at %#x does not start the mapping", addr)
	}
	// The buffer follows the Aiocb: writing all of it leaves the Aiocb intact.
	for i := range r.Buf {
		r.Buf[i] = 0xff
	}
	if r.Cb.Sigevent.Notify != SIGEV_NONE || r.Cb.Fildes != 9 {
		t.Errorf("the buffer overlaps the Aiocb: %+v", *r.Cb)
	}
	runtime.GC() // nothing of it is on the Go heap
	if r.Cb.Nbytes != 100 {
		t.Errorf("after a collection: %+v", *r.Cb)
	}
	if err := r.Free(); err != nil {
		t.Errorf("Free: %v", err)
	}
	if r.Cb != nil || r.Buf != nil {
		t.Error("Free left the request usable")
	}

	empty, err := NewRequest(0, 0, 0)
	if err != nil {
		t.Fatalf("NewRequest with size 0: %v", err)
	}
	if empty.Cb.Buf != 0 || len(empty.Buf) != 0 {
		t.Errorf("size 0: Cb.Buf %#x, %d-byte buffer; want none", empty.Cb.Buf, len(empty.Buf))
	}
	empty.Free()

	if _, err := NewRequest(0, 0, -1); !errors.Is(err, unix.EINVAL) {
		t.Errorf("NewRequest with size -1: %v; want EINVAL", err)
	}
}

func TestEventHelpers(t *testing.T) {
	r, err := NewRequest(3, 0, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Free()
	var ev kqueue.Kevent_t
	kqueue.EV_SET(&ev, uintptr(unsafe.Pointer(r.Cb)), kqueue.EVFILT_AIO, 0, 0, 0, 0x77)
	if got := EventAiocb(&ev); got != r.Cb {
		t.Errorf("EventAiocb = %p; want %p", got, r.Cb)
	}
	if got := EventSigval(&ev); got.Ptr != 0x77 {
		t.Errorf("EventSigval = %#x; want 0x77", got.Ptr)
	}

	list := []*Aiocb{r.Cb, nil}
	var pin runtime.Pinner
	pin.Pin(&list[0])
	defer pin.Unpin()
	kqueue.EV_SET(&ev, uintptr(unsafe.Pointer(&list[0])), kqueue.EVFILT_LIO, 0, 0, 0, 0)
	got := EventList(&ev, len(list))
	if len(got) != 2 || &got[0] != &list[0] || got[0] != r.Cb {
		t.Errorf("EventList gave %v at %p; want %v at %p", got, &got[0], list, &list[0])
	}
}
