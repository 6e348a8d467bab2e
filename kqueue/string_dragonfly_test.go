package kqueue

import "fmt"

// stringTests are DragonFly's: see TestString.
var stringTests = []struct {
	v    fmt.Stringer
	want string
}{
	{EVFILT_USER, "EVFILT_USER"},
	{Filter(-9), "EVFILT_USER"},
	{EVFILT_FS, "EVFILT_FS"},
	{EV_EOF | EV_NODATA | EV_HUP, "EV_HUP|EV_NODATA|EV_EOF"},
	{NOTE_OOB, "NOTE_OOB"},
	{NoteProc(0xf0000000), "NOTE_EXIT|NOTE_FORK|NOTE_EXEC|0x10000000"},
}

const filters = 10 // the EVFILT_* of DragonFly's sys/event.h
