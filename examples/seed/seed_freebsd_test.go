package seed

import (
	"bytes"
	"strings"
	"testing"
)

// Each program runs to completion and reports what it received. This runs
// only on FreeBSD; where this module is developed it is compiled and vetted.
func TestPrograms(t *testing.T) {
	want := map[string][]string{
		"kqueue-user":  {"EVFILT_USER ident 1: fflags", "0x2a"},
		"kqueue-timer": {"EVFILT_TIMER ident 1: ", "EVFILT_TIMER ident 2: one-shot timer fired"},
		"kqueue-stale": {"is stale (the slot is at generation 2): skipped", "1 event handled, 1 stale event skipped"},
	}
	if len(Programs()) != len(want) {
		t.Errorf("%d programs; the test knows %d", len(Programs()), len(want))
	}
	for _, p := range Programs() {
		t.Run(p.Name, func(t *testing.T) {
			var out bytes.Buffer
			if err := p.Run(&out); err != nil {
				t.Fatalf("%v; output:\n%s", err, out.String())
			}
			for _, s := range want[p.Name] {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
		})
	}
}
