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

// Change returns a Kevent_t with ident, filter, flags, fflags, data and
// udata set and the rest zero: EV_SET's value form, for a change written in
// one expression, such as an append to a changelist:
//
//	changes = append(changes, kqueue.Change(fd, kqueue.EVFILT_READ, kqueue.EV_ADD|kqueue.EV_CLEAR, 0, 0, token))
//
// ident and fflags take the same types as EV_SET's, with no conversion. It
// allocates nothing.
func Change[I Ident, N Note](ident I, filter Filter, flags Flags, fflags N, data int64, udata uintptr) Kevent_t {
	return Kevent_t{Ident: uintptr(ident), Filter: filter, Flags: flags, Fflags: uint32(fflags), Data: data, Udata: udata}
}

// Fd returns Ident as the int the calls take: the descriptor of an
// EVFILT_READ, EVFILT_WRITE or EVFILT_VNODE event (for other filters Ident
// is a process id, a signal, a timer's number, or the caller's own value).
func (k *Kevent_t) Fd() int { return int(k.Ident) }
