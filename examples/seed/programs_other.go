//go:build !linux && !freebsd

package seed

// The seed programs of other systems come with their packages.
var programs []Program
