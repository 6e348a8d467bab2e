package main

// Calls in the model: a call's attributes parsed once into its Go
// signature, kernel entry, typed arguments, blocking rule and result.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
)

// Call is one exported function.
type Call struct {
	Pos     Pos
	Name    string
	CProto  string
	Man     string // page(section) or an address
	Doc     []string
	Params  []*Param
	Results []*Param
	Entry   string // the system call, C function or DLL function
	Args    []Arg  // what the kernel is given, in C order
	Block   Block
	Ret     *Param // the result the return value goes to, if any
	RetRule Ret
	Cloexec string // a constant always ORed into the argument of its type
	// ForkLock: the call makes a descriptor (its int result) that the
	// system cannot create close-on-exec; the wrapper holds
	// syscall.ForkLock for reading around the call and an fcntl(2) that
	// sets FD_CLOEXEC, so that no fork and exec in another goroutine sees
	// it in between, and closes it if the fcntl fails.
	ForkLock bool
	// MinLen pairs slice parameters: the first must have at least as many
	// elements as the second (a C array the kernel writes one entry of per
	// entry of another, with one count for both), or the call fails with
	// EINVAL before entering the kernel.
	MinLen [][2]*Param
	// Switch says, for a call whose argument's meaning depends on another
	// (io_uring_register's opcode), what each value of the selector takes.
	Switch *Switch
	DLL    string // Windows: the System32 DLL Entry is in
	Fail   string // Windows: "zero" or "ntstatus"
	Clear  []*Param
}

// Switch is a call's table of what a selector parameter's values make
// another parameter point to and a third count (a switch line and its case
// lines).
type Switch struct {
	Selector, Arg, Count *Param
	Flags                []string // constants of the selector's type ORed into a value, not values
	Cases                []*Case
}

// Case is what one value of a Switch's selector takes.
type Case struct {
	Value   string // the selector's constant
	ArgType string // the Go type Arg points to: "nil", "*T", "[]T"
	// Count is what the count parameter holds: an integer, "count" (the
	// elements of a slice argument), "bytes" (the argument's size), "id"
	// (the resource Takes), "tail:T" (the number of T entries after the
	// pointed-to header) or "len:F" (the elements at field F's address).
	Count string
	Dir   string // how the kernel uses the memory: "in", "out", "inout"; "" for nil
	Makes string // the resource the call makes (its result, or what the argument names)
	Takes string // the resource the call takes
	// ElemFD: the integers the argument points to are descriptors of this
	// kind ("any" for any).
	ElemFD string
}

// Param is a Go parameter or result.
type Param struct {
	Name, Type string
	FD         string  // the kind of descriptor it takes or makes, if any
	Resource   string  // the kernel object other than a descriptor it takes or makes (an aio context)
	Destroys   bool    // the call frees the Resource it takes
	Range      []int64 // for the description: the values the kernel accepts, [lo, hi]
	Out        bool    // the kernel writes what it points to
	InOut      bool    // the kernel reads what it points to, then writes it
	Filled     bool    // a result the kernel fills through a pointer
	CInt       bool    // a Go int the kernel reads as a C int: range-checked
}

func (p *Param) slice() bool   { return strings.HasPrefix(p.Type, "[]") }
func (p *Param) pointer() bool { return strings.HasPrefix(p.Type, "*") }

// elem is the element type of a slice or pointer.
func (p *Param) elem() string { return strings.TrimLeft(p.Type, "[]*") }

// ArgKind is how one argument of the kernel call is made.
type ArgKind int

const (
	ArgInt        ArgKind = iota // an integer literal: Text
	ArgNil                       // a null pointer
	ArgValue                     // Param's value, ORed with the call's Cloexec if Cloexec is set
	ArgSlice                     // the address of Param's first element, or nil
	ArgPointer                   // Param, a pointer
	ArgBool                      // Param as C's BOOL: 1 or 0
	ArgAddr                      // the address of Param (a result the kernel fills, or a parameter)
	ArgLen                       // the length of slice Param, range-checked as a C int
	ArgBytes                     // the byte length of slice Param
	ArgSizeofVar                 // the size of Param's type
	ArgSizeofType                // the size of spec struct Text
	ArgConst                     // spec constant Text (an ioctl's request)
)

// Arg is one argument of the kernel call.
type Arg struct {
	Kind    ArgKind
	Param   *Param
	Text    string
	Cloexec bool
}

// Block is when a call may block. A call that may block goes through the
// path that lets the Go scheduler run other goroutines; one that cannot
// takes the raw path.
type Block struct {
	Kind    string   // "never", "always", or "unless": blocks unless one of Clauses holds
	Clauses []Clause // each holds when all its conditions hold
}

// Clause is conditions under which, together, a call does not block.
type Clause []Cond

// Cond is a condition under which a call does not block.
type Cond struct {
	Kind  string // "zero" (an integer 0, or a pointer to a zero value), "empty" (a slice), "has" or "lacks" (a flag)
	Param *Param
	Const string // for "has" and "lacks"
}

// Ret is how the call's return value becomes its result.
type Ret struct {
	Count *Param // the kernel returns bytes of this slice; the result counts whole elements
}

// parseExpr parses the Go in a call's go and sys lines: each is parsed once,
// here, and the emitters work from the result (a test counts the calls).
var parseExpr = parser.ParseExpr

var callAttrs = []string{"c", "go", "sys", "block", "ret", "cloexec", "forklock", "minlen", "man", "fd", "resource", "destroys", "range", "out", "inout", "switch", "case", "dll", "fail", "failclear", "doc"}

func (b *builder) call(n *Node) error {
	if err := b.blockHead(n, "call NAME"); err != nil {
		return err
	}
	c := &Call{Pos: n.Pos, Name: n.Words[1]}
	attrs := map[string]*Node{}
	var cases []*Node
	for _, a := range n.Children {
		kw := a.Keyword()
		if err := noChildren(a); err != nil {
			return err
		}
		if !slices.Contains(callAttrs, kw) {
			return a.Pos.errorf("unknown call attribute %q", kw)
		}
		if kw == "doc" {
			c.Doc = append(c.Doc, a.Rest())
			continue
		}
		if kw == "case" {
			cases = append(cases, a)
			continue
		}
		if err := noComment(a); err != nil {
			return err
		}
		if attrs[kw] != nil {
			return a.Pos.errorf("call %s: a second %s line", c.Name, kw)
		}
		attrs[kw] = a
	}
	for _, need := range []string{"go", "sys", "block", "man"} {
		if attrs[need] == nil {
			return n.Pos.errorf("call %s needs go, sys, block, man and doc", c.Name)
		}
	}
	if len(c.Doc) == 0 {
		return n.Pos.errorf("call %s needs go, sys, block, man and doc", c.Name)
	}
	rest := func(kw string) string {
		if a := attrs[kw]; a != nil {
			return a.Rest()
		}
		return ""
	}
	c.CProto, c.Man, c.DLL, c.Fail, c.Cloexec = rest("c"), rest("man"), rest("dll"), rest("fail"), rest("cloexec")
	if a := attrs["forklock"]; a != nil {
		if len(a.Words) != 1 {
			return a.Pos.errorf("call %s: forklock takes no words", c.Name)
		}
		c.ForkLock = true
	}
	steps := []func(*Call, map[string]*Node) error{b.signature, b.fds, b.outs, b.minLen, b.sys, b.block, b.ret, b.windows}
	for _, step := range steps {
		if err := step(c, attrs); err != nil {
			return err
		}
	}
	if err := b.switchCases(c, attrs["switch"], cases); err != nil {
		return err
	}
	b.m.Calls = append(b.m.Calls, c)
	return nil
}

// switchCases parses a call's switch line, SELECTOR ARG COUNT [flags
// CONST...], and its case lines, CONST TYPE COUNT [DIR] [makes RES] [takes
// RES]: one for each constant of the selector's type but the flags.
func (b *builder) switchCases(c *Call, sw *Node, cases []*Node) error {
	if sw == nil {
		if len(cases) > 0 {
			return cases[0].Pos.errorf("call %s: case lines need a switch line", c.Name)
		}
		return nil
	}
	w := sw.Words[1:]
	if len(w) < 3 || (len(w) > 3 && w[3] != "flags") {
		return sw.Pos.errorf("want: switch SELECTOR ARG COUNT [flags CONST...]")
	}
	s := &Switch{Selector: c.param(w[0]), Arg: c.param(w[1]), Count: c.param(w[2])}
	if len(w) > 3 {
		s.Flags = w[4:]
	}
	if s.Selector == nil || s.Arg == nil || s.Count == nil || !c.isParam(s.Selector) || !c.isParam(s.Arg) || !c.isParam(s.Count) {
		return sw.Pos.errorf("switch %s %s %s: not three parameters", w[0], w[1], w[2])
	}
	typ := b.m.typeNamed(s.Selector.Type)
	if typ == nil {
		return sw.Pos.errorf("switch %s: the selector must be of a spec type", w[0])
	}
	seen := map[string]bool{}
	for _, cn := range cases {
		cw := cn.Words[1:]
		if len(cw) < 3 {
			return cn.Pos.errorf("want: case CONST TYPE COUNT [in|out|inout] [makes RES] [takes RES] [elem fd:KIND]")
		}
		if err := noComment(cn); err != nil {
			return err
		}
		k := &Case{Value: cw[0], ArgType: cw[1], Count: cw[2]}
		if t, _ := b.m.constant(k.Value); t != typ || slices.Contains(s.Flags, k.Value) || seen[k.Value] {
			return cn.Pos.errorf("case %s: not a value of %s, or a second case for it", k.Value, typ.Name)
		}
		seen[k.Value] = true
		if k.ArgType != "nil" {
			elem := strings.TrimLeft(k.ArgType, "*[]0123456789")
			if !strings.HasPrefix(k.ArgType, "*") && !strings.HasPrefix(k.ArgType, "[]") ||
				!(slices.Contains(predeclared, elem) || b.m.structNamed(elem) != nil || strings.Contains(elem, ".")) {
				return cn.Pos.errorf("case %s: %s is not nil, *T or []T of a spec struct or Go type", k.Value, k.ArgType)
			}
		}
		rest := cw[3:]
		if len(rest) > 0 && slices.Contains([]string{"in", "out", "inout"}, rest[0]) {
			k.Dir, rest = rest[0], rest[1:]
		}
		if (k.Dir == "") != (k.ArgType == "nil") {
			return cn.Pos.errorf("case %s: a direction for memory, none for nil", k.Value)
		}
		for len(rest) >= 2 && (rest[0] == "makes" || rest[0] == "takes" || rest[0] == "elem") {
			switch rest[0] {
			case "makes":
				k.Makes = rest[1]
			case "takes":
				k.Takes = rest[1]
			default:
				kind, ok := strings.CutPrefix(rest[1], "fd:")
				elem := strings.TrimLeft(k.ArgType, "*[]")
				if !ok || kind == "" || (elem != "int32" && elem != "uint32") {
					return cn.Pos.errorf("case %s: elem %s: want elem fd:KIND, for an int32 or uint32 argument", k.Value, rest[1])
				}
				k.ElemFD = kind
			}
			rest = rest[2:]
		}
		if len(rest) > 0 {
			return cn.Pos.errorf("case %s: unexpected %q", k.Value, strings.Join(rest, " "))
		}
		_, numErr := strconv.ParseUint(k.Count, 0, 32)
		switch {
		case numErr == nil, k.Count == "bytes" && k.ArgType != "nil", k.Count == "count" && strings.HasPrefix(k.ArgType, "[]"),
			k.Count == "id" && k.Takes != "":
		case strings.HasPrefix(k.Count, "tail:") && b.m.structNamed(strings.TrimPrefix(k.Count, "tail:")) != nil:
		case strings.HasPrefix(k.Count, "len:") && b.m.structNamed(strings.TrimPrefix(k.ArgType, "*")) != nil:
		default:
			return cn.Pos.errorf("case %s: count %s: want an integer, count (of a slice), bytes, id (of the resource it takes), tail:STRUCT or len:FIELD", k.Value, k.Count)
		}
		s.Cases = append(s.Cases, k)
	}
	for _, cst := range typ.Consts {
		if !seen[cst.Name] && !slices.Contains(s.Flags, cst.Name) {
			return sw.Pos.errorf("switch %s: no case for %s", w[0], cst.Name)
		}
	}
	c.Switch = s
	return nil
}

// signature parses the go line: named parameters and results.
func (b *builder) signature(c *Call, attrs map[string]*Node) error {
	a := attrs["go"]
	e, err := parseExpr("func" + a.Rest())
	ft, ok := e.(*ast.FuncType)
	if err != nil || !ok {
		return a.Pos.errorf("call %s: go is not a Go signature: (params) (results)", c.Name)
	}
	list := func(fl *ast.FieldList) ([]*Param, error) {
		var out []*Param
		if fl == nil {
			return nil, nil
		}
		for _, f := range fl.List {
			if len(f.Names) == 0 {
				return nil, a.Pos.errorf("call %s: parameters and results must be named", c.Name)
			}
			for _, id := range f.Names {
				if c.param(id.Name) != nil || slices.ContainsFunc(out, func(p *Param) bool { return p.Name == id.Name }) {
					return nil, a.Pos.errorf("call %s: %s named twice", c.Name, id.Name)
				}
				out = append(out, &Param{Name: id.Name, Type: types.ExprString(f.Type)})
			}
		}
		return out, nil
	}
	if c.Params, err = list(ft.Params); err != nil {
		return err
	}
	c.Results, err = list(ft.Results)
	return err
}

// param finds a parameter or result.
func (c *Call) param(name string) *Param {
	for _, p := range append(slices.Clone(c.Params), c.Results...) {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func (c *Call) isParam(p *Param) bool { return slices.Contains(c.Params, p) }

// fds parses the fd and resource lines: NAME:KIND, the descriptors and the
// other kernel objects (an aio context) that parameters take and results
// make; and the destroys line: the resource parameters the call frees.
func (b *builder) fds(c *Call, attrs map[string]*Node) error {
	for _, kw := range []string{"fd", "resource"} {
		a := attrs[kw]
		if a == nil {
			continue
		}
		for _, kv := range a.Words[1:] {
			name, kind, ok := strings.Cut(kv, ":")
			p := c.param(name)
			switch {
			case !ok || kind == "":
				return a.Pos.errorf("want %s NAME:KIND..., got %q", kw, kv)
			case p == nil || p.FD != "" || p.Resource != "":
				return a.Pos.errorf("%s %s names no parameter or result, or one named already", kw, kv)
			case kw == "fd":
				p.FD = kind
			default:
				p.Resource = kind
			}
		}
	}
	if a := attrs["destroys"]; a != nil {
		for _, name := range a.Words[1:] {
			p := c.param(name)
			if p == nil || !c.isParam(p) || p.Resource == "" || p.Destroys {
				return a.Pos.errorf("destroys %s names no resource parameter, or one named already", name)
			}
			p.Destroys = true
		}
	}
	return nil
}

func (b *builder) outs(c *Call, attrs map[string]*Node) error {
	for _, kw := range []string{"out", "inout"} {
		a := attrs[kw]
		if a == nil {
			continue
		}
		for _, name := range a.Words[1:] {
			p := c.param(name)
			if p == nil || !c.isParam(p) || !(p.slice() || p.pointer()) || p.Out {
				return a.Pos.errorf("%s %s names no pointer or slice parameter, or one already out", kw, name)
			}
			p.Out, p.InOut = true, kw == "inout"
		}
	}
	return nil
}

// minLen parses minlen A B: slice A needs at least len(B) elements; and
// range NAME LO HI...: the values an integer parameter may take.
func (b *builder) minLen(c *Call, attrs map[string]*Node) error {
	if a := attrs["range"]; a != nil {
		w := a.Words[1:]
		if len(w) == 0 || len(w)%3 != 0 {
			return a.Pos.errorf("want: range PARAM LO HI...")
		}
		for ; len(w) > 0; w = w[3:] {
			p := c.param(w[0])
			lo, err1 := parseInt(w[1])
			hi, err2 := parseInt(w[2])
			if p == nil || !c.isParam(p) || p.slice() || p.pointer() || p.FD != "" || p.Resource != "" || p.Range != nil || err1 != nil || err2 != nil || lo > hi {
				return a.Pos.errorf("range %s %s %s: want an integer parameter named once, and LO <= HI", w[0], w[1], w[2])
			}
			p.Range = []int64{lo, hi}
		}
	}
	a := attrs["minlen"]
	if a == nil {
		return nil
	}
	if len(a.Words) != 3 {
		return a.Pos.errorf("want: minlen SLICE SLICE")
	}
	x, y := c.param(a.Words[1]), c.param(a.Words[2])
	if x == nil || y == nil || x == y || !c.isParam(x) || !c.isParam(y) || !x.slice() || !y.slice() {
		return a.Pos.errorf("minlen %s %s: want two slice parameters", a.Words[1], a.Words[2])
	}
	c.MinLen = append(c.MinLen, [2]*Param{x, y})
	return nil
}

// sys parses the kernel call: its entry and arguments.
func (b *builder) sys(c *Call, attrs map[string]*Node) error {
	a := attrs["sys"]
	e, err := parseExpr(a.Rest())
	call, ok := e.(*ast.CallExpr)
	if err != nil || !ok {
		return a.Pos.errorf("call %s: sys is not entry(args...)", c.Name)
	}
	entry, ok := call.Fun.(*ast.Ident)
	if !ok {
		return a.Pos.errorf("call %s: sys names its entry by a plain name", c.Name)
	}
	c.Entry = entry.Name
	if c.Cloexec != "" {
		if t, _ := b.m.constant(c.Cloexec); t == nil || !slices.ContainsFunc(c.Params, func(p *Param) bool { return p.Type == t.Name }) {
			return attrs["cloexec"].Pos.errorf("cloexec %s is not a constant of a parameter's type", c.Cloexec)
		}
	}
	for _, x := range call.Args {
		arg, err := b.arg(c, x)
		if err != nil {
			return a.Pos.errorf("call %s: %v", c.Name, err)
		}
		c.Args = append(c.Args, arg)
	}
	return nil
}

// arg parses one argument of sys. The forms are in gen/README.md.
func (b *builder) arg(c *Call, x ast.Expr) (Arg, error) {
	bad := func() (Arg, error) { return Arg{}, fmt.Errorf("unsupported argument %s", types.ExprString(x)) }
	switch x := x.(type) {
	case *ast.BasicLit:
		if x.Kind != token.INT {
			return bad()
		}
		return Arg{Kind: ArgInt, Text: x.Value}, nil
	case *ast.Ident:
		if x.Name == "nil" {
			return Arg{Kind: ArgNil}, nil
		}
		p := c.param(x.Name)
		if p == nil || !c.isParam(p) {
			if t, _ := b.m.constant(x.Name); t != nil {
				return Arg{Kind: ArgConst, Text: x.Name}, nil
			}
			return Arg{}, fmt.Errorf("argument %s is not a parameter or a constant", x.Name)
		}
		switch {
		case p.slice():
			return Arg{Kind: ArgSlice, Param: p}, nil
		case p.pointer():
			return Arg{Kind: ArgPointer, Param: p}, nil
		case p.Type == "bool":
			return Arg{Kind: ArgBool, Param: p}, nil
		case p.Type == "int":
			p.CInt = true
		}
		t, _ := b.m.constant(c.Cloexec)
		return Arg{Kind: ArgValue, Param: p, Cloexec: t != nil && t.Name == p.Type}, nil
	case *ast.UnaryExpr:
		id, ok := x.X.(*ast.Ident)
		if x.Op != token.AND || !ok {
			return bad()
		}
		p := c.param(id.Name)
		if p == nil {
			return Arg{}, fmt.Errorf("&%s: not a parameter or result", id.Name)
		}
		if !c.isParam(p) {
			p.Filled = true
		}
		return Arg{Kind: ArgAddr, Param: p}, nil
	case *ast.CallExpr:
		fn, ok := x.Fun.(*ast.Ident)
		if !ok || len(x.Args) != 1 {
			return bad()
		}
		name := types.ExprString(x.Args[0])
		p := c.param(name)
		switch {
		case fn.Name == "len" && p != nil && p.slice():
			return Arg{Kind: ArgLen, Param: p}, nil
		case fn.Name == "sizeof" && p != nil && p.slice():
			return Arg{Kind: ArgBytes, Param: p}, nil
		case fn.Name == "sizeof" && p != nil:
			return Arg{Kind: ArgSizeofVar, Param: p}, nil
		case fn.Name == "sizeof" && b.m.structNamed(name) != nil:
			return Arg{Kind: ArgSizeofType, Text: name}, nil
		}
	}
	return bad()
}

// block parses the blocking rule: never, always, or unless CLAUSE [or
// CLAUSE]..., where a CLAUSE is COND [and COND]... and a COND is "P zero",
// "P empty", "P has CONST" or "P lacks CONST".
func (b *builder) block(c *Call, attrs map[string]*Node) error {
	a := attrs["block"]
	w := a.Words[1:]
	switch {
	case len(w) == 1 && (w[0] == "never" || w[0] == "always"):
		c.Block.Kind = w[0]
		return nil
	case len(w) < 3 || w[0] != "unless":
		return a.Pos.errorf("want: block never, block always, or block unless COND [and COND]... [or COND...]...")
	}
	c.Block.Kind = "unless"
	const want = "want P zero (an integer or pointer), P empty (a slice), P has CONST or P lacks CONST"
	for _, clause := range splitWords(w[1:], "or") {
		var cl Clause
		for _, cond := range splitWords(clause, "and") {
			if len(cond) < 2 {
				return a.Pos.errorf("block: %q: %s", strings.Join(cond, " "), want)
			}
			p := c.param(cond[0])
			if p == nil || !c.isParam(p) {
				return a.Pos.errorf("block: %s is not a parameter", cond[0])
			}
			k := Cond{Param: p, Kind: cond[len(cond)-1]}
			switch {
			case len(cond) == 2 && k.Kind == "zero" && !p.slice() && p.Type != "bool":
				if p.pointer() && b.m.structNamed(p.elem()) == nil && !strings.Contains(p.elem(), ".") {
					return a.Pos.errorf("block: %s zero: a pointer's zero is its struct's zero value", p.Name)
				}
			case len(cond) == 2 && k.Kind == "empty" && p.slice():
			case len(cond) == 3 && (cond[1] == "has" || cond[1] == "lacks"):
				k.Kind, k.Const = cond[1], cond[2]
				if t, _ := b.m.constant(k.Const); t == nil || t.Name != p.Type {
					return a.Pos.errorf("block: %s %s %s: not a constant of %s's type", p.Name, cond[1], k.Const, p.Name)
				}
			default:
				return a.Pos.errorf("block: %q: %s", strings.Join(cond, " "), want)
			}
			cl = append(cl, k)
		}
		c.Block.Clauses = append(c.Block.Clauses, cl)
	}
	return nil
}

// splitWords splits words at each sep.
func splitWords(words []string, sep string) [][]string {
	out := [][]string{{}}
	for _, w := range words {
		if w == sep {
			out = append(out, []string{})
			continue
		}
		out[len(out)-1] = append(out[len(out)-1], w)
	}
	return out
}

// ret finds the result the return value goes to (the first not filled
// through a pointer) and parses the ret line.
func (b *builder) ret(c *Call, attrs map[string]*Node) error {
	for _, r := range c.Results {
		if !r.Filled {
			c.Ret = r
			break
		}
	}
	a := attrs["ret"]
	if a == nil {
		return nil
	}
	if len(a.Words) != 3 || a.Words[1] != "count" {
		return a.Pos.errorf("want: ret count SLICE")
	}
	p := c.param(a.Words[2])
	switch {
	case c.Ret == nil || c.Ret.Type != "int":
		return a.Pos.errorf("ret count: the call needs an int result to return the count in")
	case p == nil || !slices.ContainsFunc(c.Args, func(x Arg) bool { return x.Kind == ArgBytes && x.Param == p }):
		return a.Pos.errorf("ret count %s: sys must pass sizeof(%s), the slice's byte length", a.Words[2], a.Words[2])
	case b.m.structNamed(p.elem()) == nil:
		return a.Pos.errorf("ret count %s: its elements must be a spec struct", a.Words[2])
	}
	c.RetRule.Count = p
	return nil
}

// windows checks the attributes of DLL calls.
func (b *builder) windows(c *Call, attrs map[string]*Node) error {
	switch {
	case (c.DLL != "") != (c.Fail != "") || (c.Fail != "" && c.Fail != "zero" && c.Fail != "ntstatus"):
		return c.Pos.errorf("call %s: a DLL call needs fail zero or fail ntstatus, and only a DLL call has fail", c.Name)
	case c.DLL != "" && c.Cloexec != "":
		return c.Pos.errorf("call %s: a DLL call takes no cloexec", c.Name)
	case c.ForkLock && (c.DLL != "" || c.Cloexec != "" || c.Ret == nil || c.Ret.Type != "int" || c.Ret.FD == ""):
		return c.Pos.errorf("call %s: forklock is for a system or libc call whose int result is a descriptor (fd), without cloexec", c.Name)
	case c.Fail == "ntstatus" && (c.Ret == nil || c.Ret.Type != "windows.NTStatus"):
		return c.Pos.errorf("call %s: fail ntstatus needs a first result of type windows.NTStatus", c.Name)
	}
	if a := attrs["failclear"]; a != nil {
		if c.Fail != "zero" {
			return a.Pos.errorf("failclear is for fail zero")
		}
		for _, name := range a.Words[1:] {
			p := c.param(name)
			if p == nil || c.isParam(p) {
				return a.Pos.errorf("failclear %s names no result", name)
			}
			c.Clear = append(c.Clear, p)
		}
	}
	return nil
}

// checkCalls makes the checks that need every call and the whole spec.
func (b *builder) checkCalls() error {
	m := b.m
	win := m.Windows()
	for _, c := range m.Calls {
		switch {
		case win && c.DLL == "":
			return c.Pos.errorf("call %s: in a spec of DLL calls, every call needs dll", c.Name)
		case !win && c.DLL != "":
			return c.Pos.errorf("call %s: a DLL call in a spec of system calls", c.Name)
		case win && m.Libc != "":
			return c.Pos.errorf("call %s: a DLL call takes no libc", c.Name)
		case m.Libc != "" && len(c.Args) > 9, m.Libc == "" && !win && len(c.Args) > 6:
			return c.Pos.errorf("call %s: too many arguments", c.Name)
		case m.Libc != "" && len(c.Args) > 6 && (m.LibcABI != "trampoline" || slices.ContainsFunc(m.Targets, func(t Target) bool { return t.GOOS != "darwin" })):
			// Only darwin's runtime has the 9-argument libc entry points.
			return c.Pos.errorf("call %s: more than 6 arguments through libc work only on darwin", c.Name)
		}
		if m.Libc != "" || win {
			continue
		}
		i := slices.IndexFunc(m.Sysnums, func(s *Sysnum) bool { return s.Name == c.Entry })
		for t := range m.Targets {
			if i < 0 || !m.Sysnums[i].Has(t) {
				return c.Pos.errorf("call %s: no system call number for %s on %s", c.Name, c.Entry, m.Targets[t])
			}
		}
	}
	if len(m.HotErrs) > 0 && !win {
		return b.hoterr.errorf("hoterr is for specs with DLL calls")
	}
	return nil
}
