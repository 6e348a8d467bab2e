package kqueue

// EV_SET64 fills every field of *kev, as the C macro does: ident, filter,
// flags, fflags, data, udata and the two extensions.
func EV_SET64(kev *Kevent64_s, ident uint64, filter Filter, flags Flags, fflags uint32, data int64, udata uint64, ext0, ext1 uint64) {
	*kev = Kevent64_s{Ident: ident, Filter: filter, Flags: flags, Fflags: fflags, Data: data, Udata: udata, Ext: [2]uint64{ext0, ext1}}
}
