package seed

import "testing"

// Each program runs to completion and reports what it received. This runs
// only on FreeBSD; where this module is developed it is compiled and vetted.
func TestPrograms(t *testing.T) {
	runPrograms(t, map[string][]string{
		"kqueue-user":  {"EVFILT_USER ident 1: fflags", "0x2a"},
		"kqueue-timer": {"EVFILT_TIMER ident 1: ", "EVFILT_TIMER ident 2: one-shot timer fired"},
		"kqueue-stale": {"is stale (the slot is at generation 2): skipped", "1 event handled, 1 stale event skipped"},
	})
}
