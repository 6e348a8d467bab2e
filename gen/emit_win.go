package main

// Emitting Windows DLL calls. Each function is looked up lazily in its
// System32 DLL (windows.NewLazySystemDLL): a function an older Windows lacks
// makes its call return the lookup error, and nothing panics at load time.
// Every call goes through syscall.SyscallN, the only entry Go has for DLL
// calls. How failure shows is the call's fail attribute:
//
//   - zero: the function returns FALSE or NULL, and the error is
//     GetLastError's, as a syscall.Errno;
//   - ntstatus: the function returns an NTSTATUS, handed back as the first
//     result; a failure status (NT_SUCCESS false) is also the error, as a
//     windows.NTStatus.

import (
	"fmt"
	"sort"
	"strings"
)

// procVar names the variable of a DLL function, or of a C function's
// address (libc through sysvicall6).
func procVar(fn string) string { return "proc" + fn }

// modVar names the variable of a DLL: kernel32.dll gives modkernel32.
func modVar(dll string) string {
	return "mod" + strings.ToLower(strings.TrimSuffix(dll, ".dll"))
}

// renderWinCall writes the Go function of a DLL call.
func (m *Model) renderWinCall(c *Call) string {
	args, checks, prelude := m.callArgs(c)
	var b strings.Builder
	b.WriteString(docComment(c.Doc))
	b.WriteString("//\n")
	switch c.Block.Kind {
	case "never":
		b.WriteString("// It does not block.\n")
	case "always":
		b.WriteString("// It may block; the Go scheduler runs other goroutines meanwhile.\n")
	default:
		fmt.Fprintf(&b, "// It may block when %s; the Go scheduler runs other goroutines\n// meanwhile.\n", blockCond(c.Block))
	}
	fmt.Fprintf(&b, "// It calls %s in %s, looked up on first use: where\n"+
		"// Windows lacks it, the call returns the lookup error.\n", c.Entry, c.DLL)
	switch c.Fail {
	case "zero":
		var cleared []string
		for _, r := range c.Clear {
			cleared = append(cleared, r.Name)
		}
		if c.Ret != nil {
			cleared = append([]string{c.Ret.Name}, cleared...)
		}
		fmt.Fprintf(&b, "// On failure (%s returned FALSE or NULL) err is GetLastError's error,\n"+
			"// a syscall.Errno", c.Entry)
		if len(cleared) > 0 {
			fmt.Fprintf(&b, ", and %s zero", strings.Join(cleared, ", "))
		}
		b.WriteString(".\n")
	case "ntstatus":
		fmt.Fprintf(&b, "// On failure (an NTSTATUS that is not a success) err is that status, a\n"+
			"// windows.NTStatus, which %s also holds.\n", c.Ret.Name)
	}
	if c.CProto != "" {
		fmt.Fprintf(&b, "//\n// C: %s\n", c.CProto)
	}
	fmt.Fprintf(&b, "//\n// See %s\n", m.manURL(c.Man))
	b.WriteString(signature(c))

	if len(checks) > 0 {
		fmt.Fprintf(&b, "if %s {\nerr = syscall.EINVAL\nreturn\n}\n", strings.Join(checks, " || "))
	}
	fmt.Fprintf(&b, "if err = %s.Find(); err != nil {\nreturn\n}\n", procVar(c.Entry))
	b.WriteString(prelude)
	call := fmt.Sprintf("syscall.SyscallN(%s.Addr(), %s)", procVar(c.Entry), strings.Join(args, ", "))
	switch c.Fail {
	case "zero":
		var clear strings.Builder
		for _, r := range c.Clear {
			zero := "0"
			if r.pointer() {
				zero = "nil"
			}
			fmt.Fprintf(&clear, "%s = %s\n", r.Name, zero)
		}
		fmt.Fprintf(&b, "r0, _, e1 := %s\nif r0 == 0 {\n%serr = errnoErr(e1)\nreturn\n}\n", call, clear.String())
		if c.Ret != nil {
			fmt.Fprintf(&b, "%s = %s\n", c.Ret.Name, retValue(c))
		}
	case "ntstatus":
		fmt.Fprintf(&b, "r0, _, _ := %s\n%s = windows.NTStatus(r0)\n", call, c.Ret.Name)
		fmt.Fprintf(&b, "if int32(%s) < 0 {\nerr = %s\n}\n", c.Ret.Name, c.Ret.Name)
	}
	b.WriteString("return\n}\n")
	return b.String()
}

// winItems renders the DLL and function variables, and errnoErr.
func (m *Model) winItems() []item {
	dlls := map[string]bool{}
	var out []item
	for _, c := range m.Calls {
		dlls[c.DLL] = true
		out = append(out, item{kind: "syscall", key: "05.proc." + c.Entry, group: "procs",
			code: fmt.Sprintf("%s = %s.NewProc(%q)\n", procVar(c.Entry), modVar(c.DLL), c.Entry)})
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
	for _, e := range m.HotErrs {
		fmt.Fprintf(&b, "case windows.%s:\nreturn err%s\n", e, e)
	}
	b.WriteString("}\nreturn e\n}\n\nvar (\nerrEINVAL error = syscall.EINVAL\n")
	for _, e := range m.HotErrs {
		fmt.Fprintf(&b, "err%s error = windows.%s\n", e, e)
	}
	b.WriteString(")\n")
	return append(out, item{kind: "syscall", key: "05.0", code: b.String()})
}
