//go:build freebsd

package kqueue

import "testing"

func TestEV_SET(t *testing.T) {
	var kev Kevent_t
	for i := range kev.Ext {
		kev.Ext[i] = 0xdead
	}
	EV_SET(&kev, 7, EVFILT_USER, EV_ADD|EV_CLEAR, uint32(NOTE_TRIGGER|NOTE_FFOR|5), -3, 0x1234)
	want := Kevent_t{Ident: 7, Filter: EVFILT_USER, Flags: EV_ADD | EV_CLEAR,
		Fflags: uint32(NOTE_TRIGGER | NOTE_FFOR | 5), Data: -3, Udata: 0x1234}
	if kev != want {
		t.Errorf("EV_SET gave %+v; want %+v", kev, want)
	}
}
