package seed

import (
	"errors"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// newKqueue makes a close-on-exec kqueue: with kqueuex(2), or before
// FreeBSD 13.3 and 14.0 with kqueue(2) and FD_CLOEXEC (see kqnew_forklock.go).
func newKqueue() (int, error) {
	kq, err := kqueue.Kqueuex(0)
	if errors.Is(err, unix.ENOSYS) {
		return cloexecKqueue()
	}
	return kq, err
}
