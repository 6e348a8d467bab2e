package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
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

// renderCall writes the Go function of a call. sysnums holds the system calls
// the target has.
func (s *Spec) renderCall(c *Call, sysnums map[string]bool) (string, error) {
	params, results, sys, err := parseCall(c)
	if err != nil {
		return "", err
	}
	kernel := types.ExprString(sys.Fun)
	if !sysnums[kernel] {
		return "", fmt.Errorf("no system call number for %s", kernel)
	}
	if c.Block != "never" && c.Block != "always" && !strings.Contains(c.Block, "timeout") {
		return "", fmt.Errorf("block condition %q does not test the timeout", c.Block)
	}
	if len(sys.Args) > 6 {
		return "", fmt.Errorf("more than 6 arguments")
	}

	var (
		checks  []string // Go ints the kernel reads as C int: out of range gives EINVAL
		prelude strings.Builder
		args    []string
		outs    = map[string]bool{} // results filled through a pointer
	)
	for _, a := range sys.Args {
		arg, err := s.sysArg(a, c, params, results, &checks, &prelude, outs)
		if err != nil {
			return "", err
		}
		args = append(args, arg)
	}
	// The first result not filled through a pointer takes the return value.
	var ret *param
	for i := range results {
		if !outs[results[i].name] {
			ret = &results[i]
			break
		}
	}

	var b strings.Builder
	b.WriteString(docComment(c.Doc))
	b.WriteString("//\n")
	switch c.Block {
	case "never":
		b.WriteString("// It does not block: it enters the kernel by the raw system call path.\n")
	case "always":
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

	var sig []string
	for _, p := range params {
		sig = append(sig, p.name+" "+p.typ)
	}
	var res []string
	for _, r := range results {
		res = append(res, r.name+" "+r.typ)
	}
	res = append(res, "err error")
	fmt.Fprintf(&b, "func %s(%s) (%s) {\n", c.Name, strings.Join(sig, ", "), strings.Join(res, ", "))

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
	b.WriteString(prelude.String())

	fn := "Syscall"
	if len(args) > 3 {
		fn = "Syscall6"
	}
	for len(args) < map[string]int{"Syscall": 3, "Syscall6": 6}[fn] {
		args = append(args, "0")
	}
	callArgs := sysConst(kernel) + ", " + strings.Join(args, ", ")
	lhs := "_"
	if ret != nil {
		lhs = "r0"
	}
	switch c.Block {
	case "never":
		fmt.Fprintf(&b, "%s, _, e1 := syscall.Raw%s(%s)\n", lhs, fn, callArgs)
	case "always":
		fmt.Fprintf(&b, "%s, _, e1 := syscall.%s(%s)\n", lhs, fn, callArgs)
	default:
		if ret != nil {
			b.WriteString("var r0 uintptr\n")
		}
		b.WriteString("var e1 syscall.Errno\n")
		fmt.Fprintf(&b, "if %s {\n%s, _, e1 = syscall.%s(%s)\n} else {\n%s, _, e1 = syscall.Raw%s(%s)\n}\n",
			c.Block, lhs, fn, callArgs, lhs, fn, callArgs)
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
	page, section, _ := strings.Cut(strings.TrimSuffix(man, ")"), "(")
	return strings.NewReplacer("{page}", page, "{section}", section).Replace(s.ManURL)
}
