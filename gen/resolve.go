package main

import (
	"fmt"
	"strconv"
	"strings"
)

// matches reports whether selector key selects target t: "*", the target
// itself, its GOARCH, its GOOS, or a group that (recursively) contains one of these.
func (s *Spec) matches(key string, t Target) bool {
	switch key {
	case "*", t.String(), t.GOARCH, t.GOOS:
		return true
	}
	for _, k := range s.Groups[key] {
		if s.matches(k, t) {
			return true
		}
	}
	return false
}

// resolve returns v's value on t: the one matching override, or the default.
func (s *Spec) resolve(v Value, t Target) (string, error) {
	var found []Override
	for _, o := range v.Overrides {
		if s.matches(o.Key, t) {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 0:
		return v.Default, nil
	case 1:
		return found[0].Val, nil
	}
	return "", fmt.Errorf("%s: keys %s and %s both match", t, found[0].Key, found[1].Key)
}

// layoutFor picks the layout of st on t: the one whose keys name t, or the "*" one.
func (s *Spec) layoutFor(st *StructDecl, t Target) (*Layout, error) {
	var named, star []*Layout
	for _, l := range st.Layouts {
		for _, k := range l.Keys {
			if k == "*" {
				star = append(star, l)
			} else if s.matches(k, t) {
				named = append(named, l)
				break
			}
		}
	}
	switch {
	case len(named) == 1:
		return named[0], nil
	case len(named) > 1:
		return nil, fmt.Errorf("struct %s: two layouts match %s", st.Name, t)
	case len(star) == 1:
		return star[0], nil
	}
	return nil, fmt.Errorf("struct %s: no layout for %s", st.Name, t)
}

// is64 reports whether GOARCH has 8-byte pointers and 8-byte aligned 64-bit integers.
func is64(goarch string) bool {
	switch goarch {
	case "386", "arm", "mips", "mipsle":
		return false
	}
	return true
}

// sizeAlign returns the size and alignment Go gives type expression typ on t.
func (s *Spec) sizeAlign(typ string, t Target) (size, align int64, err error) {
	word := int64(4)
	if is64(t.GOARCH) {
		word = 8
	}
	switch typ {
	case "int8", "uint8", "byte", "bool":
		return 1, 1, nil
	case "int16", "uint16":
		return 2, 2, nil
	case "int32", "uint32", "rune", "float32":
		return 4, 4, nil
	case "int64", "uint64", "float64":
		return 8, word, nil
	case "int", "uint", "uintptr", "windows.Handle":
		return word, word, nil
	case "windows.NTStatus":
		return 4, 4, nil
	}
	if strings.HasPrefix(typ, "*") {
		return word, word, nil
	}
	if strings.HasPrefix(typ, "[") {
		end := strings.Index(typ, "]")
		n, err := strconv.ParseInt(typ[1:end], 0, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("array length in %q: %v", typ, err)
		}
		es, ea, err := s.sizeAlign(typ[end+1:], t)
		return n * es, ea, err
	}
	for _, d := range s.Types {
		if d.Name == typ {
			return s.sizeAlign(d.Underlying, t)
		}
	}
	for _, st := range s.Structs {
		if st.Name == typ {
			l, err := s.goLayout(st, t)
			if err != nil {
				return 0, 0, err
			}
			return l.size, l.align, nil
		}
	}
	return 0, 0, fmt.Errorf("unknown field type %q", typ)
}

// goField is a field of the Go struct, padding included.
type goField struct {
	Name, Type, Doc string
	Offset          int64
	pad             bool
}

type goLayout struct {
	fields      []goField
	size, align int64
}

// goLayout turns st's spec layout on t into Go fields, inserting padding where
// C's offsets are beyond Go's natural ones. A field that C places before Go
// would is an error: the spec must then use a byte array.
func (s *Spec) goLayout(st *StructDecl, t Target) (*goLayout, error) {
	l, err := s.layoutFor(st, t)
	if err != nil {
		return nil, err
	}
	out := &goLayout{align: 1}
	var off int64
	pad := func(n int64) {
		out.fields = append(out.fields, goField{Name: "_", Type: fmt.Sprintf("[%d]byte", n), Offset: off, pad: true})
		off += n
	}
	for _, f := range l.Fields {
		size, align, err := s.sizeAlign(f.Type, t)
		if err != nil {
			return nil, fmt.Errorf("struct %s: %v", st.Name, err)
		}
		natural := (off + align - 1) / align * align
		if f.Offset < natural {
			return nil, fmt.Errorf("struct %s on %s: field %s at offset %d, but Go places it at %d", st.Name, t, f.Name, f.Offset, natural)
		}
		if f.Offset > natural {
			pad(f.Offset - off)
		}
		off = f.Offset
		out.fields = append(out.fields, goField{Name: f.Name, Type: f.Type, Doc: f.Doc, Offset: off})
		off += size
		out.align = max(out.align, align)
	}
	if round := (off + out.align - 1) / out.align * out.align; round < l.Size {
		pad(l.Size - off)
	}
	out.size = (off + out.align - 1) / out.align * out.align
	if out.size != l.Size {
		return nil, fmt.Errorf("struct %s on %s: Go size %d, spec size %d", st.Name, t, out.size, l.Size)
	}
	return out, nil
}
