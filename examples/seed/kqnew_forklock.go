//go:build darwin || dragonfly || freebsd

package seed

import (
	"syscall"

	"github.com/eventq/eventq/kqueue"
	"golang.org/x/sys/unix"
)

// cloexecKqueue makes a kqueue and sets FD_CLOEXEC, holding ForkLock so that
// no fork and exec in another goroutine inherits it in between.
func cloexecKqueue() (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	kq, err := kqueue.Kqueue()
	if err == nil {
		unix.CloseOnExec(kq)
	}
	return kq, err
}
