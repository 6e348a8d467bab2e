package iocp

import (
	"fmt"
	"testing"
	"unsafe"
)

func TestString(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, "FILE_SKIP_COMPLETION_PORT_ON_SUCCESS"},
		{FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE,
			"FILE_SKIP_COMPLETION_PORT_ON_SUCCESS|FILE_SKIP_SET_EVENT_ON_HANDLE"},
		{NotificationModes(0x84), "0x84"},
		{NotificationModes(0x81), "FILE_SKIP_COMPLETION_PORT_ON_SUCCESS|0x80"},
		{NotificationModes(0), "0"},
		{CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, "CREATE_WAITABLE_TIMER_HIGH_RESOLUTION"},
		{TIMER_MODIFY_STATE | SYNCHRONIZE, "TIMER_MODIFY_STATE|SYNCHRONIZE"},
		{TIMER_ALL_ACCESS, "TIMER_QUERY_STATE|TIMER_MODIFY_STATE|DELETE|READ_CONTROL|WRITE_DAC|WRITE_OWNER|SYNCHRONIZE"},
		{TimerAccess(1 << 31), "0x80000000"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T: String() = %q; want %q", tt.v, got, tt.want)
		}
	}
	if n := len(TimerAccessValues()); n != 8 {
		t.Errorf("TimerAccessValues has %d values; want 8", n)
	}
}

// OVERLAPPED_ENTRY is 32 bytes on 64-bit Windows and 16 on 386 (the
// generated code also asserts each offset at compile time).
func TestOverlappedEntrySize(t *testing.T) {
	want := uintptr(32)
	if unsafe.Sizeof(uintptr(0)) == 4 {
		want = 16
	}
	if got := unsafe.Sizeof(OverlappedEntry{}); got != want {
		t.Errorf("OverlappedEntry is %d bytes; want %d", got, want)
	}
}
