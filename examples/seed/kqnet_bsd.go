//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package seed

import (
	"errors"
	"fmt"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// kreadAll reads fd until the peer closes it, waiting on kq (where fd is
// registered for EVFILT_READ) whenever a read would block.
func kreadAll(kq, fd int) ([]byte, error) {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		switch {
		case errors.Is(err, unix.EAGAIN):
			if _, err := kwait(kq, make([]kqueue.Kevent_t, 1)); err != nil {
				return out, fmt.Errorf("waiting for data: %w", err)
			}
		case err != nil:
			return out, err
		case n == 0:
			return out, nil
		default:
			out = append(out, buf[:n]...)
		}
	}
}
