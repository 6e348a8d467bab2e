//go:build freebsd

package kqueue

import (
	"fmt"
	"testing"
)

// These run only on FreeBSD, which is not available where this module is
// developed: .ci/run compiles and vets them for every FreeBSD target.
func TestString(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{EVFILT_READ, "EVFILT_READ"},
		{EVFILT_USER, "EVFILT_USER"},
		{Filter(-20), "Filter(-20)"},
		{Filter(3), "Filter(3)"},
		{EV_ADD | EV_CLEAR, "EV_ADD|EV_CLEAR"},
		{EV_ADD | EV_EOF, "EV_ADD|EV_EOF"},
		{EV_ERROR, "EV_ERROR"}, // not its alias EV_FLAG2
		{EV_ADD | EV_EOF | EV_ERROR, "EV_ADD|EV_EOF|EV_ERROR"},
		{NOTE_FFCOPY | NOTE_TRIGGER, "NOTE_FFCOPY|NOTE_TRIGGER"},
		{Flags(0x800), "0x800"},
		{Flags(0), "0"},
		{NOTE_TRIGGER | NOTE_FFOR | 5, "NOTE_FFOR|NOTE_TRIGGER|0x5"},
		{NoteProc(0xf0000000), "NOTE_EXIT|NOTE_FORK|NOTE_EXEC|0x10000000"},
		{NOTE_DELETE | NOTE_WRITE | NoteVnode(1<<20), "NOTE_DELETE|NOTE_WRITE|0x100000"},
		{NOTE_EXIT, "NOTE_EXIT"},
		{NOTE_MSECONDS, "NOTE_MSECONDS"}, // FreeBSD: 2 is milliseconds
		{NOTE_LOWAT, "NOTE_LOWAT"},
		{KQUEUE_CLOEXEC, "KQUEUE_CLOEXEC"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T(%#x).String() = %q; want %q", tt.v, tt.v, got, tt.want)
		}
	}
	if n := len(FilterValues()); n != 13 {
		t.Errorf("FilterValues has %d filters; sys/event.h of FreeBSD 14 has 13", n)
	}
}
