package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"sort"
	"strings"
)

// An item is one piece of generated code rendered for one target. Items whose
// code is the same on every target go to a shared file; the rest go to the
// narrowest file that holds them (per GOOS, then per target).
type item struct {
	kind  string // the shared file it belongs to: "const", "types" or "syscall"
	key   string // unique; items are sorted by key within a file
	group string // consecutive items of one group share a const ( ... ) block
	code  string
}

// Generate renders the spec into Go files, keyed by file name.
func Generate(s *Spec) (map[string][]byte, error) {
	perTarget := map[string]map[Target]item{} // key -> target -> item
	for _, t := range s.Targets {
		items, err := s.items(t)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if perTarget[it.key] == nil {
				perTarget[it.key] = map[Target]item{}
			}
			perTarget[it.key][t] = it
		}
	}
	files := map[string][]item{}
	scopes := map[string][]Target{} // file name -> the targets it builds for
	for _, byTarget := range perTarget {
		for _, p := range s.place(byTarget) {
			name := p.fileName(s)
			files[name] = append(files[name], p.it)
			scopes[name] = p.targets
		}
	}
	d, err := s.describe()
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	jsonName := "zdesc_generated_" + strings.Join(s.goosList(), "_") + ".json"
	if out[jsonName], err = descJSON(d); err != nil {
		return nil, err
	}
	if s.Libc != "" {
		for _, t := range s.Targets {
			name := "zsyscall_generated_" + t.GOOS + "_" + t.GOARCH + ".s"
			if out[name], err = s.asmFile(t); err != nil {
				return nil, err
			}
		}
	}
	all := placement{it: item{kind: "desc"}}
	files[all.fileName(s)] = []item{{kind: "desc", key: "00", code: descGo(d, jsonName)}}
	scopes[all.fileName(s)] = s.Targets
	for name, items := range files {
		src, err := s.writeFile(scopes[name], items)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		out[name] = src
	}
	return out, nil
}

// placement is one item in one file, for the targets of that file.
type placement struct {
	it      item
	scope   string // "", a GOOS, or GOOS/GOARCH
	targets []Target
}

func (p placement) fileName(s *Spec) string {
	switch {
	case strings.Contains(p.scope, "/"):
		return "zarch_generated_" + strings.Replace(p.scope, "/", "_", 1) + ".go"
	case p.scope != "":
		return "z" + p.it.kind + "_generated_" + p.scope + ".go"
	case len(s.goosList()) == 1:
		return "z" + p.it.kind + "_generated_" + s.goosList()[0] + ".go"
	}
	return "z" + p.it.kind + "_generated.go"
}

// place decides where the renderings of one item go.
func (s *Spec) place(byTarget map[Target]item) []placement {
	if same(byTarget, s.Targets) {
		return []placement{{it: byTarget[s.Targets[0]], targets: s.Targets}}
	}
	var out []placement
	for _, goos := range s.goosList() {
		ts := s.targetsOf(goos)
		if len(s.goosList()) > 1 && same(byTarget, ts) {
			out = append(out, placement{it: byTarget[ts[0]], scope: goos, targets: ts})
			continue
		}
		for _, t := range ts {
			if it, ok := byTarget[t]; ok {
				out = append(out, placement{it: it, scope: t.String(), targets: []Target{t}})
			}
		}
	}
	return out
}

// same reports whether every target in ts has the item, with the same code.
func same(byTarget map[Target]item, ts []Target) bool {
	first, ok := byTarget[ts[0]]
	if !ok {
		return false
	}
	for _, t := range ts[1:] {
		if it, ok := byTarget[t]; !ok || it.code != first.code {
			return false
		}
	}
	return true
}

func (s *Spec) goosList() []string {
	var out []string
	for _, t := range s.Targets {
		if !slices.Contains(out, t.GOOS) {
			out = append(out, t.GOOS)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Spec) targetsOf(goos string) []Target {
	var out []Target
	for _, t := range s.Targets {
		if t.GOOS == goos {
			out = append(out, t)
		}
	}
	return out
}

// buildTag is the //go:build expression for a set of targets.
func buildTag(ts []Target) string {
	if len(ts) == 1 {
		return ts[0].GOOS + " && " + ts[0].GOARCH
	}
	var goos []string
	for _, t := range ts {
		if !slices.Contains(goos, t.GOOS) {
			goos = append(goos, t.GOOS)
		}
	}
	sort.Strings(goos)
	return strings.Join(goos, " || ")
}

func (s *Spec) writeFile(ts []Target, items []item) ([]byte, error) {
	sort.Slice(items, func(i, j int) bool { return items[i].key < items[j].key })
	var body bytes.Buffer
	for i, it := range items {
		prev, next := "", ""
		if i > 0 {
			prev = items[i-1].group
		}
		if i+1 < len(items) {
			next = items[i+1].group
		}
		if it.group != "" && it.group != prev {
			keyword := "const"
			if it.group == "dlls" || it.group == "procs" {
				keyword = "var"
			}
			fmt.Fprintf(&body, "\n%s\n%s (\n", groupComment(it.group), keyword)
		}
		body.WriteString(it.code)
		if it.group != "" && it.group != next {
			body.WriteString(")\n")
		}
		if it.group == "" {
			body.WriteString("\n")
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by gen from %s; DO NOT EDIT.\n", s.File)
	fmt.Fprintf(&b, "// Facts current as of %s.\n\n", s.AsOf)
	fmt.Fprintf(&b, "//go:build %s\n\npackage %s\n\n", buildTag(ts), s.Package)
	code := body.String()
	used, err := usedPackages(code)
	if err != nil {
		return nil, err
	}
	var imports []string
	for _, imp := range []string{"slices", "strconv", "syscall", "unsafe", descImport, "golang.org/x/sys/unix", "golang.org/x/sys/windows"} {
		if used[imp[strings.LastIndex(imp, "/")+1:]] {
			imports = append(imports, fmt.Sprintf("%q", imp))
		}
	}
	if len(imports) > 0 {
		fmt.Fprintf(&b, "import (\n%s\n)\n", strings.Join(imports, "\n"))
	}
	b.WriteString(code)
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%v\n%s", err, b.Bytes())
	}
	return src, nil
}

// usedPackages returns the names X of every selector X.Y in the code: the
// packages it uses, since the generated code has no local variable that
// shares a package's name.
func usedPackages(code string) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+code, 0)
	if err != nil {
		return nil, fmt.Errorf("%v\n%s", err, code)
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	return used, nil
}

func groupComment(group string) string {
	switch group {
	case "sysnum":
		return "// System call numbers."
	case "dlls":
		return "// The DLLs, loaded from System32 on first use."
	case "procs":
		return "// The DLL functions, looked up on first use."
	}
	return "// Values of " + group + "."
}

// items renders every item of the spec for target t.
func (s *Spec) items(t Target) ([]item, error) {
	var out []item
	if len(s.Types) > 0 {
		out = append(out, item{kind: "const", key: "00", code: helpers})
	}
	for i, d := range s.Types {
		out = append(out, item{kind: "const", key: fmt.Sprintf("01.%03d", i), code: renderType(d)})
		for j, c := range d.Consts {
			v, err := s.resolve(c.Value, t)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", c.Name, err)
			}
			if v == "" {
				return nil, fmt.Errorf("%s has no value on %s", c.Name, t)
			}
			out = append(out, item{kind: "const", key: fmt.Sprintf("02.%03d.%03d", i, j), group: d.Name,
				code: fmt.Sprintf("%s %s = %s%s\n", c.Name, d.Name, v, lineComment(c.Doc))})
		}
	}
	for i, st := range s.Structs {
		l, err := s.goLayout(st, t)
		if err != nil {
			return nil, err
		}
		out = append(out,
			item{kind: "types", key: fmt.Sprintf("03.%03d", i), code: renderStruct(st, l)},
			item{kind: "types", key: fmt.Sprintf("04.%03d", i), code: renderAsserts(st, l)})
	}
	sysnums := map[string]bool{}
	for _, n := range s.Sysnums {
		v, err := s.resolve(n.Value, t)
		if err != nil {
			return nil, fmt.Errorf("sysnum %s: %v", n.Name, err)
		}
		if v != "" {
			sysnums[n.Name] = true
			out = append(out, item{kind: "syscall", key: "05." + n.Name, group: "sysnum",
				code: fmt.Sprintf("%s = %s\n", sysConst(n.Name), v)})
		}
	}
	if s.Libc != "" {
		libc, err := s.libcItems()
		if err != nil {
			return nil, err
		}
		out = append(out, libc...)
	}
	if s.windows() {
		win, err := s.winItems()
		if err != nil {
			return nil, err
		}
		out = append(out, win...)
	}
	for _, c := range s.Calls {
		var code string
		var err error
		if c.DLL != "" {
			code, err = s.renderWinCall(c)
		} else {
			code, err = s.renderCall(c, sysnums)
		}
		if err != nil {
			return nil, fmt.Errorf("call %s on %s: %v", c.Name, t, err)
		}
		out = append(out, item{kind: "syscall", key: "06." + c.Name, code: code})
	}
	return out, nil
}

func lineComment(doc string) string {
	if doc == "" {
		return ""
	}
	return " // " + doc
}

func docComment(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString("//\n")
		} else {
			b.WriteString("// " + l + "\n")
		}
	}
	return b.String()
}

func sysConst(name string) string { return "sys_" + strings.ToUpper(name) }

// lowerFirst makes the unexported name of a type's value table.
func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

func renderType(d *TypeDecl) string {
	var b strings.Builder
	b.WriteString(docComment(d.Doc))
	fmt.Fprintf(&b, "type %s %s\n\n", d.Name, d.Underlying)
	table := lowerFirst(d.Name) + "Names"
	if d.Kind == "flags" {
		fmt.Fprintf(&b, "// String returns the C names of the bits set in v, joined by \"|\", followed\n"+
			"// by any bits without a name in hex; \"0\" if none is set.\n"+
			"func (v %s) String() string { return formatFlags(v, %s) }\n\n", d.Name, table)
	} else {
		fmt.Fprintf(&b, "// String returns the C name of v, or %s(n) for a value without a name.\n"+
			"func (v %s) String() string { return formatEnum(v, %q, %s) }\n\n", d.Name, d.Name, d.Name, table)
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

func renderStruct(st *StructDecl, l *goLayout) string {
	var b strings.Builder
	b.WriteString(docComment(st.Doc))
	fmt.Fprintf(&b, "type %s struct {\n", st.Name)
	for _, f := range l.fields {
		fmt.Fprintf(&b, "%s %s%s\n", f.Name, f.Type, lineComment(f.Doc))
	}
	b.WriteString("}\n")
	return b.String()
}

// renderAsserts makes the compiler check a struct's size and offsets: an array
// type whose length is unsafe.Sizeof or unsafe.Offsetof is assignable to one of
// the spec's length only if the two are equal.
func renderAsserts(st *StructDecl, l *goLayout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// The compiler checks the size and offsets of %s against the spec.\nvar (\n", st.Name)
	fmt.Fprintf(&b, "_ [%d]byte = [unsafe.Sizeof(%s{})]byte{}\n", l.size, st.Name)
	for _, f := range l.fields {
		if !f.pad {
			fmt.Fprintf(&b, "_ [%d]byte = [unsafe.Offsetof(%s{}.%s)]byte{}\n", f.Offset, st.Name, f.Name)
		}
	}
	b.WriteString(")\n")
	return b.String()
}

// helpers is the code every package with named types shares.
const helpers = `// Named is a named value of one of this package's types: its C name and value.
type Named[T any] struct {
	Name  string
	Value T
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~uintptr
}

// formatFlags names the bits of v, in table order, and shows the rest in hex.
func formatFlags[T integer](v T, table []Named[T]) string {
	var b []byte
	for _, n := range table {
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

// formatEnum names v, or shows it as typ(n).
func formatEnum[T integer](v T, typ string, table []Named[T]) string {
	for _, n := range table {
		if n.Value == v {
			return n.Name
		}
	}
	if v < 0 {
		return typ + "(" + strconv.FormatInt(int64(v), 10) + ")"
	}
	return typ + "(" + strconv.FormatUint(uint64(v), 10) + ")"
}
`
