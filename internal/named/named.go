// Package named formats the values of the binding packages' named types. It
// is written once here, not generated into every package: each package
// declares its own Named[T] (a C name and a value) and a table of them per
// type, and its generated String methods call FormatFlags or FormatEnum
// with that table.
package named

import (
	"strconv"
	"unsafe"
)

// Integer is the underlying type of a named type.
type Integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~uintptr
}

// Entry is a package's Named[T]: every struct{Name string; Value T} type.
// A type parameter's fields cannot be selected, so the functions convert
// an entry to this struct first.
type Entry[T Integer] interface {
	~struct {
		Name  string
		Value T
	}
}

// FormatFlags names the bits of v, in table order, greedily (a name whose
// bits are all set takes them), and shows the bits left over in hex: "0"
// when v is 0 and no name has value 0.
func FormatFlags[T Integer, N Entry[T]](v T, table []N) string {
	var b []byte
	for _, e := range table {
		n := struct {
			Name  string
			Value T
		}(e)
		if n.Value != 0 && v&n.Value == n.Value {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = append(b, n.Name...)
			v &^= n.Value
		}
	}
	if v != 0 || len(b) == 0 {
		if len(b) > 0 {
			b = append(b, '|')
		}
		bits := uint64(v) & (1<<(8*unsafe.Sizeof(v)) - 1)
		if bits != 0 {
			b = append(b, "0x"...)
		}
		b = strconv.AppendUint(b, bits, 16)
	}
	return string(b)
}

// FormatEnum returns the name of v in table, or typ(n) when it has none.
func FormatEnum[T Integer, N Entry[T]](v T, typ string, table []N) string {
	for _, e := range table {
		n := struct {
			Name  string
			Value T
		}(e)
		if n.Value == v {
			return n.Name
		}
	}
	if v < 0 {
		return typ + "(" + strconv.FormatInt(int64(v), 10) + ")"
	}
	return typ + "(" + strconv.FormatUint(uint64(v), 10) + ")"
}
