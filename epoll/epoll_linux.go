package epoll

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The epoll_data union is kept as [8]byte so that EpollEvent has the kernel's
// size on every architecture: with a uint64 member Go would align it to 8 and
// break the packed 12-byte layout of amd64 and 386. The accessors read and
// write it in host byte order, as C does, without unaligned word accesses
// (which fault on mips): an EpollEvent is only 4-byte aligned.

// EventFd returns a new event for epoll_ctl(2): events, and fd in the data
// union's fd member, so that a registration is one expression:
//
//	err := epoll.EpollCtl(ep, epoll.EPOLL_CTL_ADD, fd, epoll.EventFd(epoll.EPOLLIN, fd))
//
// The kernel copies the event during the call; the pointer need not outlive
// it (and, used as above, the event stays on the stack: no allocation).
func EventFd(events Events, fd int) *EpollEvent {
	e := &EpollEvent{Events: events}
	e.SetFd(fd)
	return e
}

// EventU64 returns a new event for epoll_ctl(2) with events and the data
// union's u64 member set to token: the form for an integer token that names
// the object an event is for (see the package documentation).
func EventU64(events Events, token uint64) *EpollEvent {
	e := &EpollEvent{Events: events}
	e.SetU64(token)
	return e
}

// Fd returns the data union read as its int fd member (the first 4 bytes),
// as the int the calls take.
func (e *EpollEvent) Fd() int { return int(int32(binary.NativeEndian.Uint32(e.Data[:4]))) }

// SetFd sets the union's int fd member to fd, a descriptor as the calls take
// it. The member is a C int: an fd outside the int32 range (which no
// descriptor is) keeps only its low 32 bits, as in C. The other 4 bytes are
// left as they are.
func (e *EpollEvent) SetFd(fd int) { binary.NativeEndian.PutUint32(e.Data[:4], uint32(fd)) }

// U32 returns the union read as its uint32_t u32 member (the first 4 bytes).
func (e *EpollEvent) U32() uint32 { return binary.NativeEndian.Uint32(e.Data[:4]) }

// SetU32 sets the union's u32 member. The other 4 bytes are left as they are.
func (e *EpollEvent) SetU32(v uint32) { binary.NativeEndian.PutUint32(e.Data[:4], v) }

// U64 returns the union read as its uint64_t u64 member.
func (e *EpollEvent) U64() uint64 { return binary.NativeEndian.Uint64(e.Data[:]) }

// SetU64 sets the union's u64 member: all 8 bytes. This is the place for an
// integer token that names the object the event is for.
func (e *EpollEvent) SetU64(v uint64) { binary.NativeEndian.PutUint64(e.Data[:], v) }

// NSIG is the number of signals a Sigset holds: the kernel's _NSIG.
const NSIG = 8 * int(unsafe.Sizeof(Sigset{}))

// word returns the index of sig's word and its bit in that word, or ok false
// if sig is outside 1..NSIG. Signal n is bit n-1, as in the kernel.
func (s *Sigset) word(sig unix.Signal) (i int, bit uint, ok bool) {
	n := int(sig) - 1
	if n < 0 || n >= NSIG {
		return 0, 0, false
	}
	bits := NSIG / len(s.Val)
	return n / bits, uint(n % bits), true
}

// Add adds sig to the set, as sigaddset(3). A signal outside 1..NSIG gives EINVAL.
func (s *Sigset) Add(sig unix.Signal) error {
	i, bit, ok := s.word(sig)
	if !ok {
		return unix.EINVAL
	}
	s.Val[i] |= 1 << bit
	return nil
}

// Del removes sig from the set, as sigdelset(3). A signal outside 1..NSIG gives EINVAL.
func (s *Sigset) Del(sig unix.Signal) error {
	i, bit, ok := s.word(sig)
	if !ok {
		return unix.EINVAL
	}
	s.Val[i] &^= 1 << bit
	return nil
}

// IsMember reports whether sig is in the set, as sigismember(3). A signal
// outside 1..NSIG is never a member.
func (s *Sigset) IsMember(sig unix.Signal) bool {
	i, bit, ok := s.word(sig)
	return ok && s.Val[i]&(1<<bit) != 0
}

// Fill adds every signal to the set, as sigfillset(3).
func (s *Sigset) Fill() {
	for i := range s.Val {
		s.Val[i] = 0
		s.Val[i] = ^s.Val[i] // all ones, whatever the word size
	}
}

// Empty removes every signal from the set, as sigemptyset(3).
func (s *Sigset) Empty() { *s = Sigset{} }
