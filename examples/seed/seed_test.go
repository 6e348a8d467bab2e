package seed

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// runPrograms runs every program of this GOOS and checks that its output
// holds each of want[name].
func runPrograms(t *testing.T, want map[string][]string) {
	if len(Programs()) != len(want) {
		t.Errorf("%d programs; the test knows %d", len(Programs()), len(want))
	}
	for _, p := range Programs() {
		t.Run(p.Name, func(t *testing.T) {
			var out bytes.Buffer
			err := p.Run(&out)
			if errors.Is(err, ErrUnavailable) {
				t.Skip(err)
			}
			if err != nil {
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
