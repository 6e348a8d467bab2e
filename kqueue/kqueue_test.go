//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestEV_SET sets every field to a distinct value, over a Kevent_t whose
// every byte was set, and checks each field and that nothing else survives.
// Besides the BSDs, gen's TestKqueueOnHost runs it on the host for the
// types of each system.
func TestEV_SET(t *testing.T) {
	var kev Kevent_t
	v := reflect.ValueOf(&kev).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.CanSet() && f.Kind() == reflect.Array {
			for j := 0; j < f.Len(); j++ {
				f.Index(j).SetUint(0xdead)
			}
		}
	}
	fflags := uint32(NOTE_TRIGGER | NOTE_FFOR | 5)
	EV_SET(&kev, 7, EVFILT_USER, EV_ADD|EV_CLEAR, fflags, -3, 0x1234)
	want := Kevent_t{Ident: 7, Filter: EVFILT_USER, Flags: EV_ADD | EV_CLEAR, Fflags: fflags, Data: -3, Udata: 0x1234}
	if kev != want {
		t.Errorf("EV_SET gave %+v; want %+v", kev, want)
	}
}

// Each named value's String reads back as the same value: a flag set as
// names and hex joined by "|", an enum as one name. Names are unique.
func TestValues(t *testing.T) {
	enumRoundTrip(t, FilterValues())
	flagsRoundTrip(t, FlagsValues())
	flagsRoundTrip(t, NoteUserValues())
	flagsRoundTrip(t, NoteRWValues())
	flagsRoundTrip(t, NoteVnodeValues())
	flagsRoundTrip(t, NoteProcValues())
}

func names[T comparable](t *testing.T, values []Named[T]) map[string]T {
	byName := map[string]T{}
	for _, n := range values {
		if _, dup := byName[n.Name]; dup {
			t.Errorf("%s is listed twice", n.Name)
		}
		byName[n.Name] = n.Value
	}
	return byName
}

func enumRoundTrip[T interface {
	comparable
	String() string
}](t *testing.T, values []Named[T]) {
	byName := names(t, values)
	for _, n := range values {
		if s := n.Value.String(); byName[s] != n.Value {
			t.Errorf("%s prints as %q", n.Name, s)
		}
	}
}

func flagsRoundTrip[T interface {
	~uint16 | ~uint32 | ~int32
	String() string
}](t *testing.T, values []Named[T]) {
	byName := names(t, values)
	for _, n := range values {
		s := n.Value.String()
		var got T
		for _, part := range strings.Split(s, "|") {
			if v, ok := byName[part]; ok {
				got |= v
			} else if u, err := strconv.ParseUint(part, 0, 32); err == nil {
				got |= T(u)
			} else {
				t.Errorf("%s prints as %q: %q is neither a name nor a number", n.Name, s, part)
			}
		}
		if got != n.Value {
			t.Errorf("%s (%#x) prints as %q, which reads back as %#x", n.Name, uint64(n.Value), s, uint64(got))
		}
	}
}
