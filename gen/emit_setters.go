package main

// Emitting views (typed accessors of union members at a byte offset) and
// setters (methods that fill a whole struct from typed arguments).

import (
	"fmt"
	"strings"
)

// renderView writes the getter and the setter of a view.
func renderView(st *Struct, v *View) string {
	var b strings.Builder
	at := fmt.Sprintf("unsafe.Add(unsafe.Pointer(s), %d)", v.Offset)
	doc := v.Doc
	if doc == "" {
		doc = "the member"
	}
	if v.array() {
		fmt.Fprintf(&b, "// %s points at %s (byte offset %d), to read or fill in place.\n", v.Name, doc, v.Offset)
		fmt.Fprintf(&b, "func (s *%s) %s() *%s { return (*%s)(%s) }\n\n", st.Name, v.Name, v.Type, v.Type, at)
		fmt.Fprintf(&b, "// Set%s sets %s (byte offset %d).\n", v.Name, doc, v.Offset)
		fmt.Fprintf(&b, "func (s *%s) Set%s(v %s) { *(*%s)(%s) = v }\n", st.Name, v.Name, v.Type, v.Type, at)
		return b.String()
	}
	fmt.Fprintf(&b, "// %s returns %s (byte offset %d).\n", v.Name, doc, v.Offset)
	if v.Halves {
		b.WriteString("// It is stored as two 16-bit halves, the low half first, on every byte order.\n")
		fmt.Fprintf(&b, "func (s *%s) %s() %s {\nh := (*[2]uint16)(%s)\nreturn %s(uint32(h[0]) | uint32(h[1])<<16)\n}\n\n", st.Name, v.Name, v.Type, at, v.Type)
		fmt.Fprintf(&b, "// Set%s sets %s (byte offset %d), as two 16-bit halves, the low half first.\n", v.Name, doc, v.Offset)
		fmt.Fprintf(&b, "func (s *%s) Set%s(v %s) {\n*(*[2]uint16)(%s) = [2]uint16{uint16(v), uint16(v >> 16)}\n}\n", st.Name, v.Name, v.Type, at)
		return b.String()
	}
	fmt.Fprintf(&b, "func (s *%s) %s() %s { return *(*%s)(%s) }\n\n", st.Name, v.Name, v.Type, v.Type, at)
	fmt.Fprintf(&b, "// Set%s sets %s (byte offset %d).\n", v.Name, doc, v.Offset)
	fmt.Fprintf(&b, "func (s *%s) Set%s(v %s) { *(*%s)(%s) = v }\n", st.Name, v.Name, v.Type, v.Type, at)
	return b.String()
}

// assign is the statement that stores value, of the member's type, in a
// field or view, or in one reached through struct fields (Sqe.Opcode).
func assign(field string, view *View, value string) string {
	if view != nil {
		i := strings.LastIndex(field, ".")
		return fmt.Sprintf("s.%sSet%s(%s)\n", field[:i+1], field[i+1:], value)
	}
	return fmt.Sprintf("s.%s = %s\n", field, value)
}

// conv converts x, of type from, to type to, unless they are the same.
func conv(to, from, x string) string {
	if to == from {
		return x
	}
	return to + "(" + x + ")"
}

// renderSetter writes a setter: zero the struct, then each assignment in
// spec order. A slice too long for its length field sets the struct's
// invalid field to all ones instead of truncating the length.
func (m *Model) renderSetter(s *Setter) string {
	st := s.Struct
	var b strings.Builder
	b.WriteString(docComment(s.Doc))
	var sig []string
	for _, p := range s.Params {
		sig = append(sig, p.Name+" "+p.Type)
	}
	fmt.Fprintf(&b, "func (s *%s) %s(%s) {\n*s = %s{}\n", st.Name, s.Name, strings.Join(sig, ", "), st.Name)
	for _, a := range s.Sets {
		switch a.Kind {
		case SetConst:
			from := ""
			if t, _ := m.constant(a.Text); t != nil {
				from = t.Name
			}
			b.WriteString(assign(a.Field, a.View, conv(a.Type, from, a.Text)))
		case SetValue:
			v := a.Param.Name
			if a.Or != "" {
				v += "|" + a.Or
			}
			b.WriteString(assign(a.Field, a.View, conv(a.Type, a.Param.Type, v)))
		case SetPointer:
			b.WriteString(assign(a.Field, a.View, "uint64(uintptr(unsafe.Pointer("+a.Param.Name+")))"))
			if a.Len != "" {
				b.WriteString(assign(a.Len, a.LenVw, a.LenTyp+"(unsafe.Sizeof(*"+a.Param.Name+"))"))
			}
		case SetSlice:
			p := a.Param.Name
			b.WriteString(assign(a.Field, a.View, "uint64(uintptr(unsafe.Pointer(unsafe.SliceData("+p+"))))"))
			b.WriteString(assign(a.Len, a.LenVw, a.LenTyp+"(len("+p+"))"))
			fmt.Fprintf(&b, "if uint64(%s(len(%s))) != uint64(len(%s)) {\ns.%s = ^%s(0)\n}\n", a.LenTyp, p, p, st.Invalid, st.field(st.Invalid))
		}
	}
	b.WriteString("}\n")
	return b.String()
}
