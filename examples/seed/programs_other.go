//go:build !linux

package seed

// The seed programs of other systems come with their packages.
var programs []Program
