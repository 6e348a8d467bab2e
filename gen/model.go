package main

// Stage 2, the model: what the spec means. Build turns the spec's tree into
// typed values: every constant, layout and system call number resolved for
// every target, every call's signature, kernel entry, arguments, blocking
// rule and result parsed once. Every check of the spec's meaning is made
// here, with the file:line it is about, before anything is written; the
// emitters (emit*.go) read the model and cannot fail.

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/eventq/eventq/internal/targets"
)

// Target is one GOOS/GOARCH of the module's table.
type Target = targets.Target

// Model is one spec's package, resolved for each of its targets. Per-target
// facts are slices indexed like Targets.
type Model struct {
	Spec    string // the spec's path from the module root, named in every header
	Package string
	AsOf    string
	ManURL  string // man page address, with {page} and {section} to fill in
	Libc    string // the C library every call goes through; "" for system calls
	// LibcABI is how the runtime enters a C function: "trampoline"
	// (darwin, OpenBSD: syscall.syscall6 given the address of an assembly
	// trampoline that jumps to it) or "sysvicall6" (Solaris, illumos:
	// syscall.sysvicall6 given the address of a variable the dynamic
	// linker fills with the function's, and the argument count).
	LibcABI string
	// Releases names the system whose releases constants' since=
	// values count ("Linux"); "" when no constant has one.
	Releases string
	HotErrs  []string // Windows: errors of package windows returned without allocating
	Targets  []Target
	Table    targets.Table // the module's targets, of which Targets are the spec's
	Types    []*Type
	Structs  []*Struct
	Unions   []*Union
	Sysnums  []*Sysnum
	Calls    []*Call
	Setters  []*Setter
	Imports  []string // packages the generated code uses besides the usual ones
}

// Union is a type constraint: the types one parameter of a generic helper
// accepts (kqueue's EV_SET takes any of a system's note types as fflags).
type Union struct {
	Name  string
	Doc   []string
	Terms []string // spec types and predeclared integer types
}

// Windows reports whether the calls are Windows DLL calls.
func (m *Model) Windows() bool { return len(m.Calls) > 0 && m.Calls[0].DLL != "" }

// Type is a named flag or enum type and its constants.
type Type struct {
	Name       string
	Underlying string // int8 ... uint64
	Flags      bool   // a bit set; otherwise an enum
	Doc        []string
	Consts     []*Const
}

// Kind is "flags" or "enum".
func (t *Type) Kind() string {
	if t.Flags {
		return "flags"
	}
	return "enum"
}

// Const is one named value of a Type.
type Const struct {
	Name   string
	Doc    string
	Since  string   // the release that added it, such as "Linux 6.9"; "" if the spec does not say
	Text   []string // the literal as the spec writes it, per target
	Values []int64  // its value, per target
}

// Struct is a struct whose layout is given per target.
type Struct struct {
	Name    string
	Doc     []string
	Layouts []*Layout // per target
	Views   []*View
	Invalid string // the field a setter sets to all ones for a slice too long for its length field
	// Extern: a struct another package declares (unix.Iovec), named with
	// its package: no type is generated, only the compile-time checks of
	// its layout and its description.
	Extern bool
	// Kinds say what some fields and views hold, for the description:
	// what a fuzzer cannot tell from the Go type alone.
	Kinds map[string]*FieldKind
}

// FieldKind is what a struct's field or view holds (a kind line): a
// descriptor or other kernel resource, an address, the length of another
// field, a value that must be zero, or a bounded number.
type FieldKind struct {
	Kind     string // "fd", "resource", "pointer", "len", "zero", "range", "flags" or "enum"
	Resource string // fd: the descriptor's kind ("any" for any); resource: its name
	Dir      string // pointer: "in", "out" or "inout", as the kernel uses the memory
	Type     string // pointer: what it points to, if one type; flags, enum: the spec type of its values
	Of       string // len: the field whose length it is
	Unit     string // len: "count" (elements) or "bytes"
	Min, Max int64  // range: the values the kernel accepts
}

// Layout is a struct's Go fields on one target, padding included.
type Layout struct {
	Doc         string // the layout line's comment: what is special on these targets
	Fields      []Field
	Size, Align int64
}

// Field is one Go field at its C offset. Padding fields are named "_".
type Field struct {
	Name, Type, Doc string
	Offset, Size    int64
}

// Sysnum is one system call's number per target ("" where it has none).
type Sysnum struct {
	Name string // the kernel's name for the call: epoll_ctl
	Doc  string
	Nums []string
}

// Has reports whether the call has a number on target i.
func (s *Sysnum) Has(i int) bool { return s.Nums[i] != "" }

// Build makes the model of a spec's tree. table is the module's targets
// (see package targets); the spec's system lines pick from it.
func Build(spec string, nodes []*Node, table targets.Table) (*Model, error) {
	b := &builder{m: &Model{Spec: spec, Table: table}, table: table, groups: map[string][]string{}, names: map[string]Pos{}}
	if err := b.build(nodes); err != nil {
		return nil, err
	}
	return b.m, nil
}

type builder struct {
	m      *Model
	table  targets.Table
	groups map[string][]string
	names  map[string]Pos // every declared type, struct, constant and call
	hoterr Pos            // the first hoterr line
}

// The top-level lines that must come first, and once.
var headerKeywords = []string{"package", "asof", "manurl", "libc", "releases", "system", "hoterr", "group", "import"}

func (b *builder) build(nodes []*Node) error {
	m := b.m
	var end Pos
	for _, n := range nodes {
		end = n.Pos
		kw := n.Keyword()
		if slices.Contains(headerKeywords, kw) {
			if err := b.header(n); err != nil {
				return err
			}
			continue
		}
		if len(m.Targets) == 0 {
			return n.Pos.errorf("%s before the system line: the targets must be known first", kw)
		}
		var err error
		switch kw {
		case "type":
			err = b.typeDecl(n)
		case "struct":
			err = b.structDecl(n)
		case "union":
			err = b.union(n)
		case "sysnum":
			err = b.sysnums(n)
		case "call":
			err = b.call(n)
		case "setter":
			err = b.setter(n)
		default:
			err = n.Pos.errorf("unknown keyword %q", kw)
		}
		if err != nil {
			return err
		}
	}
	end.Line++
	if m.Package == "" || m.AsOf == "" || m.ManURL == "" || len(m.Targets) == 0 {
		return end.errorf("package, asof, manurl and system are required")
	}
	return b.checkCalls()
}

// noChildren and noComment reject what a line kind does not take.
func noChildren(n *Node) error {
	if len(n.Children) > 0 {
		return n.Children[0].Pos.errorf("a %s line has no indented lines", n.Keyword())
	}
	return nil
}

func noComment(n *Node) error {
	if n.Comment != "" {
		return n.Pos.errorf("a %s line takes no # comment: put the comment on a line of its own above it", n.Keyword())
	}
	return nil
}

func (b *builder) header(n *Node) error {
	m := b.m
	if err := noChildren(n); err != nil {
		return err
	}
	if err := noComment(n); err != nil {
		return err
	}
	if len(n.Words) < 2 {
		return n.Pos.errorf("%s needs a value", n.Keyword())
	}
	one := func(dst *string) error {
		if len(n.Words) != 2 {
			return n.Pos.errorf("%s takes one word", n.Keyword())
		}
		if *dst != "" {
			return n.Pos.errorf("a second %s line", n.Keyword())
		}
		*dst = n.Words[1]
		return nil
	}
	switch n.Keyword() {
	case "package":
		return one(&m.Package)
	case "manurl":
		return one(&m.ManURL)
	case "libc":
		if m.Libc != "" {
			return n.Pos.errorf("a second libc line")
		}
		switch {
		case len(n.Words) == 2:
			m.LibcABI = "trampoline"
		case len(n.Words) == 3 && n.Words[2] == "sysvicall6":
			m.LibcABI = "sysvicall6"
		default:
			return n.Pos.errorf("want: libc PATH [sysvicall6]")
		}
		m.Libc = n.Words[1]
	case "releases":
		if m.Releases != "" {
			return n.Pos.errorf("a second releases line")
		}
		m.Releases = n.Rest()
	case "asof":
		if m.AsOf != "" {
			return n.Pos.errorf("a second asof line")
		}
		m.AsOf = n.Rest()
	case "import":
		for _, path := range n.Words[1:] {
			if slices.Contains(m.Imports, path) || strings.ContainsAny(path, `"\ `) {
				return n.Pos.errorf("import %s: named twice, or not a package path", path)
			}
			m.Imports = append(m.Imports, path)
		}
	case "hoterr":
		if len(m.HotErrs) == 0 {
			b.hoterr = n.Pos
		}
		m.HotErrs = append(m.HotErrs, n.Words[1:]...)
	case "system":
		if len(m.Targets) > 0 {
			return n.Pos.errorf("a second system line: name every system on one")
		}
		for _, goos := range n.Words[1:] {
			ts := b.table.Of(goos)
			if len(ts) == 0 {
				return n.Pos.errorf("the target table has no %s target", goos)
			}
			m.Targets = append(m.Targets, ts...)
		}
	case "group":
		if len(n.Words) < 3 {
			return n.Pos.errorf("want: group NAME KEY...")
		}
		name := n.Words[1]
		if _, dup := b.groups[name]; dup || b.isKey(name) {
			return n.Pos.errorf("group %s: the name is already a key", name)
		}
		for _, k := range n.Words[2:] {
			if !b.isKey(k) {
				return n.Pos.errorf("group %s: %s is not a target, GOOS, GOARCH or group of this spec", name, k)
			}
		}
		b.groups[name] = n.Words[2:]
	}
	return nil
}

// declare records a name, refusing a second declaration.
func (b *builder) declare(n *Node, name string) error {
	if prev, dup := b.names[name]; dup {
		return n.Pos.errorf("%s declared twice (first at %s)", name, prev)
	}
	b.names[name] = n.Pos
	return nil
}

// Keys select targets. A key is a target (linux/mips), a GOARCH, a GOOS or
// a group of keys. A per-target fact is a default and alternatives, each
// for some keys: on a target, the one alternative with a key that selects
// it applies, or else the default; two alternatives that both select a
// target are an error.

// isKey reports whether k names a target, GOOS, GOARCH or group of the spec.
func (b *builder) isKey(k string) bool {
	if _, ok := b.groups[k]; ok {
		return true
	}
	for _, t := range b.m.Targets {
		if k == t.String() || k == t.GOOS || k == t.GOARCH {
			return true
		}
	}
	return false
}

// selects reports whether key k selects target t.
func (b *builder) selects(k string, t Target) bool {
	if k == t.String() || k == t.GOARCH || k == t.GOOS {
		return true
	}
	return slices.ContainsFunc(b.groups[k], func(g string) bool { return b.selects(g, t) })
}

// alternative is one keyed choice of a per-target fact.
type alternative struct {
	keys []string
	pos  Pos
}

// choose returns, for each target, the index of the alternative that
// applies, or -1 for the default.
func (b *builder) choose(alts []alternative) ([]int, error) {
	for _, a := range alts {
		for _, k := range a.keys {
			if !b.isKey(k) {
				return nil, a.pos.errorf("%s is not a target, GOOS, GOARCH or group of this spec", k)
			}
		}
	}
	out := make([]int, len(b.m.Targets))
	for i, t := range b.m.Targets {
		out[i] = -1
		for j, a := range alts {
			if !slices.ContainsFunc(a.keys, func(k string) bool { return b.selects(k, t) }) {
				continue
			}
			if out[i] >= 0 {
				return nil, a.pos.errorf("keys %s and %s both select %s",
					strings.Join(alts[out[i]].keys, ","), strings.Join(a.keys, ","), t)
			}
			out[i] = j
		}
	}
	return out, nil
}

// value resolves "DEFAULT key=value ..." words for every target. The
// default may be absent; then every target needs a key. what names the
// fact in errors.
func (b *builder) value(n *Node, what string, words []string) ([]string, error) {
	def, hasDef := "", false
	var alts []alternative
	var vals []string
	for i, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			if i != 0 {
				return nil, n.Pos.errorf("%s: the default %q must come before the key=value alternatives", what, w)
			}
			def, hasDef = w, true
			continue
		}
		if k == "" || v == "" {
			return nil, n.Pos.errorf("%s: %q is not key=value", what, w)
		}
		alts = append(alts, alternative{keys: []string{k}, pos: n.Pos})
		vals = append(vals, v)
	}
	pick, err := b.choose(alts)
	if err != nil {
		return nil, fmt.Errorf("%v (%s)", err, what)
	}
	out := make([]string, len(pick))
	for i, j := range pick {
		switch {
		case j >= 0:
			out[i] = vals[j]
		case hasDef:
			out[i] = def
		default:
			return nil, n.Pos.errorf("%s has no value on %s", what, b.m.Targets[i])
		}
	}
	return out, nil
}

// parseInt accepts any integer literal that fits in 64 bits, signed or not.
func parseInt(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 0, 64); err == nil {
		return n, nil
	}
	u, err := strconv.ParseUint(s, 0, 64)
	return int64(u), err
}

// integerTypes are the underlying types a named type may have, with their
// bit size and signedness.
var integerTypes = map[string]struct {
	bits   int
	signed bool
}{
	"int8": {8, true}, "int16": {16, true}, "int32": {32, true}, "int64": {64, true},
	"uint8": {8, false}, "uint16": {16, false}, "uint32": {32, false}, "uint64": {64, false},
}

// fits reports whether literal s, whose 64-bit value is v, is a value of typ.
func fits(s string, v int64, typ string) bool {
	it := integerTypes[typ]
	switch {
	case it.bits == 64 && it.signed:
		_, err := strconv.ParseInt(s, 0, 64)
		return err == nil
	case it.bits == 64:
		return !strings.HasPrefix(s, "-")
	case it.signed:
		return v >= -1<<(it.bits-1) && v < 1<<(it.bits-1)
	}
	return v >= 0 && v < 1<<it.bits
}

// blockHead checks the opening line of a type, struct or call block: no
// comment, the words of form, and a name not declared before.
func (b *builder) blockHead(n *Node, form string) error {
	if err := noComment(n); err != nil {
		return err
	}
	if len(n.Words) != len(strings.Fields(form)) {
		return n.Pos.errorf("want: %s", form)
	}
	return b.declare(n, n.Words[1])
}

func (b *builder) typeDecl(n *Node) error {
	const form = "type NAME UNDERLYING flags|enum"
	if err := b.blockHead(n, form); err != nil {
		return err
	}
	w := n.Words
	if w[3] != "flags" && w[3] != "enum" {
		return n.Pos.errorf("want: %s", form)
	}
	if _, ok := integerTypes[w[2]]; !ok {
		return n.Pos.errorf("type %s: underlying type %s is not a sized integer type", w[1], w[2])
	}
	t := &Type{Name: w[1], Underlying: w[2], Flags: w[3] == "flags"}
	for _, c := range n.Children {
		if err := noChildren(c); err != nil {
			return err
		}
		if c.Keyword() == "doc" {
			t.Doc = append(t.Doc, c.Rest())
			continue
		}
		if err := b.declare(c, c.Keyword()); err != nil {
			return err
		}
		k := &Const{Name: c.Keyword(), Doc: c.Comment}
		words, err := b.since(c, k)
		if err != nil {
			return err
		}
		texts, err := b.value(c, k.Name, words)
		if err != nil {
			return err
		}
		for _, s := range texts {
			v, err := parseInt(s)
			if err != nil {
				return c.Pos.errorf("%s: %q is not an integer", k.Name, s)
			}
			if !fits(s, v, t.Underlying) {
				return c.Pos.errorf("%s: %s is not a value of %s", k.Name, s, t.Underlying)
			}
			k.Text, k.Values = append(k.Text, s), append(k.Values, v)
		}
		t.Consts = append(t.Consts, k)
	}
	if len(t.Doc) == 0 || len(t.Consts) == 0 {
		return n.Pos.errorf("type %s needs doc lines and constants", t.Name)
	}
	b.m.Types = append(b.m.Types, t)
	return nil
}

// since takes a constant's since=RELEASE word out of its value words and
// records the release, such as "Linux 6.9", in k.
func (b *builder) since(c *Node, k *Const) ([]string, error) {
	var words []string
	for _, w := range c.Words[1:] {
		rel, ok := strings.CutPrefix(w, "since=")
		if !ok {
			words = append(words, w)
			continue
		}
		if k.Since != "" {
			return nil, c.Pos.errorf("%s: a second since=", k.Name)
		}
		if b.m.Releases == "" {
			return nil, c.Pos.errorf("%s: since= needs a releases line first (whose releases it counts)", k.Name)
		}
		if !isRelease(rel) {
			return nil, c.Pos.errorf("%s: since=%s: want a release such as 6.9", k.Name, rel)
		}
		k.Since = b.m.Releases + " " + rel
	}
	return words, nil
}

// isRelease accepts MAJOR.MINOR and MAJOR.MINOR.PATCH.
func isRelease(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil || p == "" || (len(p) > 1 && p[0] == '0') {
			return false
		}
	}
	return true
}

// predeclared are the Go integer types a union may name besides spec types.
var predeclared = []string{"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr"}

func (b *builder) union(n *Node) error {
	if err := noComment(n); err != nil {
		return err
	}
	if len(n.Words) < 3 {
		return n.Pos.errorf("want: union NAME TYPE...")
	}
	if err := b.declare(n, n.Words[1]); err != nil {
		return err
	}
	u := &Union{Name: n.Words[1], Terms: n.Words[2:]}
	for i, t := range u.Terms {
		switch {
		case b.m.typeNamed(t) == nil && !slices.Contains(predeclared, t):
			return n.Pos.errorf("union %s: %s is neither a spec type nor a Go integer type", u.Name, t)
		case slices.Contains(u.Terms[:i], t):
			return n.Pos.errorf("union %s: %s named twice", u.Name, t)
		}
	}
	for _, c := range n.Children {
		if err := noChildren(c); err != nil {
			return err
		}
		if c.Keyword() != "doc" {
			return c.Pos.errorf("a union has only doc lines")
		}
		u.Doc = append(u.Doc, c.Rest())
	}
	if len(u.Doc) == 0 {
		return n.Pos.errorf("union %s needs doc lines", u.Name)
	}
	b.m.Unions = append(b.m.Unions, u)
	return nil
}

func (b *builder) sysnums(n *Node) error {
	if err := noComment(n); err != nil {
		return err
	}
	if len(n.Words) != 1 {
		return n.Pos.errorf("a sysnum line takes no words: its rows are NAME NUMBER key=NUMBER ...")
	}
	for _, c := range n.Children {
		if err := noChildren(c); err != nil {
			return err
		}
		name := c.Keyword()
		if slices.ContainsFunc(b.m.Sysnums, func(s *Sysnum) bool { return s.Name == name }) {
			return c.Pos.errorf("sysnum %s given twice", name)
		}
		nums, err := b.value(c, "sysnum "+name, c.Words[1:])
		if err != nil {
			return err
		}
		for i, s := range nums {
			if s == "-" { // no such call on this target
				nums[i] = ""
			} else if _, err := strconv.ParseUint(s, 0, 32); err != nil {
				return c.Pos.errorf("sysnum %s: %q is not a system call number or -", name, s)
			}
		}
		b.m.Sysnums = append(b.m.Sysnums, &Sysnum{Name: name, Doc: c.Comment, Nums: nums})
	}
	return nil
}

// manURL is the address of a man page reference page(section), or the
// reference itself when it is already an address.
func (m *Model) manURL(man string) string {
	if strings.HasPrefix(man, "https://") {
		return man
	}
	page, section, _ := strings.Cut(strings.TrimSuffix(man, ")"), "(")
	return strings.NewReplacer("{page}", page, "{section}", section).Replace(m.ManURL)
}

// constant finds a constant and its type.
func (m *Model) constant(name string) (*Type, *Const) {
	for _, t := range m.Types {
		for _, c := range t.Consts {
			if c.Name == name {
				return t, c
			}
		}
	}
	return nil, nil
}

func (m *Model) structNamed(name string) *Struct {
	for _, s := range m.Structs {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (m *Model) typeNamed(name string) *Type {
	for _, t := range m.Types {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// importNames are the names generated code may use for the packages it
// imports: unix, windows, syscall..., and the spec's import lines.
func (m *Model) importNames() []string {
	var out []string
	for _, p := range append(slices.Clone(imports), m.Imports...) {
		out = append(out, path.Base(p))
	}
	return out
}
