//go:build illumos || solaris

package eventport

import "testing"

// This test needs no kernel: gen's TestEventportOnHost also runs it on the
// Linux host, against the types and constants the spec generates.
func TestString(t *testing.T) {
	for _, tt := range []struct {
		got  interface{ String() string }
		want string
	}{
		{PORT_SOURCE_FD, "PORT_SOURCE_FD"},
		{Source(9), "Source(9)"},
		{FILE_MODIFIED | FILE_DELETE | 0x8, "FILE_MODIFIED|FILE_DELETE|0x8"},
		{FILE_EXCEPTION, "FILE_DELETE|FILE_RENAME_TO|FILE_RENAME_FROM|UNMOUNTED|MOUNTEDOVER"},
		{POLLIN | POLLOUT, "POLLIN|POLLOUT"},
		{PORT_ALERT_INVALID, "PORT_ALERT_SET|PORT_ALERT_UPDATE"},
		{SIGEV_PORT, "SIGEV_PORT"},
	} {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("String() = %q, want %q", s, tt.want)
		}
	}
}
