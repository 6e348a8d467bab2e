//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd && !solaris && !windows

package seed

// The seed programs of other systems come with their packages.
var programs []Program
