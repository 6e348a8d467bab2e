//go:build netbsd || openbsd

package seed

import "github.com/eventq/eventq/kqueue"

// newKqueue makes a close-on-exec kqueue with kqueue1(2).
func newKqueue() (int, error) { return kqueue.Kqueue1(0) }
