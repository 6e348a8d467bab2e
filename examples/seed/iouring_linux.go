package seed

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/eventq/eventq/iouring"
	"golang.org/x/sys/unix"
)

func init() {
	programs = append(programs,
		Program{"iouring-accept", "accept a TCP connection and read from it, through io_uring", iouringAccept},
		Program{"iouring-connect", "connect, an HTTP request and the reply, through io_uring", iouringConnect},
		Program{"iouring-timer", "a multishot periodic timeout and a one-shot timeout", iouringTimer},
		Program{"iouring-user", "a user event from one ring to another with MSG_RING", iouringUser},
		Program{"iouring-file", "a file read at an offset into memory the kernel may hold", iouringFile},
		Program{"iouring-stale", "the stale-completion problem, fixed with generation tokens and async cancel", iouringStale},
		Program{"iouring-echo", "a TCP echo server: multishot accept, multishot recv from a buffer ring", iouringEcho},
	)
}

// uring is a ring and the off-heap memory the seed programs hand the
// kernel: everything an SQE points to lives outside the Go heap, so
// nothing moves while the kernel holds it, and it is freed only when the
// ring is closed, after every completion the program waited for.
type uring struct {
	*iouring.Ring
	frees []func()
	ts    *iouring.KernelTimespec // the wait's timeout
}

func newUring(entries uint32) (*uring, error) {
	r, err := iouring.Setup(entries, nil)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		// ENOSYS: no kernel support, or qemu-user; EPERM: disabled by
		// the kernel.io_uring_disabled sysctl or by seccomp.
		return nil, fmt.Errorf("io_uring %w (io_uring_setup: %v)", ErrUnavailable, err)
	}
	if err != nil {
		return nil, err
	}
	u := &uring{Ring: r}
	ts, err := offheap[iouring.KernelTimespec](u, 1)
	if err != nil {
		u.Close()
		return nil, err
	}
	u.ts = &ts[0]
	return u, nil
}

// offheap returns n values of T outside the Go heap, freed when u is
// closed, after the ring.
func offheap[T any](u *uring, n int) ([]T, error) {
	s, err := iouring.Alloc[T](n)
	if err != nil {
		return nil, err
	}
	u.frees = append(u.frees, func() { iouring.Free(s) })
	return s, nil
}

// Close closes the ring, then frees the memory its requests used.
func (u *uring) Close() error {
	err := u.Ring.Close()
	for _, free := range u.frees {
		free()
	}
	return err
}

// next returns a free SQE, submitting what is queued if the ring is full.
func (u *uring) next() *iouring.Sqe {
	s := u.NextSqe()
	if s == nil {
		u.Submit()
		s = u.NextSqe()
	}
	return s
}

// reap submits what is queued and waits, at most waitLimit, for at least
// one completion; it returns copies of every completion ready.
func (u *uring) reap() ([]iouring.Cqe, error) {
	deadline := time.Now().Add(waitLimit)
	for u.CqReady() == 0 {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, errTimeout
		}
		*u.ts = iouring.KernelTimespec{Sec: int64(left / time.Second), Nsec: int64(left % time.Second)}
		// The timeout bounds the wait; SQEs not yet submitted go in first.
		_, err := u.SubmitAndWaitTimeout(1, u.ts)
		if err != nil && !errors.Is(err, unix.EINTR) && !errors.Is(err, unix.ETIME) {
			return nil, fmt.Errorf("io_uring_enter: %w", err)
		}
	}
	var out []iouring.Cqe
	for c := u.PeekCqe(); c != nil; c = u.PeekCqe() {
		out = append(out, *c)
		u.CqAdvance(1)
	}
	return out, nil
}

// one submits what is queued and waits for the single completion expected,
// that of user_data ud.
func (u *uring) one(ud uint64) (iouring.Cqe, error) {
	cqes, err := u.reap()
	if err != nil {
		return iouring.Cqe{}, err
	}
	if len(cqes) != 1 || cqes[0].UserData != ud {
		return iouring.Cqe{}, fmt.Errorf("completions %+v; want one, of user_data %d", cqes, ud)
	}
	return cqes[0], nil
}

// wait submits what is queued and waits for the single completion
// expected, that of user_data ud: its res, or its errno as an error.
func (u *uring) wait(what string, ud uint64) (int, error) {
	c, err := u.one(ud)
	if err != nil {
		return 0, err
	}
	if c.Res < 0 {
		return 0, fmt.Errorf("%s: %w", what, unix.Errno(-c.Res))
	}
	return int(c.Res), nil
}

// sockaddr4 fills an off-heap RawSockaddrAny with 127.0.0.1:port.
func sockaddr4(sa *unix.RawSockaddrAny, port int) uint32 {
	in := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
	in.Family = unix.AF_INET
	p := (*[2]byte)(unsafe.Pointer(&in.Port))
	p[0], p[1] = byte(port>>8), byte(port)
	in.Addr = [4]byte{127, 0, 0, 1}
	return uint32(unsafe.Sizeof(*in))
}

func portOf(sa *unix.RawSockaddrAny) int {
	p := (*[2]byte)(unsafe.Pointer(&(*unix.RawSockaddrInet4)(unsafe.Pointer(sa)).Port))
	return int(p[0])<<8 | int(p[1])
}
