package main

// Emitting named types, their constants, and structs with their
// compile-time layout assertions.

import (
	"fmt"
	"strings"
)

const namedImport = "github.com/eventq/eventq/internal/named"

// namedType declares the package's Named, the element of every value list.
// Its String helpers are in package internal/named, written once.
const namedType = `// Named is a named value of one of this package's types: its C name and value.
type Named[T any] struct {
	Name  string
	Value T
}
`

// lowerFirst makes the unexported name of a type's value table.
func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

func renderType(d *Type) string {
	var b strings.Builder
	b.WriteString(docComment(d.Doc))
	fmt.Fprintf(&b, "type %s %s\n\n", d.Name, d.Underlying)
	table := lowerFirst(d.Name) + "Names"
	if d.Flags {
		fmt.Fprintf(&b, "// String returns the C names of the bits set in v, joined by \"|\", followed\n"+
			"// by any bits without a name in hex; \"0\" if none is set.\n"+
			"func (v %s) String() string { return named.FormatFlags(v, %s) }\n\n", d.Name, table)
	} else {
		fmt.Fprintf(&b, "// String returns the C name of v, or %s(n) for a value without a name.\n"+
			"func (v %s) String() string { return named.FormatEnum(v, %q, %s) }\n\n", d.Name, d.Name, d.Name, table)
	}
	fmt.Fprintf(&b, "// %sValues returns every named value of %s, in spec order.\n"+
		"func %sValues() []Named[%s] { return slices.Clone(%s) }\n\n", d.Name, d.Name, d.Name, d.Name, table)
	fmt.Fprintf(&b, "var %s = []Named[%s]{\n", table, d.Name)
	for _, c := range d.Consts {
		fmt.Fprintf(&b, "{%q, %s},\n", c.Name, c.Name)
	}
	b.WriteString("}\n")
	return b.String()
}

func renderStruct(st *Struct, l *Layout) string {
	var b strings.Builder
	b.WriteString(docComment(st.Doc))
	if l.Doc != "" {
		fmt.Fprintf(&b, "//\n// Layout on this target: %s.\n", l.Doc)
	}
	fmt.Fprintf(&b, "type %s struct {\n", st.Name)
	for _, f := range l.Fields {
		fmt.Fprintf(&b, "%s %s%s\n", f.Name, f.Type, lineComment(f.Doc))
	}
	b.WriteString("}\n")
	return b.String()
}

// renderAsserts makes the compiler check a struct's size and offsets: an array
// type whose length is unsafe.Sizeof or unsafe.Offsetof is assignable to one of
// the spec's length only if the two are equal.
func renderAsserts(st *Struct, l *Layout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// The compiler checks the size and offsets of %s against the spec.\nvar (\n", st.Name)
	fmt.Fprintf(&b, "_ [%d]byte = [unsafe.Sizeof(%s{})]byte{}\n", l.Size, st.Name)
	for _, f := range l.Fields {
		if f.Name != "_" {
			fmt.Fprintf(&b, "_ [%d]byte = [unsafe.Offsetof(%s{}.%s)]byte{}\n", f.Offset, st.Name, f.Name)
		}
	}
	b.WriteString(")\n")
	return b.String()
}

func renderUnion(u *Union) string {
	return fmt.Sprintf("%stype %s interface {\n%s\n}\n", docComment(u.Doc), u.Name, strings.Join(u.Terms, " | "))
}
