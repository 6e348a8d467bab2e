package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Spec is one parsed spec file: the facts of one package.
type Spec struct {
	File    string // path as given, named in generated headers
	Package string
	AsOf    string
	ManURL  string   // man page address, with {page} and {section} to fill in
	Libc    string   // the C library calls go through (darwin, OpenBSD); "" for raw system calls
	HotErrs []string // Windows: errors of package windows returned without allocating
	Targets []Target
	Groups  map[string][]string // group name -> keys
	Types   []*TypeDecl
	Structs []*StructDecl
	Sysnums []*Sysnum
	Calls   []*Call
}

// Target is one GOOS/GOARCH pair.
type Target struct{ GOOS, GOARCH string }

func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// Value is a fact with a default and overrides keyed by target selector.
type Value struct {
	Default   string // "" if there is no default
	Overrides []Override
}

// Override is one key=value of a Value.
type Override struct{ Key, Val string }

// TypeDecl is a named flag or enum type and its constants.
type TypeDecl struct {
	Name       string
	Underlying string // int32, uint32, ...
	Kind       string // "flags" or "enum"
	Doc        []string
	Consts     []*Const
}

// Const is one named value of a TypeDecl.
type Const struct {
	Name  string
	Value Value
	Doc   string
}

// StructDecl is a struct whose layout is given per target.
type StructDecl struct {
	Name    string
	Doc     []string
	Layouts []*Layout
}

// Layout is the field list of a struct for the targets its keys select.
type Layout struct {
	Keys   []string // "*" for every target no other layout names
	Fields []*Field
	Size   int64
}

// Field is one struct field at a C offset.
type Field struct {
	Name   string
	Type   string
	Offset int64
	Doc    string
}

// Sysnum is one system call's number per target ("" where it has none).
type Sysnum struct {
	Name  string
	Value Value
}

// Call is one exported function.
type Call struct {
	Name    string
	CProto  string
	GoSig   string // "(params) (results)"
	Sys     string // kernel_name(args...)
	Cloexec string // constant added to the flags argument, if any
	Block   string // "never", "always" or a Go boolean expression
	Ret     string // Go expression of r0 for the first result, if not the default
	Man     string // page(section)
	Doc     []string
	FDs     map[string]string // parameter or result -> descriptor kind
	Outs    []string          // pointer and slice parameters the kernel writes
	DLL     string            // Windows: the System32 DLL the function is in
	Fail    string            // Windows: how failure shows, "zero" or "ntstatus"
	Clear   []string          // Windows: results zeroed when the call fails
}

// ParseSpec reads a spec. name is used in error messages and headers.
func ParseSpec(name string, r io.Reader) (*Spec, error) {
	p := &specParser{spec: &Spec{File: name, Groups: map[string][]string{}}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.line++
		if err := p.parseLine(sc.Text()); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, p.line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := p.spec.check(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return p.spec, nil
}

type specParser struct {
	spec *Spec
	line int
	// the open block, one of these at most
	typ     *TypeDecl
	strct   *StructDecl
	layout  *Layout
	sysKeys []string
	call    *Call
}

func (p *specParser) parseLine(raw string) error {
	if strings.TrimSpace(raw) == "" || strings.HasPrefix(strings.TrimSpace(raw), "#") {
		return nil
	}
	indent := len(raw) - len(strings.TrimLeft(raw, "\t"))
	text, doc := splitComment(strings.TrimSpace(raw))
	f := strings.Fields(text)
	switch indent {
	case 0:
		p.typ, p.strct, p.layout, p.sysKeys, p.call = nil, nil, nil, nil, nil
		return p.topLevel(f, text)
	case 1:
		return p.inBlock(f, text, doc)
	case 2:
		if p.layout == nil {
			return fmt.Errorf("doubly indented line outside a layout")
		}
		return p.inLayout(f, doc)
	}
	return fmt.Errorf("indented too deep")
}

// splitComment splits "text # doc" at the first " # ". A doc line ("doc ...")
// keeps its "#" characters.
func splitComment(s string) (text, doc string) {
	if strings.HasPrefix(s, "doc ") {
		return s, ""
	}
	if i := strings.Index(s, " # "); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+3:])
	}
	return s, ""
}

func rest(text, keyword string) string {
	return strings.TrimSpace(strings.TrimPrefix(text, keyword))
}

func (p *specParser) topLevel(f []string, text string) error {
	s := p.spec
	switch f[0] {
	case "package":
		if len(f) != 2 {
			return fmt.Errorf("package takes one name")
		}
		s.Package = f[1]
	case "asof":
		s.AsOf = rest(text, "asof")
	case "manurl":
		s.ManURL = rest(text, "manurl")
	case "libc":
		if len(f) != 2 {
			return fmt.Errorf("libc takes the path of the library")
		}
		s.Libc = f[1]
	case "hoterr":
		s.HotErrs = append(s.HotErrs, f[1:]...)
	case "target":
		for _, t := range f[1:] {
			goos, goarch, ok := strings.Cut(t, "/")
			if !ok {
				return fmt.Errorf("target %q is not GOOS/GOARCH", t)
			}
			s.Targets = append(s.Targets, Target{goos, goarch})
		}
	case "group":
		if len(f) < 3 {
			return fmt.Errorf("group takes a name and keys")
		}
		s.Groups[f[1]] = f[2:]
	case "type":
		if len(f) != 4 || (f[3] != "flags" && f[3] != "enum") {
			return fmt.Errorf("want: type Name underlying flags|enum")
		}
		p.typ = &TypeDecl{Name: f[1], Underlying: f[2], Kind: f[3]}
		s.Types = append(s.Types, p.typ)
	case "struct":
		if len(f) != 2 {
			return fmt.Errorf("want: struct Name")
		}
		p.strct = &StructDecl{Name: f[1]}
		s.Structs = append(s.Structs, p.strct)
	case "sysnum":
		if len(f) < 2 {
			return fmt.Errorf("sysnum needs column keys")
		}
		p.sysKeys = f[1:]
	case "call":
		if len(f) != 2 {
			return fmt.Errorf("want: call Name")
		}
		p.call = &Call{Name: f[1]}
		s.Calls = append(s.Calls, p.call)
	default:
		return fmt.Errorf("unknown keyword %q", f[0])
	}
	return nil
}

func (p *specParser) inBlock(f []string, text, doc string) error {
	switch {
	case p.typ != nil:
		if f[0] == "doc" {
			p.typ.Doc = append(p.typ.Doc, rest(text, "doc"))
			return nil
		}
		v, err := parseValue(f[1:])
		if err != nil {
			return err
		}
		p.typ.Consts = append(p.typ.Consts, &Const{Name: f[0], Value: v, Doc: doc})
	case p.strct != nil:
		switch f[0] {
		case "doc":
			p.strct.Doc = append(p.strct.Doc, rest(text, "doc"))
		case "layout":
			if len(f) < 2 {
				return fmt.Errorf("layout needs keys or *")
			}
			p.layout = &Layout{Keys: f[1:]}
			p.strct.Layouts = append(p.strct.Layouts, p.layout)
		default:
			return fmt.Errorf("want doc or layout in struct %s", p.strct.Name)
		}
	case p.sysKeys != nil:
		if len(f) != len(p.sysKeys)+1 {
			return fmt.Errorf("sysnum row %s has %d numbers for %d columns", f[0], len(f)-1, len(p.sysKeys))
		}
		n := &Sysnum{Name: f[0]}
		for i, k := range p.sysKeys {
			num := f[i+1]
			if num == "-" { // no such call on these targets
				num = ""
			} else if _, err := strconv.ParseInt(num, 0, 64); err != nil {
				return fmt.Errorf("sysnum %s: %v", f[0], err)
			}
			n.Value.Overrides = append(n.Value.Overrides, Override{k, num})
		}
		p.spec.Sysnums = append(p.spec.Sysnums, n)
	case p.call != nil:
		c, arg := p.call, rest(text, f[0])
		switch f[0] {
		case "doc":
			c.Doc = append(c.Doc, arg)
		case "c":
			c.CProto = arg
		case "go":
			c.GoSig = arg
		case "sys":
			c.Sys = arg
		case "cloexec":
			c.Cloexec = arg
		case "block":
			c.Block = arg
		case "ret":
			c.Ret = arg
		case "man":
			c.Man = arg
		case "fd":
			c.FDs = map[string]string{}
			for _, kv := range f[1:] {
				name, kind, ok := strings.Cut(kv, ":")
				if !ok {
					return fmt.Errorf("want fd name:kind, got %q", kv)
				}
				c.FDs[name] = kind
			}
		case "out":
			c.Outs = f[1:]
		case "dll":
			c.DLL = arg
		case "fail":
			c.Fail = arg
		case "failclear":
			c.Clear = f[1:]
		default:
			return fmt.Errorf("unknown call attribute %q", f[0])
		}
	default:
		return fmt.Errorf("indented line outside a block")
	}
	return nil
}

func (p *specParser) inLayout(f []string, doc string) error {
	l := p.layout
	if f[0] == "size" {
		if len(f) != 2 {
			return fmt.Errorf("want: size N")
		}
		n, err := strconv.ParseInt(f[1], 0, 64)
		if err != nil {
			return err
		}
		l.Size = n
		return nil
	}
	if len(f) != 3 {
		return fmt.Errorf("want: Field Type Offset")
	}
	off, err := strconv.ParseInt(f[2], 0, 64)
	if err != nil {
		return err
	}
	l.Fields = append(l.Fields, &Field{Name: f[0], Type: f[1], Offset: off, Doc: doc})
	return nil
}

// parseValue parses "default key=value ...". The default may be absent.
func parseValue(f []string) (Value, error) {
	var v Value
	for i, tok := range f {
		k, val, ok := strings.Cut(tok, "=")
		if !ok {
			if i != 0 {
				return v, fmt.Errorf("value %q must come before the overrides", tok)
			}
			v.Default = tok
			continue
		}
		v.Overrides = append(v.Overrides, Override{k, val})
	}
	for _, s := range append([]string{v.Default}, overrideVals(v)...) {
		if s == "" {
			continue
		}
		if _, err := parseInt(s); err != nil {
			return v, err
		}
	}
	return v, nil
}

func overrideVals(v Value) []string {
	var out []string
	for _, o := range v.Overrides {
		out = append(out, o.Val)
	}
	return out
}

// parseInt accepts any integer literal that fits in 64 bits, signed or not.
func parseInt(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 0, 64); err == nil {
		return n, nil
	}
	u, err := strconv.ParseUint(s, 0, 64)
	return int64(u), err
}

func (s *Spec) check() error {
	if s.Package == "" || s.AsOf == "" || s.ManURL == "" || len(s.Targets) == 0 {
		return fmt.Errorf("package, asof, manurl and target are required")
	}
	seen := map[string]bool{}
	for _, t := range s.Types {
		for _, c := range t.Consts {
			if seen[c.Name] {
				return fmt.Errorf("constant %s declared twice", c.Name)
			}
			seen[c.Name] = true
		}
	}
	for _, c := range s.Calls {
		if c.GoSig == "" || c.Sys == "" || c.Block == "" || c.Man == "" || len(c.Doc) == 0 {
			return fmt.Errorf("call %s needs go, sys, block, man and doc", c.Name)
		}
		if (c.DLL != "") != (c.Fail != "") || (c.Fail != "" && c.Fail != "zero" && c.Fail != "ntstatus") {
			return fmt.Errorf("call %s: a DLL call needs fail zero or fail ntstatus, and only a DLL call has fail", c.Name)
		}
		if c.DLL != "" && (s.Libc != "" || c.Cloexec != "") {
			return fmt.Errorf("call %s: a DLL call takes no libc and no cloexec", c.Name)
		}
	}
	for _, c := range s.Calls {
		if s.windows() && c.DLL == "" {
			return fmt.Errorf("call %s: in a spec of DLL calls, every call needs dll", c.Name)
		}
	}
	if len(s.HotErrs) > 0 && !s.windows() {
		return fmt.Errorf("hoterr is for specs with DLL calls")
	}
	return nil
}

// windows reports whether the spec's calls are Windows DLL calls.
func (s *Spec) windows() bool {
	for _, c := range s.Calls {
		if c.DLL != "" {
			return true
		}
	}
	return false
}
