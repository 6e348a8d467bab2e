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

// Fd returns the data union read as its int fd member (the first 4 bytes).
func (e *EpollEvent) Fd() int32 { return int32(binary.NativeEndian.Uint32(e.Data[:4])) }

// SetFd sets the union's int fd member. The other 4 bytes are left as they are.
func (e *EpollEvent) SetFd(fd int32) { binary.NativeEndian.PutUint32(e.Data[:4], uint32(fd)) }

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
