//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue

// EV_SET fills every field of *kev, as the C macro does: ident, filter,
// flags, fflags, data and udata, and zeroes the rest (FreeBSD's ext). fflags
// takes the Note* value of the filter, converted to uint32. udata is usually
// an integer token: see the package documentation.
func EV_SET(kev *Kevent_t, ident uintptr, filter Filter, flags Flags, fflags uint32, data int64, udata uintptr) {
	*kev = Kevent_t{Ident: ident, Filter: filter, Flags: flags, Fflags: fflags, Data: data, Udata: udata}
}
