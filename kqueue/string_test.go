//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue

import "testing"

// TestString checks each system's table (string_<goos>_test.go). Besides
// the BSDs, gen's TestKqueueOnHost runs it on the host for each system.
func TestString(t *testing.T) {
	for _, tt := range stringTests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T: String() = %q; want %q", tt.v, got, tt.want)
		}
	}
	if n := len(FilterValues()); n != filters {
		t.Errorf("FilterValues has %d filters; want %d", n, filters)
	}
}
