//go:build darwin || dragonfly

package seed

// newKqueue makes a close-on-exec kqueue: these systems have no kqueue
// call that takes the flag.
func newKqueue() (int, error) { return cloexecKqueue() }
