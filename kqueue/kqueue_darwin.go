package kqueue

// EV_SET64 fills every field of *kev, as the C macro does: ident, filter,
// flags, fflags, data, udata and the two extensions. ident and fflags go in
// as EV_SET's do.
func EV_SET64[I Ident, N Note](kev *Kevent64_s, ident I, filter Filter, flags Flags, fflags N, data int64, udata uint64, ext0, ext1 uint64) {
	*kev = Kevent64_s{Ident: uint64(ident), Filter: filter, Flags: flags, Fflags: uint32(fflags), Data: data, Udata: udata, Ext: [2]uint64{ext0, ext1}}
}
