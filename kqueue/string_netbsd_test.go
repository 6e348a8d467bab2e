package kqueue

import "fmt"

// stringTests are NetBSD 10's: see TestString.
var stringTests = []struct {
	v    fmt.Stringer
	want string
}{
	{EVFILT_READ, "EVFILT_READ"},
	{Filter(0), "EVFILT_READ"}, // NetBSD's filters count up from 0
	{Filter(8), "EVFILT_USER"},
	{Filter(10), "Filter(10)"},
	{Filter(0xffffffff), "Filter(4294967295)"}, // unsigned: FreeBSD's -1 is not a filter here
	{EV_ADD | EV_CLEAR | EV_DISPATCH, "EV_ADD|EV_CLEAR|EV_DISPATCH"},
	{EV_ERROR | Flags(0x10000), "EV_ERROR|0x10000"}, // 32-bit flags keep high bits
	{NoteTimer(2), "NOTE_USECONDS"},                 // 2 is microseconds on NetBSD
	{NOTE_NSECONDS, "NOTE_NSECONDS"},                // 3: a unit, not SECONDS|USECONDS
	{NOTE_MSECONDS, "0"},
	{NOTE_ABSTIME | NOTE_SECONDS, "NOTE_SECONDS|NOTE_ABSTIME"},
	{NOTE_CLOSE_WRITE | NOTE_READ, "NOTE_CLOSE_WRITE|NOTE_READ"},
	{O_CLOEXEC | O_NONBLOCK, "O_NONBLOCK|O_CLOEXEC"},
}

const filters = 10 // the EVFILT_* of NetBSD 10's sys/event.h
