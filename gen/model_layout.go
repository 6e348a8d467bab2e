package main

// Struct layouts in the model: each struct's C layout, chosen per target by
// its layout lines' keys, becomes Go fields with padding, checked against
// the offsets and size C gives.

import (
	"fmt"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// layoutSpec is one layout line and its field lines, before resolution.
type layoutSpec struct {
	node   *Node
	fields []*Node
	size   int64
}

func (b *builder) structDecl(n *Node) error {
	if err := b.blockHead(n, "struct NAME"); err != nil {
		return err
	}
	st := &Struct{Name: n.Words[1], Extern: strings.Contains(n.Words[1], ".")}
	if pkg, name, _ := strings.Cut(st.Name, "."); st.Extern && (!slices.ContainsFunc(b.m.importNames(), func(s string) bool { return s == pkg }) || !token.IsExported(name)) {
		return n.Pos.errorf("struct %s: a struct of another package is PKG.Name, PKG a package generated code imports", st.Name)
	}
	var star *layoutSpec
	var keyed []*layoutSpec
	var alts []alternative
	var later []*Node // view and invalid lines, read once the layouts are known
	for _, c := range n.Children {
		switch c.Keyword() {
		case "doc":
			if err := noChildren(c); err != nil {
				return err
			}
			st.Doc = append(st.Doc, c.Rest())
		case "layout":
			l, err := layoutLines(c)
			if err != nil {
				return err
			}
			keys := c.Words[1:]
			switch {
			case len(keys) == 1 && keys[0] == "*":
				if star != nil {
					return c.Pos.errorf("struct %s: a second layout *", st.Name)
				}
				star = l
			case len(keys) == 0 || strings.Contains(c.Rest(), "*"):
				return c.Pos.errorf("want: layout KEY... or layout * (the default) alone")
			default:
				keyed = append(keyed, l)
				alts = append(alts, alternative{keys: keys, pos: c.Pos})
			}
		case "view", "invalid":
			if st.Extern {
				return c.Pos.errorf("struct %s: %s lines need methods, which a struct of another package cannot have", st.Name, c.Keyword())
			}
			later = append(later, c)
		case "kind":
			later = append(later, c)
		default:
			return c.Pos.errorf("want doc, layout, view, invalid or kind in struct %s", st.Name)
		}
	}
	pick, err := b.choose(alts)
	if err != nil {
		return fmt.Errorf("%v (struct %s)", err, st.Name)
	}
	// Targets often share a layout block, but Go's sizes and alignments
	// depend on the target, so each target's Go layout is computed and
	// checked on its own.
	for i, t := range b.m.Targets {
		l := star
		if pick[i] >= 0 {
			l = keyed[pick[i]]
		}
		if l == nil {
			return n.Pos.errorf("struct %s: no layout for %s", st.Name, t)
		}
		gl, err := b.goLayout(st.Name, l, t)
		if err != nil {
			return err
		}
		st.Layouts = append(st.Layouts, gl)
	}
	if len(st.Doc) == 0 {
		return n.Pos.errorf("struct %s needs doc lines", st.Name)
	}
	if err := sameFields(st, n); err != nil {
		return err
	}
	for _, c := range later {
		var err error
		switch c.Keyword() {
		case "view":
			err = b.structView(st, c)
		case "invalid":
			err = b.structInvalid(st, c)
		}
		if err != nil {
			return err
		}
	}
	for _, c := range later { // once every view is known
		if c.Keyword() == "kind" {
			if err := b.structKind(st, c); err != nil {
				return err
			}
		}
	}
	b.m.Structs = append(b.m.Structs, st)
	return nil
}

// sameFields checks that every target's layout names the same fields,
// whatever their order, offsets and sizes: the description lists a
// struct's fields once, with each target's offsets and types.
func sameFields(st *Struct, n *Node) error {
	names := func(l *Layout) []string {
		var out []string
		for _, f := range l.Fields {
			if f.Name != "_" {
				out = append(out, f.Name)
			}
		}
		slices.Sort(out)
		return out
	}
	first := names(st.Layouts[0])
	for _, l := range st.Layouts[1:] {
		if !slices.Equal(names(l), first) {
			return n.Pos.errorf("struct %s: every layout must name the same fields (a field some targets lack is a byte array on the others)", st.Name)
		}
	}
	return nil
}

// structKind reads kind NAME KIND [ARGS]: what field or view NAME holds.
//
//	kind Fd fd any                 a descriptor of that kind
//	kind BufGroup resource buf_group  a kernel object other than a descriptor
//	kind Addr pointer in [TYPE]     an address the kernel reads (out: writes; inout: both)
//	kind Len len Addr bytes         the length of field Addr (count: in elements)
//	kind Resv zero                  must be zero
//	kind SqEntries range 1 32768    a number the kernel accepts from LO to HI
func (b *builder) structKind(st *Struct, c *Node) error {
	if err := noChildren(c); err != nil {
		return err
	}
	if err := noComment(c); err != nil {
		return err
	}
	w := c.Words
	if len(w) < 3 {
		return c.Pos.errorf("want: kind FIELD KIND [ARGS]")
	}
	name, kind, args := w[1], w[2], w[3:]
	typ := st.field(name)
	if v := st.view(name); v != nil {
		typ = v.Type
	}
	switch {
	case typ == "":
		return c.Pos.errorf("kind %s: struct %s has no field or view %s", name, st.Name, name)
	case st.Kinds[name] != nil:
		return c.Pos.errorf("kind %s: a second kind line for it", name)
	}
	integer := slices.Contains(predeclared, typ) || b.m.typeNamed(typ) != nil
	k := &FieldKind{Kind: kind}
	bad := func(want string) error { return c.Pos.errorf("kind %s %s: want %s", name, kind, want) }
	switch kind {
	case "fd", "resource":
		if len(args) != 1 || !integer {
			return bad("one word, the resource, on an integer field")
		}
		k.Resource = args[0]
	case "pointer":
		if len(args) < 1 || len(args) > 2 || !slices.Contains([]string{"in", "out", "inout"}, args[0]) || (typ != "uint64" && typ != "uintptr" && !strings.HasPrefix(typ, "*")) {
			return bad("in, out or inout and an optional type, on a uint64, uintptr or pointer field")
		}
		k.Dir = args[0]
		if len(args) == 2 {
			k.Type = args[1]
		}
	case "len":
		if len(args) != 2 || (args[1] != "count" && args[1] != "bytes") || !integer {
			return bad("the field it measures and count or bytes, on an integer field")
		}
		if st.field(args[0]) == "" && st.view(args[0]) == nil {
			return c.Pos.errorf("kind %s len %s: no such field or view", name, args[0])
		}
		k.Of, k.Unit = args[0], args[1]
	case "zero":
		if len(args) != 0 {
			return bad("no words")
		}
	case "range":
		if len(args) != 2 || !integer {
			return bad("LO HI, on an integer field")
		}
		lo, err1 := strconv.ParseInt(args[0], 0, 64)
		hi, err2 := strconv.ParseInt(args[1], 0, 64)
		if err1 != nil || err2 != nil || lo > hi {
			return bad("integers LO <= HI")
		}
		k.Min, k.Max = lo, hi
	case "flags", "enum":
		t := (*Type)(nil)
		if len(args) == 1 {
			t = b.m.typeNamed(args[0])
		}
		if t == nil || t.Kind() != kind || !slices.Contains(predeclared, typ) {
			return bad("a " + kind + " type of the spec, on a field of a Go integer type")
		}
		k.Type = args[0]
	default:
		return c.Pos.errorf("kind %s: unknown kind %q (fd, resource, pointer, len, zero, range, flags or enum)", name, kind)
	}
	if st.Kinds == nil {
		st.Kinds = map[string]*FieldKind{}
	}
	st.Kinds[name] = k
	return nil
}

// layoutLines reads a layout's field lines and its size line.
func layoutLines(n *Node) (*layoutSpec, error) {
	l := &layoutSpec{node: n, size: -1}
	for _, c := range n.Children {
		if err := noChildren(c); err != nil {
			return nil, err
		}
		if c.Keyword() == "size" {
			if err := noComment(c); err != nil {
				return nil, err
			}
			size, err := strconv.ParseInt(c.Rest(), 0, 64)
			if len(c.Words) != 2 || err != nil || l.size >= 0 {
				return nil, c.Pos.errorf("want one size N line, last")
			}
			l.size = size
			continue
		}
		if len(c.Words) != 3 || l.size >= 0 {
			return nil, c.Pos.errorf("want: FIELD TYPE OFFSET, before the size line")
		}
		if _, err := strconv.ParseInt(c.Words[2], 0, 64); err != nil {
			return nil, c.Pos.errorf("field %s: offset %q is not an integer", c.Words[0], c.Words[2])
		}
		l.fields = append(l.fields, c)
	}
	if l.size < 0 {
		return nil, n.Pos.errorf("layout without a size line")
	}
	return l, nil
}

// sizeAlign returns the size and alignment Go gives type expression typ on t.
func (b *builder) sizeAlign(typ string, t Target) (size, align int64, err error) {
	word := int64(4)
	if t.Is64() {
		word = 8
	}
	switch typ {
	case "int8", "uint8", "byte", "bool":
		return 1, 1, nil
	case "int16", "uint16":
		return 2, 2, nil
	case "int32", "uint32", "rune", "float32", "windows.NTStatus":
		return 4, 4, nil
	case "int64", "uint64", "float64":
		return 8, word, nil
	case "int", "uint", "uintptr", "windows.Handle":
		return word, word, nil
	}
	if strings.HasPrefix(typ, "*") {
		return word, word, nil
	}
	if rest, ok := strings.CutPrefix(typ, "["); ok {
		count, elem, ok := strings.Cut(rest, "]")
		n, err := strconv.ParseInt(count, 0, 64)
		if !ok || err != nil {
			return 0, 0, fmt.Errorf("array length in %q", typ)
		}
		es, ea, err := b.sizeAlign(elem, t)
		return n * es, ea, err
	}
	if d := b.m.typeNamed(typ); d != nil {
		return b.sizeAlign(d.Underlying, t)
	}
	for i, tt := range b.m.Targets {
		if tt == t {
			if st := b.m.structNamed(typ); st != nil {
				return st.Layouts[i].Size, st.Layouts[i].Align, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("unknown field type %q (a struct must be declared before it is used)", typ)
}

// goLayout turns a layout on t into Go fields, inserting padding where C's
// offsets are beyond Go's natural ones, and at the end up to C's size. A field that C places before Go
// would is an error: the spec must then use a byte array.
func (b *builder) goLayout(name string, l *layoutSpec, t Target) (*Layout, error) {
	out := &Layout{Doc: l.node.Comment, Align: 1}
	var off int64
	pad := func(n int64) {
		out.Fields = append(out.Fields, Field{Name: "_", Type: fmt.Sprintf("[%d]byte", n), Offset: off, Size: n})
		off += n
	}
	for _, f := range l.fields {
		fname, ftype := f.Words[0], f.Words[1]
		want, _ := strconv.ParseInt(f.Words[2], 0, 64)
		size, align, err := b.sizeAlign(ftype, t)
		if err != nil {
			return nil, f.Pos.errorf("struct %s: %v", name, err)
		}
		natural := (off + align - 1) / align * align
		if want < natural {
			return nil, f.Pos.errorf("struct %s on %s: field %s at offset %d, but Go places it at %d", name, t, fname, want, natural)
		}
		if want > natural {
			pad(want - off)
		}
		off = want
		out.Fields = append(out.Fields, Field{Name: fname, Type: ftype, Doc: f.Comment, Offset: off, Size: size})
		off += size
		out.Align = max(out.Align, align)
	}
	// Padding up to C's size is written out, not left to Go's rounding:
	// go/types before Go 1.22 leaves a struct's trailing padding out of its
	// Sizeof, so go vet of that Go would fail the size assertion.
	if off < l.size {
		pad(l.size - off)
	}
	out.Size = (off + out.Align - 1) / out.Align * out.Align
	if out.Size != l.size {
		return nil, l.node.Pos.errorf("struct %s on %s: Go size %d, spec size %d", name, t, out.Size, l.size)
	}
	return out, nil
}
