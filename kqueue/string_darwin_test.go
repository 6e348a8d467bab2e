package kqueue

import (
	"fmt"
	"testing"
)

// stringTests are macOS's: see TestString.
var stringTests = []struct {
	v    fmt.Stringer
	want string
}{
	{EVFILT_USER, "EVFILT_USER"},
	{Filter(-10), "EVFILT_USER"},
	{Filter(-11), "Filter(-11)"}, // private in XNU
	{EVFILT_EXCEPT, "EVFILT_EXCEPT"},
	{EV_DISPATCH2, "EV_DISPATCH|EV_UDATA_SPECIFIC"},
	{EV_FLAG0 | EV_ADD, "EV_ADD|EV_FLAG0"}, // not its alias EV_POLL
	{NoteTimer(2), "NOTE_USECONDS"},
	{NOTE_ABSOLUTE | NOTE_SECONDS, "NOTE_SECONDS|NOTE_ABSOLUTE"},
	{NOTE_EXIT | NOTE_EXITSTATUS | 8, "NOTE_EXIT|NOTE_EXITSTATUS|0x8"},
	{KEVENT_FLAG_IMMEDIATE, "KEVENT_FLAG_IMMEDIATE"},
	{NOTE_VM_PRESSURE, "NOTE_VM_PRESSURE"},
}

const filters = 12 // the public EVFILT_* of XNU's sys/event.h

func TestEV_SET64(t *testing.T) {
	kev := Kevent64_s{Ext: [2]uint64{9, 9}}
	EV_SET64(&kev, uint64(1<<40), EVFILT_TIMER, EV_ADD|EV_ONESHOT, NOTE_NSECONDS|NOTE_LEEWAY, 5, 1<<63, 10, 11)
	want := Kevent64_s{Ident: 1 << 40, Filter: EVFILT_TIMER, Flags: EV_ADD | EV_ONESHOT,
		Fflags: uint32(NOTE_NSECONDS | NOTE_LEEWAY), Data: 5, Udata: 1 << 63, Ext: [2]uint64{10, 11}}
	if kev != want {
		t.Errorf("EV_SET64 gave %+v; want %+v", kev, want)
	}
}
