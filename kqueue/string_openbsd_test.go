package kqueue

import "fmt"

// stringTests are OpenBSD 7.8's: see TestString.
var stringTests = []struct {
	v    fmt.Stringer
	want string
}{
	{EVFILT_USER, "EVFILT_USER"},
	{Filter(-10), "EVFILT_USER"},
	{Filter(-11), "Filter(-11)"},
	{EVFILT_DEVICE, "EVFILT_DEVICE"},
	{EV_ADD | EV_RECEIPT, "EV_ADD|EV_RECEIPT"},
	{Flags(0x800), "0x800"}, // reserved by EV_SYSFLAGS, but not a flag of its own
	{NoteTimer(2), "NOTE_USECONDS"},
	{NOTE_NSECONDS, "NOTE_NSECONDS"},
	{NOTE_LOWAT | NOTE_EOF | NOTE_OOB, "NOTE_LOWAT|NOTE_EOF|NOTE_OOB"},
	{NOTE_TRUNCATE, "NOTE_TRUNCATE"},
	{O_CLOEXEC, "O_CLOEXEC"},
}

const filters = 10 // the EVFILT_* of OpenBSD 7.8's sys/event.h
