package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"
)

// param is a Go parameter or result of a call.
type param struct{ name, typ string }

// fields flattens a Go parameter list.
func fields(fl *ast.FieldList) ([]param, error) {
	var out []param
	if fl == nil {
		return nil, nil
	}
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			return nil, fmt.Errorf("parameters and results must be named")
		}
		for _, n := range f.Names {
			out = append(out, param{n.Name, types.ExprString(f.Type)})
		}
	}
	return out, nil
}

func find(ps []param, name string) (param, bool) {
	for _, p := range ps {
		if p.name == name {
			return p, true
		}
	}
	return param{}, false
}

// parseCall parses a call's Go signature and its system call expression.
func parseCall(c *Call) (params, results []param, sys *ast.CallExpr, err error) {
	e, err := parser.ParseExpr("func" + c.GoSig)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("go signature: %v", err)
	}
	ft := e.(*ast.FuncType)
	if params, err = fields(ft.Params); err != nil {
		return nil, nil, nil, err
	}
	if results, err = fields(ft.Results); err != nil {
		return nil, nil, nil, err
	}
	if e, err = parser.ParseExpr(c.Sys); err != nil {
		return nil, nil, nil, fmt.Errorf("sys: %v", err)
	}
	sys, ok := e.(*ast.CallExpr)
	if !ok {
		return nil, nil, nil, fmt.Errorf("sys is not a call")
	}
	return params, results, sys, nil
}

// callParts is what a call's Go function is rendered from, for system,
// libc and DLL calls alike.
type callParts struct {
	params, results []param
	fn              string   // the kernel entry, C function or DLL function
	args            []string // the arguments as uintptr expressions
	checks          []string // Go ints the kernel reads as C int: out of range gives EINVAL
	prelude         string   // statements computing some of args
	ret             *param   // the first result not filled through a pointer: it takes the return value
}

// parts parses c and renders its arguments.
func (s *Spec) parts(c *Call) (*callParts, error) {
	params, results, sys, err := parseCall(c)
	if err != nil {
		return nil, err
	}
	if c.Block != "never" && c.Block != "always" && !strings.Contains(c.Block, "timeout") {
		return nil, fmt.Errorf("block condition %q does not test the timeout", c.Block)
	}
	p := &callParts{params: params, results: results, fn: types.ExprString(sys.Fun)}
	var prelude strings.Builder
	outs := map[string]bool{} // results filled through a pointer
	for _, a := range sys.Args {
		arg, err := s.sysArg(a, c, params, results, &p.checks, &prelude, outs)
		if err != nil {
			return nil, err
		}
		p.args = append(p.args, arg)
	}
	p.prelude = prelude.String()
	for i := range results {
		if !outs[results[i].name] {
			p.ret = &results[i]
			break
		}
	}
	return p, nil
}

// renderCall writes the Go function of a call. sysnums holds the system calls
// the target has.
func (s *Spec) renderCall(c *Call, sysnums map[string]bool) (string, error) {
	p, err := s.parts(c)
	if err != nil {
		return "", err
	}
	params, results, kernel, checks, args, ret := p.params, p.results, p.fn, p.checks, p.args, p.ret
	if s.Libc == "" && !sysnums[kernel] {
		return "", fmt.Errorf("no system call number for %s", kernel)
	}
	if len(args) > 6 && (s.Libc == "" || len(args) > 9) {
		return "", fmt.Errorf("too many arguments")
	}
	if len(args) > 6 && slices.ContainsFunc(s.Targets, func(t Target) bool { return t.GOOS != "darwin" }) {
		// Only darwin's runtime has the 9-argument libc entry points.
		return "", fmt.Errorf("more than 6 arguments through libc work only on darwin")
	}

	var b strings.Builder
	b.WriteString(docComment(c.Doc))
	b.WriteString("//\n")
	switch {
	case s.Libc != "" && c.Block == "never":
		fmt.Fprintf(&b, "// It does not block: it calls %s in %s without handing its thread to\n"+
			"// the Go scheduler.\n", kernel, s.Libc)
	case s.Libc != "" && c.Block == "always":
		fmt.Fprintf(&b, "// It may block: it calls %s in %s, and lets the Go scheduler run other\n"+
			"// goroutines meanwhile.\n", kernel, s.Libc)
	case s.Libc != "":
		fmt.Fprintf(&b, "// It calls %s in %s. It may block when %s, and then\n"+
			"// lets the Go scheduler run other goroutines meanwhile; otherwise it does\n"+
			"// not block, and keeps its thread from the scheduler.\n", kernel, s.Libc, c.Block)
	case c.Block == "never":
		b.WriteString("// It does not block: it enters the kernel by the raw system call path.\n")
	case c.Block == "always":
		b.WriteString("// It may block, and lets the Go scheduler run other goroutines meanwhile.\n")
	default:
		// A conditional block is always a timeout test: see the spec format.
		fmt.Fprintf(&b, "// It may block when %s, and then lets the Go scheduler run\n"+
			"// other goroutines meanwhile; otherwise it does not block, and it\n"+
			"// enters the kernel by the raw system call path.\n", c.Block)
	}
	if c.Cloexec != "" {
		fmt.Fprintf(&b, "// The new descriptor is close-on-exec: %s is always added to flags.\n", c.Cloexec)
	}
	if c.CProto != "" {
		fmt.Fprintf(&b, "//\n// C: %s\n", c.CProto)
	}
	fmt.Fprintf(&b, "//\n// See %s\n", s.manURL(c.Man))

	b.WriteString(signature(c.Name, params, results))

	// On failure an int result is -1, as in C, and err is the errno.
	fail := func(errno string) string {
		if ret != nil && ret.typ == "int" {
			return fmt.Sprintf("%s = -1\nerr = %s\nreturn\n", ret.name, errno)
		}
		return "err = " + errno + "\nreturn\n"
	}
	if len(checks) > 0 {
		fmt.Fprintf(&b, "if %s {\n%s}\n", strings.Join(checks, " || "), fail("unix.EINVAL"))
	}
	b.WriteString(p.prelude)

	nargs, raw, entry := entryPoints(s.Libc != "", len(args))
	for len(args) < nargs {
		args = append(args, "0")
	}
	callArgs := sysConst(kernel) + ", " + strings.Join(args, ", ")
	if s.Libc != "" {
		callArgs = trampoline(kernel) + ", " + strings.Join(args, ", ")
	}
	lhs := "_"
	if ret != nil {
		lhs = "r0"
	}
	switch c.Block {
	case "never":
		fmt.Fprintf(&b, "%s, _, e1 := %s(%s)\n", lhs, raw, callArgs)
	case "always":
		fmt.Fprintf(&b, "%s, _, e1 := %s(%s)\n", lhs, entry, callArgs)
	default:
		if ret != nil {
			b.WriteString("var r0 uintptr\n")
		}
		b.WriteString("var e1 syscall.Errno\n")
		fmt.Fprintf(&b, "if %s {\n%s, _, e1 = %s(%s)\n} else {\n%s, _, e1 = %s(%s)\n}\n",
			c.Block, lhs, entry, callArgs, lhs, raw, callArgs)
	}
	fmt.Fprintf(&b, "if e1 != 0 {\n%s}\n", fail("e1"))
	if ret != nil {
		conv := c.Ret
		if conv == "" {
			conv = ret.typ + "(r0)"
		}
		fmt.Fprintf(&b, "%s = %s\n", ret.name, conv)
	}
	b.WriteString("return\n}\n")
	return b.String(), nil
}

// entryPoints names the Go functions that make a call with n arguments: the
// argument count they take, the raw one (no scheduler hand-off) and the one
// that may block. Raw system calls use package syscall's; libc calls use the
// runtime's libc entry points, reached by linkname (see libcLinknames).
func entryPoints(libc bool, n int) (nargs int, raw, blocking string) {
	switch {
	case libc && n > 6:
		return 9, "syscall_rawSyscall9", "syscall_syscall9"
	case libc:
		return 6, "syscall_rawSyscall6", "syscall_syscall6"
	case n > 3:
		return 6, "syscall.RawSyscall6", "syscall.Syscall6"
	}
	return 3, "syscall.RawSyscall", "syscall.Syscall"
}

// trampoline names the variable holding the address of a libc function's
// trampoline, which the generated assembly defines.
func trampoline(fn string) string { return "libc_" + fn + "_trampoline_addr" }

// libcItems renders what a libc call needs besides its function: the dynamic
// import of the C function and the variable its trampoline's address is in.
func (s *Spec) libcItems() ([]item, error) {
	var out []item
	used := map[string]bool{}
	for _, c := range s.Calls {
		_, _, sys, err := parseCall(c)
		if err != nil {
			return nil, err
		}
		fn := types.ExprString(sys.Fun)
		_, raw, blocking := entryPoints(true, len(sys.Args))
		switch c.Block {
		case "never":
			used[raw] = true
		case "always":
			used[blocking] = true
		default:
			used[raw], used[blocking] = true, true
		}
		out = append(out, item{kind: "syscall", key: "05.libc." + fn, code: fmt.Sprintf(
			"var %s uintptr\n\n//go:cgo_import_dynamic libc_%s %s %q\n", trampoline(fn), fn, fn, s.Libc)})
	}
	var b strings.Builder
	b.WriteString("// The runtime's entry points into libc, which call fn with the arguments\n" +
		"// and return errno as an Errno. Package syscall declares them and the runtime\n" +
		"// implements them; golang.org/x/sys/unix reaches them the same way. The\n" +
		"// linknames need package unsafe.\nvar _ unsafe.Pointer\n")
	var names []string
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args := "a1, a2, a3, a4, a5, a6"
		if strings.HasSuffix(n, "9") {
			args += ", a7, a8, a9"
		}
		fmt.Fprintf(&b, "\n//go:linkname %s syscall.%s\nfunc %s(fn, %s uintptr) (r1, r2 uintptr, err syscall.Errno)\n",
			n, strings.TrimPrefix(n, "syscall_"), n, args)
	}
	out = append(out, item{kind: "syscall", key: "05.0", code: b.String()})
	return out, nil
}

// asmFile renders the trampolines of the libc calls for one target: each
// jumps to the C function, whose address the dynamic linker fills in.
func (s *Spec) asmFile(t Target) ([]byte, error) {
	ptr := 8
	if t.GOARCH == "386" || t.GOARCH == "arm" {
		ptr = 4
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by gen from %s; DO NOT EDIT.\n", s.File)
	fmt.Fprintf(&b, "// Facts current as of %s.\n\n", s.AsOf)
	fmt.Fprintf(&b, "//go:build %s\n\n#include \"textflag.h\"\n", buildTag([]Target{t}))
	var fns []string
	for _, c := range s.Calls {
		_, _, sys, err := parseCall(c)
		if err != nil {
			return nil, err
		}
		fns = append(fns, types.ExprString(sys.Fun))
	}
	sort.Strings(fns)
	for _, fn := range slices.Compact(fns) {
		jump := "\tJMP\tlibc_" + fn + "(SB)\n"
		if t.GOARCH == "ppc64" { // a call through the TOC: the C function returns here
			jump = "\tCALL\tlibc_" + fn + "(SB)\n\tRET\n"
		}
		fmt.Fprintf(&b, "\nTEXT libc_%s_trampoline<>(SB),NOSPLIT,$0-0\n%s", fn, jump)
		fmt.Fprintf(&b, "GLOBL\t·%s(SB), RODATA, $%d\n", trampoline(fn), ptr)
		fmt.Fprintf(&b, "DATA\t·%s(SB)/%d, $libc_%s_trampoline<>(SB)\n", trampoline(fn), ptr, fn)
	}
	return []byte(b.String()), nil
}

// sysArg renders one argument of the system call as a uintptr expression.
func (s *Spec) sysArg(a ast.Expr, c *Call, params, results []param, checks *[]string, prelude *strings.Builder, outs map[string]bool) (string, error) {
	switch a := a.(type) {
	case *ast.BasicLit:
		if a.Kind != token.INT {
			return "", fmt.Errorf("argument %s is not an integer", a.Value)
		}
		return a.Value, nil
	case *ast.Ident:
		if a.Name == "nil" {
			return "0", nil
		}
		p, ok := find(params, a.Name)
		if !ok {
			return "", fmt.Errorf("argument %s is not a parameter", a.Name)
		}
		switch {
		case strings.HasPrefix(p.typ, "[]"):
			ptr := "_p_" + p.name
			fmt.Fprintf(prelude, "var %s unsafe.Pointer\nif len(%s) > 0 {\n%s = unsafe.Pointer(&%s[0])\n}\n", ptr, p.name, ptr, p.name)
			return "uintptr(" + ptr + ")", nil
		case strings.HasPrefix(p.typ, "*"):
			return "uintptr(unsafe.Pointer(" + p.name + "))", nil
		case p.typ == "int":
			*checks = append(*checks, fmt.Sprintf("int(int32(%s)) != %s", p.name, p.name))
		case p.typ == "bool": // C's BOOL or BOOLEAN: 1 or 0
			v := "_p_" + p.name
			fmt.Fprintf(prelude, "var %s uintptr\nif %s {\n%s = 1\n}\n", v, p.name, v)
			return v, nil
		}
		if c.Cloexec != "" && s.constType(c.Cloexec) == p.typ {
			return "uintptr(" + p.name + "|" + c.Cloexec + ")", nil
		}
		return "uintptr(" + p.name + ")", nil
	case *ast.UnaryExpr:
		id, ok := a.X.(*ast.Ident)
		if a.Op != token.AND || !ok {
			return "", fmt.Errorf("unsupported argument %s", types.ExprString(a))
		}
		if _, ok := find(results, id.Name); ok {
			outs[id.Name] = true
		} else if _, ok := find(params, id.Name); !ok {
			return "", fmt.Errorf("&%s: not a parameter or result", id.Name)
		}
		return "uintptr(unsafe.Pointer(&" + id.Name + "))", nil
	case *ast.CallExpr:
		fn := types.ExprString(a.Fun)
		if len(a.Args) != 1 {
			return "", fmt.Errorf("%s takes one argument", fn)
		}
		x := types.ExprString(a.Args[0])
		p, isParam := find(params, x)
		if r, ok := find(results, x); ok {
			p, isParam = r, true
		}
		switch {
		case fn == "len" && isParam && strings.HasPrefix(p.typ, "[]"):
			*checks = append(*checks, fmt.Sprintf("int(int32(len(%s))) != len(%s)", x, x))
			return "uintptr(len(" + x + "))", nil
		case fn == "sizeof" && isParam && strings.HasPrefix(p.typ, "[]"):
			return "uintptr(len(" + x + "))*unsafe.Sizeof(" + x + "[0])", nil
		case fn == "sizeof" && isParam:
			return "unsafe.Sizeof(" + x + ")", nil
		case fn == "sizeof" && s.isType(x):
			return "unsafe.Sizeof(" + x + "{})", nil
		}
		return "", fmt.Errorf("unsupported argument %s", types.ExprString(a))
	}
	return "", fmt.Errorf("unsupported argument %s", types.ExprString(a))
}

func (s *Spec) constType(name string) string {
	for _, d := range s.Types {
		for _, c := range d.Consts {
			if c.Name == name {
				return d.Name
			}
		}
	}
	return ""
}

func (s *Spec) isType(name string) bool {
	for _, st := range s.Structs {
		if st.Name == name {
			return true
		}
	}
	return false
}

func (s *Spec) manURL(man string) string {
	if strings.HasPrefix(man, "https://") { // a page the manurl pattern cannot give
		return man
	}
	page, section, _ := strings.Cut(strings.TrimSuffix(man, ")"), "(")
	return strings.NewReplacer("{page}", page, "{section}", section).Replace(s.ManURL)
}
