package main

// Views and setters in the model. A view is a typed accessor of one member
// of a C union inside a struct, at its byte offset; a setter is a method that
// fills a whole struct from typed arguments (io_uring's SQE preparation:
// which fields an opcode uses, and with what type).

import (
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// View is a typed accessor pair, NAME and SetNAME, of the bytes at Offset of
// a struct: a member of a C union that the struct's fields do not name.
type View struct {
	Name, Type, Doc string
	Offset, Size    int64
	// Halves: a 32-bit value stored as two 16-bit halves, low half first in
	// memory, whatever the byte order (io_uring's poll32_events, which a
	// big-endian kernel reads word-swapped).
	Halves bool
}

// array reports whether the view is an array, [N]T: its getter returns a
// pointer to the bytes in the struct, to fill in place.
func (v *View) array() bool { return strings.HasPrefix(v.Type, "[") }

// elem is the view's type, or its element type for an array.
func (v *View) elem() string {
	if _, t, ok := strings.Cut(v.Type, "]"); ok && v.array() {
		return t
	}
	return v.Type
}

// Setter is a method of a struct that zeroes it and then assigns its fields.
type Setter struct {
	Pos    Pos
	Struct *Struct
	Name   string
	Doc    []string
	Params []*Param
	Sets   []Set
	// Makes is the resource the request makes, for the description:
	// "fd" (a descriptor, its completion's res) or a resource that field
	// MakesField names (IORING_OP_PROVIDE_BUFFERS's buffer group).
	Makes, MakesField string
}

// SetKind is how a setter assigns one field or view.
type SetKind int

const (
	SetConst   SetKind = iota // a constant or integer literal: Text
	SetValue                  // Param, converted to the field's type
	SetSlice                  // the address of Param's first element; Len gets its length
	SetPointer                // the address Param holds
)

// Set is one assignment of a setter.
type Set struct {
	Kind   SetKind
	Field  string // a field or view of the struct
	Type   string // the field's or view's type
	View   *View  // when Field is a view
	Param  *Param
	Text   string
	Len    string // SetSlice: the field or view that takes the length; SetPointer: the pointee's size
	LenTyp string
	LenVw  *View
	Or     string // SetValue: a constant always ORed in
}

// structView parses a view line of a struct: view NAME TYPE OFFSET [halves].
// TYPE is a spec type, a Go integer type, or an array [N]T of one.
func (b *builder) structView(st *Struct, c *Node) error {
	if err := noChildren(c); err != nil {
		return err
	}
	w := c.Words
	if len(w) < 4 || len(w) > 5 || (len(w) == 5 && w[4] != "halves") {
		return c.Pos.errorf("want: view NAME TYPE OFFSET [halves]")
	}
	v := &View{Name: w[1], Type: w[2], Doc: c.Comment, Halves: len(w) == 5}
	off, err := strconv.ParseInt(w[3], 0, 64)
	if err != nil || off < 0 {
		return c.Pos.errorf("view %s: offset %q is not an integer", v.Name, w[3])
	}
	v.Offset = off
	if st.field(v.Name) != "" || st.field("Set"+v.Name) != "" || st.view(v.Name) != nil {
		return c.Pos.errorf("view %s: %s already names a field or view of %s", v.Name, v.Name, st.Name)
	}
	for i, t := range b.m.Targets {
		size, align, err := b.sizeAlign(v.Type, t)
		switch {
		case err != nil:
			return c.Pos.errorf("view %s: %v", v.Name, err)
		case b.m.typeNamed(v.elem()) == nil && !slices.Contains(predeclared, v.elem()):
			return c.Pos.errorf("view %s: %s is neither a spec type nor a Go integer type, nor an array of one", v.Name, v.Type)
		case v.Halves && v.array():
			return c.Pos.errorf("view %s: halves needs a 32-bit type, not an array", v.Name)
		case off%align != 0 || off+size > st.Layouts[i].Size:
			return c.Pos.errorf("view %s: a %s at offset %d is misaligned or past the end of %s on %s", v.Name, v.Type, off, st.Name, t)
		case v.Halves && size != 4:
			return c.Pos.errorf("view %s: halves needs a 32-bit type", v.Name)
		}
		v.Size = size
	}
	st.Views = append(st.Views, v)
	return nil
}

// field is the type of a struct's field, the same on every target, or "".
func (st *Struct) field(name string) string {
	for _, f := range st.Layouts[0].Fields {
		if f.Name == name {
			return f.Type
		}
	}
	return ""
}

func (st *Struct) view(name string) *View {
	for _, v := range st.Views {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// member is the type of a field or view of st, and the view if it is one.
func (st *Struct) member(name string) (string, *View) {
	if v := st.view(name); v != nil {
		return v.Type, v
	}
	if name == "_" {
		return "", nil
	}
	for _, l := range st.Layouts {
		if !slices.ContainsFunc(l.Fields, func(f Field) bool { return f.Name == name }) {
			return "", nil
		}
	}
	return st.field(name), nil
}

// memberPath is member for a path through struct fields: "Sqe.Opcode" is
// the Opcode field or view of the struct-typed field Sqe of st.
func (m *Model) memberPath(st *Struct, path string) (string, *View) {
	head, rest, ok := strings.Cut(path, ".")
	if !ok {
		return st.member(path)
	}
	typ, view := st.member(head)
	inner := m.structNamed(typ)
	if view != nil || inner == nil {
		return "", nil
	}
	return m.memberPath(inner, rest)
}

// setter parses a setter block:
//
//	setter STRUCT METHOD
//		doc TEXT
//		FIELD = VALUE            a constant or an integer
//		FIELD PARAM TYPE         a parameter, converted to the field's type
//		FIELD PARAM TYPE | CONST a parameter with a constant always ORed in
//		FIELD PARAM []T LENFIELD a slice: its address, and its length in LENFIELD
//		FIELD PARAM *T [LENFIELD] a pointer: the address it holds [and its pointee's size]
//		makes RESOURCE [FIELD]    for the description: the request makes a
//		                          descriptor ("fd", its completion's res) or
//		                          the resource that FIELD names
//
// A FIELD (and a LENFIELD) may be a path through struct-typed fields:
// Sqe.Opcode sets the Opcode of the struct's field Sqe.
func (b *builder) setter(n *Node) error {
	if err := noComment(n); err != nil {
		return err
	}
	if len(n.Words) != 3 {
		return n.Pos.errorf("want: setter STRUCT METHOD")
	}
	st := b.m.structNamed(n.Words[1])
	if st == nil {
		return n.Pos.errorf("setter %s: %s is not a struct of the spec", n.Words[2], n.Words[1])
	}
	s := &Setter{Pos: n.Pos, Struct: st, Name: n.Words[2]}
	if slices.ContainsFunc(b.m.Setters, func(x *Setter) bool { return x.Struct == st && x.Name == s.Name }) ||
		st.field(s.Name) != "" || st.view(s.Name) != nil || strings.HasPrefix(s.Name, "Set") && st.view(s.Name[3:]) != nil {
		return n.Pos.errorf("setter %s: %s.%s is already declared", s.Name, st.Name, s.Name)
	}
	set := map[string]bool{}
	claim := func(c *Node, field string) error {
		if set[field] {
			return c.Pos.errorf("setter %s: %s assigned twice", s.Name, field)
		}
		set[field] = true
		return nil
	}
	for _, c := range n.Children {
		if err := noChildren(c); err != nil {
			return err
		}
		w := c.Words
		if w[0] == "doc" {
			s.Doc = append(s.Doc, c.Rest())
			continue
		}
		if err := noComment(c); err != nil {
			return err
		}
		if w[0] == "makes" {
			if len(w) < 2 || len(w) > 3 || s.Makes != "" {
				return c.Pos.errorf("setter %s: want one makes RESOURCE [FIELD]", s.Name)
			}
			s.Makes = w[1]
			if len(w) == 3 {
				if typ, _ := b.m.memberPath(st, w[2]); typ == "" {
					return c.Pos.errorf("setter %s: makes %s %s: not a field or view of %s", s.Name, w[1], w[2], st.Name)
				}
				s.MakesField = w[2]
			}
			continue
		}
		typ, view := b.m.memberPath(st, w[0])
		if typ == "" {
			return c.Pos.errorf("setter %s: %s is not a field or view of %s", s.Name, w[0], st.Name)
		}
		if err := claim(c, w[0]); err != nil {
			return err
		}
		a := Set{Field: w[0], Type: typ, View: view}
		switch {
		case len(w) == 3 && w[1] == "=":
			a.Kind, a.Text = SetConst, w[2]
			if k, _ := b.m.constant(w[2]); k == nil {
				if _, err := parseInt(w[2]); err != nil {
					return c.Pos.errorf("setter %s: %s = %s: not a constant of the spec or an integer", s.Name, w[0], w[2])
				}
			}
		case len(w) == 3 || len(w) == 4 || len(w) == 5 && w[3] == "|":
			p := &Param{Name: w[1], Type: w[2]}
			if e, err := parseExpr(p.Type); err != nil || !validType(e) {
				return c.Pos.errorf("setter %s: %q is not a Go type", s.Name, p.Type)
			}
			if slices.ContainsFunc(s.Params, func(q *Param) bool { return q.Name == p.Name }) {
				return c.Pos.errorf("setter %s: parameter %s named twice", s.Name, p.Name)
			}
			a.Param = p
			switch {
			case len(w) == 5:
				a.Kind, a.Or = SetValue, w[4]
				if k, _ := b.m.constant(a.Or); k == nil || k.Name != p.Type {
					return c.Pos.errorf("setter %s: | %s: not a constant of %s's type", s.Name, a.Or, p.Name)
				}
			case (p.slice() || p.pointer()) && len(w) == 4:
				a.Kind, a.Len = SetSlice, w[3]
				if p.pointer() {
					a.Kind = SetPointer
				}
				if a.LenTyp, a.LenVw = b.m.memberPath(st, a.Len); a.LenTyp == "" || !isUnsigned(b.m, a.LenTyp) {
					return c.Pos.errorf("setter %s: %s is not an unsigned field or view of %s to take the length", s.Name, a.Len, st.Name)
				}
				if err := claim(c, a.Len); err != nil {
					return err
				}
			case len(w) == 4:
				return c.Pos.errorf("setter %s: only a slice or a pointer takes a length field", s.Name)
			case p.slice():
				return c.Pos.errorf("setter %s: slice %s needs the field that takes its length: %s %s %s LENFIELD", s.Name, p.Name, w[0], w[1], w[2])
			case p.pointer():
				a.Kind = SetPointer
			default:
				a.Kind = SetValue
			}
			if (a.Kind == SetSlice || a.Kind == SetPointer) && typ != "uint64" {
				return c.Pos.errorf("setter %s: an address goes to a uint64 field, and %s is a %s", s.Name, w[0], typ)
			}
			s.Params = append(s.Params, p)
		default:
			return c.Pos.errorf("setter %s: want FIELD = VALUE, FIELD PARAM TYPE, or FIELD PARAM []T LENFIELD", s.Name)
		}
		s.Sets = append(s.Sets, a)
	}
	if len(s.Doc) == 0 {
		return n.Pos.errorf("setter %s needs doc lines", s.Name)
	}
	if slices.ContainsFunc(s.Sets, func(a Set) bool { return a.Kind == SetSlice }) && st.Invalid == "" {
		return n.Pos.errorf("setter %s takes a slice, so struct %s needs an invalid line: the field that marks a slice too long for its length field", s.Name, st.Name)
	}
	b.m.Setters = append(b.m.Setters, s)
	return nil
}

// validType reports whether e is a type expression a setter may take.
func validType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return true
	case *ast.SelectorExpr:
		_, ok := e.X.(*ast.Ident)
		return ok
	case *ast.StarExpr:
		return validType(e.X)
	case *ast.ArrayType:
		if l, ok := e.Len.(*ast.BasicLit); e.Len != nil && !ok || ok && l.Kind != token.INT {
			return false
		}
		return validType(e.Elt)
	}
	return false
}

func isUnsigned(m *Model, typ string) bool {
	if t := m.typeNamed(typ); t != nil {
		typ = t.Underlying
	}
	return strings.HasPrefix(typ, "uint")
}

// structInvalid parses a struct's invalid line: invalid FIELD, the field a
// setter sets to all ones when a slice is too long for its length field.
func (b *builder) structInvalid(st *Struct, c *Node) error {
	if err := noChildren(c); err != nil {
		return err
	}
	if err := noComment(c); err != nil {
		return err
	}
	if len(c.Words) != 2 || st.Invalid != "" {
		return c.Pos.errorf("want one line: invalid FIELD")
	}
	typ, view := st.member(c.Words[1])
	if typ == "" || view != nil || !isUnsigned(b.m, typ) {
		return c.Pos.errorf("invalid %s: not an unsigned field of %s", c.Words[1], st.Name)
	}
	st.Invalid = c.Words[1]
	return nil
}
