//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestEV_SET fills a Kevent_t with a sentinel byte pattern, calls EV_SET
// with a distinct value for each argument, and checks every field: the six
// EV_SET takes hold their arguments, and every other field (FreeBSD's ext,
// darwin's none) is zero. A field EV_SET forgot would still hold the
// sentinel. Besides the BSDs, gen's TestKqueueOnHost runs it on the host
// for the types of each system.
func TestEV_SET(t *testing.T) {
	var kev Kevent_t
	// SAFETY: the slice covers exactly kev's bytes, and Kevent_t holds no pointers.
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&kev)), unsafe.Sizeof(kev))
	for i := range raw {
		raw[i] = 0xa5
	}
	fflags := NOTE_TRIGGER | NOTE_FFOR | 5 // a NoteUser: no conversion
	EV_SET(&kev, 7, EVFILT_USER, EV_ADD|EV_CLEAR, fflags, -3, 0x1234)
	want := map[string]uint64{
		"Ident":  7,
		"Filter": bits(reflect.ValueOf(EVFILT_USER)),
		"Flags":  uint64(EV_ADD | EV_CLEAR),
		"Fflags": uint64(fflags),
		"Data":   bits(reflect.ValueOf(int64(-3))),
		"Udata":  0x1234,
	}
	v := reflect.ValueOf(kev)
	for i := 0; i < v.NumField(); i++ {
		name, f := v.Type().Field(i).Name, v.Field(i)
		if name == "_" {
			continue
		}
		w, set := want[name]
		delete(want, name)
		if f.Kind() == reflect.Array {
			if set {
				t.Errorf("EV_SET's argument %s is an array field", name)
			}
			for j := 0; j < f.Len(); j++ {
				if got := bits(f.Index(j)); got != 0 {
					t.Errorf("%s[%d] = %#x after EV_SET; want 0", name, j, got)
				}
			}
			continue
		}
		got := bits(f)
		if !set {
			w = 0
		}
		if got != w {
			t.Errorf("%s = %#x after EV_SET; want %#x", name, got, w)
		}
	}
	for name := range want {
		t.Errorf("Kevent_t has no field %s", name)
	}
}

// Change is EV_SET's value form: the same bytes, every other field zero,
// in one expression with a descriptor and a Note as they come; Fd reads the
// descriptor back. gen's TestKqueueOnHost runs it for each system's types.
func TestChange(t *testing.T) {
	fd := 9
	var want Kevent_t
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&want)), unsafe.Sizeof(want))
	for i := range raw {
		raw[i] = 0xa5
	}
	EV_SET(&want, fd, EVFILT_USER, EV_ADD|EV_ONESHOT, NOTE_TRIGGER, 5, 0x77)
	changes := append([]Kevent_t(nil), Change(fd, EVFILT_USER, EV_ADD|EV_ONESHOT, NOTE_TRIGGER, 5, 0x77))
	if changes[0] != want {
		t.Fatalf("Change = %+v; EV_SET gives %+v", changes[0], want)
	}
	if got := changes[0].Fd(); got != fd {
		t.Fatalf("Fd() = %d; want %d", got, fd)
	}
	if n := testing.AllocsPerRun(100, func() { want = Change(fd, EVFILT_READ, EV_ADD, 0, 0, 1) }); n != 0 {
		t.Fatalf("Change allocates %v times; want 0", n)
	}
}

// bits returns an integer field's bits, sign-extended from a signed type.
func bits(v reflect.Value) uint64 {
	if v.CanInt() {
		return uint64(v.Int())
	}
	return v.Uint()
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
