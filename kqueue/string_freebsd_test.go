package kqueue

import "fmt"

// stringTests are FreeBSD 15's: see TestString.
var stringTests = []struct {
	v    fmt.Stringer
	want string
}{
	{EVFILT_READ, "EVFILT_READ"},
	{EVFILT_USER, "EVFILT_USER"},
	{Filter(-11), "EVFILT_USER"},
	{Filter(-20), "Filter(-20)"},
	{EVFILT_JAILDESC, "EVFILT_JAILDESC"},
	{NOTE_JAIL_CHILD | NOTE_JAIL_MULTI | NoteJail(1), "NOTE_JAIL_CHILD|NOTE_JAIL_MULTI|0x1"},
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
	{NoteTimer(2), "NOTE_MSECONDS"}, // 2 is milliseconds on FreeBSD
	{NOTE_LOWAT, "NOTE_LOWAT"},
	{KQUEUE_CLOEXEC, "KQUEUE_CLOEXEC"},
	{KQUEUE_CLOEXEC | KQUEUE_CPONFORK, "KQUEUE_CLOEXEC|KQUEUE_CPONFORK"},
}

const filters = 15 // the EVFILT_* of FreeBSD 15.0's sys/event.h
