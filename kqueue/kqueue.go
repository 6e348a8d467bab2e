//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue

// Ident is what EV_SET takes as ident: a descriptor, a process id, a signal
// (unix.Signal), a timer's number or any other int, a uintptr, or a uint64.
// It is converted as C converts it to ident's uintptr_t.
type Ident interface {
	~int | ~uintptr | ~uint64
}

// EV_SET fills every field of *kev, as the C macro does: ident, filter,
// flags, fflags, data and udata, and zeroes the rest (FreeBSD's ext). ident
// and fflags go in as they are, without a conversion: a descriptor as the
// calls return it, a filter's Note value, or 0. udata is usually an integer
// token: see the package documentation.
func EV_SET[I Ident, N Note](kev *Kevent_t, ident I, filter Filter, flags Flags, fflags N, data int64, udata uintptr) {
	*kev = Kevent_t{Ident: uintptr(ident), Filter: filter, Flags: flags, Fflags: uint32(fflags), Data: data, Udata: udata}
}
