package main

import (
	"fmt"
	"go/types"
	"sort"
	"strings"
)

// Windows DLL calls. Each function is looked up lazily in its System32 DLL
// (windows.NewLazySystemDLL): a function an older Windows lacks makes its
// call return the lookup error, and nothing panics at load time. Every call
// goes through syscall.SyscallN, the only entry Go has for DLL calls. How
// failure shows is the call's fail attribute:
//
//   - zero: the function returns FALSE or NULL, and the error is
//     GetLastError's, as a syscall.Errno;
//   - ntstatus: the function returns an NTSTATUS, handed back as the first
//     result; a failure status (NT_SUCCESS false) is also the error, as a
//     windows.NTStatus.

// procVar names the variable of a DLL function.
func procVar(fn string) string { return "proc" + fn }

// modVar names the variable of a DLL: kernel32.dll gives modkernel32.
func modVar(dll string) string {
	return "mod" + strings.ToLower(strings.TrimSuffix(dll, ".dll"))
}

// renderWinCall writes the Go function of a DLL call.
func (s *Spec) renderWinCall(c *Call) (string, error) {
	p, err := s.parts(c)
	if err != nil {
		return "", err
	}
	params, results, fn, checks, args, ret := p.params, p.results, p.fn, p.checks, p.args, p.ret
	if c.Fail != "zero" && len(c.Clear) > 0 {
		return "", fmt.Errorf("failclear is for fail zero")
	}
	if c.Fail == "ntstatus" && (ret == nil || ret.typ != "windows.NTStatus") {
		return "", fmt.Errorf("fail ntstatus needs a first result of type windows.NTStatus")
	}

	var b strings.Builder
	b.WriteString(docComment(c.Doc))
	b.WriteString("//\n")
	switch c.Block {
	case "never":
		b.WriteString("// It does not block.\n")
	case "always":
		b.WriteString("// It may block; the Go scheduler runs other goroutines meanwhile.\n")
	default:
		fmt.Fprintf(&b, "// It may block when %s; the Go scheduler runs other goroutines\n// meanwhile.\n", c.Block)
	}
	fmt.Fprintf(&b, "// It calls %s in %s, looked up on first use: where\n"+
		"// Windows lacks it, the call returns the lookup error.\n", fn, c.DLL)
	if c.CProto != "" {
		fmt.Fprintf(&b, "//\n// C: %s\n", c.CProto)
	}
	fmt.Fprintf(&b, "//\n// See %s\n", s.manURL(c.Man))
	b.WriteString(signature(c.Name, params, results))

	if len(checks) > 0 {
		fmt.Fprintf(&b, "if %s {\nerr = syscall.EINVAL\nreturn\n}\n", strings.Join(checks, " || "))
	}
	fmt.Fprintf(&b, "if err = %s.Find(); err != nil {\nreturn\n}\n", procVar(fn))
	b.WriteString(p.prelude)
	call := fmt.Sprintf("syscall.SyscallN(%s.Addr(), %s)", procVar(fn), strings.Join(args, ", "))
	switch c.Fail {
	case "zero":
		var clear strings.Builder
		for _, name := range c.Clear {
			r, ok := find(results, name)
			if !ok {
				return "", fmt.Errorf("failclear %s names no result", name)
			}
			zero := "0"
			if strings.HasPrefix(r.typ, "*") {
				zero = "nil"
			}
			fmt.Fprintf(&clear, "%s = %s\n", r.name, zero)
		}
		fmt.Fprintf(&b, "r0, _, e1 := %s\nif r0 == 0 {\n%serr = errnoErr(e1)\nreturn\n}\n", call, clear.String())
		if ret != nil {
			conv := c.Ret
			if conv == "" {
				conv = ret.typ + "(r0)"
			}
			fmt.Fprintf(&b, "%s = %s\n", ret.name, conv)
		}
	case "ntstatus":
		fmt.Fprintf(&b, "r0, _, _ := %s\n%s = windows.NTStatus(r0)\n", call, ret.name)
		fmt.Fprintf(&b, "if int32(%s) < 0 {\nerr = %s\n}\n", ret.name, ret.name)
	}
	b.WriteString("return\n}\n")
	return b.String(), nil
}

// signature writes a call's func line: its parameters, then its results and err.
func signature(name string, params, results []param) string {
	var sig, res []string
	for _, p := range params {
		sig = append(sig, p.name+" "+p.typ)
	}
	for _, r := range results {
		res = append(res, r.name+" "+r.typ)
	}
	res = append(res, "err error")
	return fmt.Sprintf("func %s(%s) (%s) {\n", name, strings.Join(sig, ", "), strings.Join(res, ", "))
}

// winItems renders the DLL and function variables, and errnoErr.
func (s *Spec) winItems() ([]item, error) {
	dlls := map[string]bool{}
	var out []item
	for _, c := range s.Calls {
		_, _, sys, err := parseCall(c)
		if err != nil {
			return nil, err
		}
		fn := types.ExprString(sys.Fun)
		dlls[c.DLL] = true
		out = append(out, item{kind: "syscall", key: "05.proc." + fn, group: "procs",
			code: fmt.Sprintf("%s = %s.NewProc(%q)\n", procVar(fn), modVar(c.DLL), fn)})
	}
	var names []string
	for d := range dlls {
		names = append(names, d)
	}
	sort.Strings(names)
	for _, d := range names {
		out = append(out, item{kind: "syscall", key: "05.dll." + d, group: "dlls",
			code: fmt.Sprintf("%s = windows.NewLazySystemDLL(%q)\n", modVar(d), d)})
	}
	var b strings.Builder
	b.WriteString("// errnoErr returns e as an error. Converting an Errno above 255 to an\n" +
		"// interface allocates, so the errors that come back on the hot paths are\n" +
		"// converted once, here. A failure without a last error (e == 0) gives EINVAL.\n" +
		"func errnoErr(e syscall.Errno) error {\nswitch e {\ncase 0:\nreturn errEINVAL\n")
	for _, e := range s.HotErrs {
		fmt.Fprintf(&b, "case windows.%s:\nreturn err%s\n", e, e)
	}
	b.WriteString("}\nreturn e\n}\n\nvar (\nerrEINVAL error = syscall.EINVAL\n")
	for _, e := range s.HotErrs {
		fmt.Fprintf(&b, "err%s error = windows.%s\n", e, e)
	}
	b.WriteString(")\n")
	out = append(out, item{kind: "syscall", key: "05.0", code: b.String()})
	return out, nil
}
