package main

// Stage 3, the emitters: pure functions from the model to file contents.
// They cannot fail on a model that Build returned: every check of the spec
// was made there. Code is rendered once per target as items; an item that is
// the same on every target goes to a shared file, the rest to the narrowest
// file that holds it (per GOOS, then per target).

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

// An item is one piece of generated code rendered for one target.
type item struct {
	kind  string // the shared file it belongs to: "const", "types" or "syscall"
	key   string // unique; items are sorted by key within a file
	group string // consecutive items of one group share a const ( ... ) or var ( ... ) block
	code  string
}

// Emit renders the model into files, keyed by file name.
func Emit(m *Model) map[string][]byte {
	perKey := map[string][]item{} // key -> the item on each target, by target index
	var keys []string
	for i := range m.Targets {
		for _, it := range m.items(i) {
			if perKey[it.key] == nil {
				perKey[it.key] = make([]item, len(m.Targets))
				keys = append(keys, it.key)
			}
			perKey[it.key][i] = it
		}
	}
	files := map[string][]item{}
	scopes := map[string][]Target{} // file name -> the targets it builds for
	for _, key := range keys {
		for _, p := range m.place(perKey[key]) {
			name := p.fileName(m)
			files[name] = append(files[name], p.it)
			scopes[name] = p.targets
		}
	}
	out := map[string][]byte{}
	jsonName := "zdesc_generated_" + strings.Join(m.goosList(), "_") + ".json"
	d := m.describe()
	out[jsonName] = descJSON(d)
	if m.Libc != "" {
		for _, t := range m.Targets {
			out["zsyscall_generated_"+t.GOOS+"_"+t.GOARCH+".s"] = m.asmFile(t)
		}
	}
	all := placement{it: item{kind: "desc"}}
	files[all.fileName(m)] = append(files[all.fileName(m)], item{kind: "desc", key: "00", code: descGo(d, jsonName)})
	scopes[all.fileName(m)] = m.Targets
	for name, items := range files {
		out[name] = m.goFile(scopes[name], items)
	}
	return out
}

// items renders every item of the model for target i.
func (m *Model) items(i int) []item {
	var out []item
	for j, d := range m.Types {
		out = append(out, item{kind: "const", key: fmt.Sprintf("01.%03d", j), code: renderType(d)})
		for k, c := range d.Consts {
			out = append(out, item{kind: "const", key: fmt.Sprintf("02.%03d.%03d", j, k), group: d.Name,
				code: fmt.Sprintf("%s %s = %s%s\n", c.Name, d.Name, c.Text[i], lineComment(constDoc(c)))})
		}
	}
	if len(m.Types) > 0 {
		out = append(out, item{kind: "const", key: "00", code: namedType})
	}
	for j, st := range m.Structs {
		if !st.Extern {
			out = append(out, item{kind: "types", key: fmt.Sprintf("03.%03d", j), code: renderStruct(st, st.Layouts[i])})
		}
		out = append(out, item{kind: "types", key: fmt.Sprintf("04.%03d", j), code: renderAsserts(st, st.Layouts[i])})
	}
	for j, st := range m.Structs {
		for k, v := range st.Views {
			out = append(out, item{kind: "types", key: fmt.Sprintf("03.%03d.v%03d", j, k), code: renderView(st, v)})
		}
	}
	for j, st := range m.Structs {
		out = append(out, item{kind: "desc", key: fmt.Sprintf("08.%03d", j), code: m.structDescGo(st, i)})
	}
	for j, s := range m.Setters {
		out = append(out, item{kind: "setters", key: fmt.Sprintf("07.%03d", j), code: m.renderSetter(s)})
	}
	for j, u := range m.Unions {
		out = append(out, item{kind: "types", key: fmt.Sprintf("03.u%03d", j), code: renderUnion(u)})
	}
	for _, n := range m.Sysnums {
		if n.Has(i) {
			out = append(out, item{kind: "syscall", key: "05." + n.Name, group: "sysnum",
				code: fmt.Sprintf("%s = %s%s\n", sysConst(n.Name), n.Nums[i], lineComment(n.Doc))})
		}
	}
	switch {
	case m.Libc != "":
		out = append(out, m.libcItems()...)
	case m.Windows():
		out = append(out, m.winItems()...)
	}
	for _, c := range m.Calls {
		code := m.renderCall(c)
		if c.DLL != "" {
			code = m.renderWinCall(c)
		}
		out = append(out, item{kind: "syscall", key: "06." + c.Name, code: code})
	}
	return out
}

// placement is one item in one file, for the targets of that file.
type placement struct {
	it      item
	scope   string // "", a GOOS, or GOOS/GOARCH
	targets []Target
}

func (p placement) fileName(m *Model) string {
	switch {
	case strings.Contains(p.scope, "/"):
		return "zarch_generated_" + strings.Replace(p.scope, "/", "_", 1) + ".go"
	case p.scope != "":
		return "z" + p.it.kind + "_generated_" + p.scope + ".go"
	case len(m.goosList()) == 1:
		return "z" + p.it.kind + "_generated_" + m.goosList()[0] + ".go"
	}
	return "z" + p.it.kind + "_generated.go"
}

// place decides where the renderings of one item go: byTarget holds it per
// target index (a zero item where a target lacks it).
func (m *Model) place(byTarget []item) []placement {
	all := make([]int, len(m.Targets))
	for i := range all {
		all[i] = i
	}
	if same(byTarget, all) {
		return []placement{{it: byTarget[0], targets: m.Targets}}
	}
	var out []placement
	for _, goos := range m.goosList() {
		idx := m.indexesOf(goos)
		if len(m.goosList()) > 1 && same(byTarget, idx) {
			out = append(out, placement{it: byTarget[idx[0]], scope: goos, targets: m.pick(idx)})
			continue
		}
		for _, i := range idx {
			if byTarget[i].key != "" {
				out = append(out, placement{it: byTarget[i], scope: m.Targets[i].String(), targets: []Target{m.Targets[i]}})
			}
		}
	}
	return out
}

// same reports whether every target in idx has the item, with the same code.
func same(byTarget []item, idx []int) bool {
	first := byTarget[idx[0]]
	if first.key == "" {
		return false
	}
	for _, i := range idx[1:] {
		if byTarget[i].key == "" || byTarget[i].code != first.code {
			return false
		}
	}
	return true
}

func (m *Model) pick(idx []int) []Target {
	var out []Target
	for _, i := range idx {
		out = append(out, m.Targets[i])
	}
	return out
}

func (m *Model) goosList() []string {
	var out []string
	for _, t := range m.Targets {
		if !slices.Contains(out, t.GOOS) {
			out = append(out, t.GOOS)
		}
	}
	sort.Strings(out)
	return out
}

func (m *Model) indexesOf(goos string) []int {
	var out []int
	for i, t := range m.Targets {
		if t.GOOS == goos {
			out = append(out, i)
		}
	}
	return out
}

// buildTag is the //go:build expression for a set of targets. A GOOS that
// another system of the table also satisfies (solaris, by illumos) excludes
// that system unless the set holds it too.
func (m *Model) buildTag(ts []Target) string {
	var goos []string
	for _, t := range ts {
		if !slices.Contains(goos, t.GOOS) {
			goos = append(goos, t.GOOS)
		}
	}
	sort.Strings(goos)
	var terms []string
	for _, g := range goos {
		terms = append(terms, m.Table.Term(g, goos))
	}
	if len(ts) == 1 {
		return strings.Trim(terms[0], "()") + " && " + ts[0].GOARCH
	}
	return strings.Join(terms, " || ")
}

// header is the first lines of every generated file.
func (m *Model) header(ts []Target) string {
	return fmt.Sprintf("// Code generated by gen from %s; DO NOT EDIT.\n// Facts current as of %s.\n\n//go:build %s\n\n",
		m.Spec, m.AsOf, m.buildTag(ts))
}

// imports are the packages generated code may use, in import order.
var imports = []string{"slices", "syscall", "unsafe", descImport, namedImport, "golang.org/x/sys/unix", "golang.org/x/sys/windows"}

// goFile assembles a Go file from its items and formats it. The code is
// the generator's own: a failure to parse or format it is a bug in the
// generator, not in the spec, and panics.
func (m *Model) goFile(ts []Target, items []item) []byte {
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
	b.WriteString(m.header(ts))
	fmt.Fprintf(&b, "package %s\n\n", m.Package)
	code := body.String()
	used := usedPackages(code)
	var imps []string
	for _, imp := range append(slices.Clone(imports), m.Imports...) {
		if used[imp[strings.LastIndex(imp, "/")+1:]] {
			imps = append(imps, fmt.Sprintf("%q", imp))
		}
	}
	if len(imps) > 0 {
		fmt.Fprintf(&b, "import (\n%s\n)\n", strings.Join(imps, "\n"))
	}
	b.WriteString(code)
	src, err := format.Source(b.Bytes())
	if err != nil {
		panic(fmt.Sprintf("gen made Go it cannot format: %v\n%s", err, b.Bytes()))
	}
	return src
}

// usedPackages returns the names X of every selector X.Y in the code: the
// packages it uses, since the generated code has no local variable that
// shares a package's name.
func usedPackages(code string) map[string]bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+code, 0)
	if err != nil {
		panic(fmt.Sprintf("gen made Go it cannot parse: %v\n%s", err, code))
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
	return used
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

// constDoc is a constant's comment, with the release that added it.
func constDoc(c *Const) string {
	switch {
	case c.Since == "":
		return c.Doc
	case c.Doc == "":
		return "since " + c.Since
	}
	return c.Doc + " (since " + c.Since + ")"
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
