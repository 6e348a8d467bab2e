package main

// Emitting calls: the Go function of each system, libc and DLL call, from
// the parts they share (arguments, range checks, blocking condition), and
// what libc calls need besides (dynamic imports, trampolines, linknames).

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// callArgs renders a call's arguments as uintptr expressions, with the
// statements that compute some of them and the range checks of Go ints the
// kernel reads as C ints.
func (m *Model) callArgs(c *Call) (args, checks []string, prelude string) {
	var pre strings.Builder
	for _, a := range c.Args {
		var name string
		if a.Param != nil {
			name = a.Param.Name
		}
		switch a.Kind {
		case ArgInt:
			args = append(args, a.Text)
		case ArgNil:
			args = append(args, "0")
		case ArgValue:
			if a.Param.CInt {
				checks = append(checks, fmt.Sprintf("int(int32(%s)) != %s", name, name))
			}
			if a.Cloexec {
				args = append(args, "uintptr("+name+"|"+c.Cloexec+")")
			} else {
				args = append(args, "uintptr("+name+")")
			}
		case ArgSlice: // the array's address, nil only for a nil slice: the kernel reads none of it when the length is 0
			args = append(args, "uintptr(unsafe.Pointer(unsafe.SliceData("+name+")))")
		case ArgPointer:
			args = append(args, "uintptr(unsafe.Pointer("+name+"))")
		case ArgBool: // C's BOOL or BOOLEAN: 1 or 0
			v := "_p_" + name
			fmt.Fprintf(&pre, "var %s uintptr\nif %s {\n%s = 1\n}\n", v, name, v)
			args = append(args, v)
		case ArgAddr:
			args = append(args, "uintptr(unsafe.Pointer(&"+name+"))")
		case ArgLen:
			checks = append(checks, fmt.Sprintf("int(int32(len(%s))) != len(%s)", name, name))
			args = append(args, "uintptr(len("+name+"))")
		case ArgBytes:
			args = append(args, "uintptr(len("+name+"))*unsafe.Sizeof("+name+"[0])")
		case ArgSizeofVar:
			args = append(args, "unsafe.Sizeof("+name+")")
		case ArgSizeofType:
			args = append(args, "unsafe.Sizeof("+a.Text+"{})")
		case ArgConst:
			args = append(args, "uintptr("+a.Text+")")
		}
	}
	for _, ml := range c.MinLen {
		checks = append(checks, fmt.Sprintf("len(%s) < len(%s)", ml[0].Name, ml[1].Name))
	}
	return args, checks, pre.String()
}

// blockCond is the Go condition under which a call of kind "unless" may
// block: none of its clauses holds, that is, each has a condition that fails.
func blockCond(bl Block) string {
	var parts []string
	for _, cl := range bl.Clauses {
		var fails []string
		for _, c := range cl {
			p := c.Param.Name
			var s string
			switch {
			case c.Kind == "empty":
				s = "len(" + p + ") > 0"
			case c.Kind == "has":
				s = p + "&" + c.Const + " == 0"
			case c.Kind == "lacks":
				s = p + "&" + c.Const + " != 0"
			case c.Param.pointer():
				s = p + " == nil || *" + p + " != (" + c.Param.elem() + "{})"
				if len(bl.Clauses) > 1 || len(cl) > 1 {
					s = "(" + s + ")"
				}
			default:
				s = p + " != 0"
			}
			fails = append(fails, s)
		}
		s := strings.Join(fails, " || ")
		if len(fails) > 1 && len(bl.Clauses) > 1 {
			s = "(" + s + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " && ")
}

// retValue converts the return value r0 to the result.
func retValue(c *Call) string {
	if p := c.RetRule.Count; p != nil {
		return fmt.Sprintf("%s(r0 / unsafe.Sizeof(%s{}))", c.Ret.Type, p.elem())
	}
	return c.Ret.Type + "(r0)"
}

// signature writes a call's func line: its parameters, then its results and err.
func signature(c *Call) string {
	var sig, res []string
	for _, p := range c.Params {
		sig = append(sig, p.Name+" "+p.Type)
	}
	for _, r := range c.Results {
		res = append(res, r.Name+" "+r.Type)
	}
	res = append(res, "err error")
	return fmt.Sprintf("func %s(%s) (%s) {\n", c.Name, strings.Join(sig, ", "), strings.Join(res, ", "))
}

// renderCall writes the Go function of a system or libc call.
func (m *Model) renderCall(c *Call) string {
	args, checks, prelude := m.callArgs(c)
	cond := blockCond(c.Block)
	var b strings.Builder
	b.WriteString(m.callDoc(c, cond))
	if m.Libc == "" && !c.ForkLock {
		// The wrapper and the syscall package's entry points it calls fit
		// in the stack guard (the linker checks): no stack check needed.
		b.WriteString("//\n//go:nosplit\n")
	}
	b.WriteString(signature(c))

	// On failure an int result is -1, as in C, and err is the errno.
	fail := func(errno string) string {
		if c.Ret != nil && c.Ret.Type == "int" {
			return fmt.Sprintf("%s = -1\nerr = %s\nreturn\n", c.Ret.Name, errno)
		}
		return "err = " + errno + "\nreturn\n"
	}
	if len(checks) > 0 {
		fmt.Fprintf(&b, "if %s {\n%s}\n", strings.Join(checks, " || "), fail("unix.EINVAL"))
	}
	b.WriteString(prelude)
	if c.ForkLock {
		b.WriteString("syscall.ForkLock.RLock()\ndefer syscall.ForkLock.RUnlock()\n")
	}

	nargs, raw, entry := m.entryPoints(len(args))
	path := c.Block.Kind
	if raw == "" {
		path = "always" // no raw path: the scheduler's, whatever the spec's rule
	}
	for len(args) < nargs {
		args = append(args, "0")
	}
	callArgs := sysConst(c.Entry) + ", " + strings.Join(args, ", ")
	switch m.LibcABI {
	case "trampoline":
		callArgs = trampoline(c.Entry) + ", " + strings.Join(args, ", ")
	case "sysvicall6":
		callArgs = fmt.Sprintf("uintptr(unsafe.Pointer(&%s)), %d, %s", procVar(c.Entry), len(c.Args), strings.Join(args, ", "))
	}
	lhs := "_"
	if c.Ret != nil {
		lhs = "r0"
	}
	switch path {
	case "never":
		fmt.Fprintf(&b, "%s, _, e1 := %s(%s)\n", lhs, raw, callArgs)
	case "always":
		fmt.Fprintf(&b, "%s, _, e1 := %s(%s)\n", lhs, entry, callArgs)
	default:
		if c.Ret != nil {
			b.WriteString("var r0 uintptr\n")
		}
		b.WriteString("var e1 syscall.Errno\n")
		fmt.Fprintf(&b, "if %s {\n%s, _, e1 = %s(%s)\n} else {\n%s, _, e1 = %s(%s)\n}\n",
			cond, lhs, entry, callArgs, lhs, raw, callArgs)
	}
	fmt.Fprintf(&b, "if e1 != 0 {\n%s}\n", fail("e1"))
	if c.Ret != nil {
		fmt.Fprintf(&b, "%s = %s\n", c.Ret.Name, retValue(c))
	}
	if c.ForkLock {
		fmt.Fprintf(&b, "if _, err = unix.FcntlInt(uintptr(%[1]s), unix.F_SETFD, unix.FD_CLOEXEC); err != nil {\nunix.Close(%[1]s)\n%[1]s = -1\n}\n", c.Ret.Name)
	}
	b.WriteString("return\n}\n")
	return b.String()
}

// failDoc says what a system or libc call returns on failure: its int
// result -1, as in C, and the errno (syscall.Errno) as err.
func failDoc(c *Call) string {
	if c.Ret != nil && c.Ret.Type == "int" {
		return fmt.Sprintf("// On failure %s is -1 and err is the errno (a syscall.Errno).\n", c.Ret.Name)
	}
	return "// On failure err is the errno (a syscall.Errno).\n"
}

// callDoc is the doc comment of a system or libc call: the spec's doc, then
// whether it blocks and which path it takes, then its C prototype and man page.
func (m *Model) callDoc(c *Call, cond string) string {
	var b strings.Builder
	b.WriteString(docComment(c.Doc))
	b.WriteString("//\n")
	_, raw, _ := m.entryPoints(len(c.Args))
	switch {
	case raw == "" && c.Block.Kind == "never":
		fmt.Fprintf(&b, "// It does not block, but it calls %s in %s through the Go scheduler's\n"+
			"// path: Go before 1.26 has no raw path for a C function of more than six\n"+
			"// arguments.\n", c.Entry, m.Libc)
	case raw == "" && c.Block.Kind != "always":
		fmt.Fprintf(&b, "// It calls %s in %s. It may block when %s;\n"+
			"// it always lets the Go scheduler run other goroutines meanwhile, as Go\n"+
			"// before 1.26 has no raw path for a C function of more than six arguments.\n", c.Entry, m.Libc, cond)
	case m.Libc != "" && c.Block.Kind == "never":
		fmt.Fprintf(&b, "// It does not block: it calls %s in %s without handing its thread to\n"+
			"// the Go scheduler.\n", c.Entry, m.Libc)
	case m.Libc != "" && c.Block.Kind == "always":
		fmt.Fprintf(&b, "// It may block: it calls %s in %s, and lets the Go scheduler run other\n"+
			"// goroutines meanwhile.\n", c.Entry, m.Libc)
	case m.Libc != "":
		fmt.Fprintf(&b, "// It calls %s in %s. It may block when %s, and then\n"+
			"// lets the Go scheduler run other goroutines meanwhile; otherwise it does\n"+
			"// not block, and keeps its thread from the scheduler.\n", c.Entry, m.Libc, cond)
	case c.Block.Kind == "never":
		b.WriteString("// It does not block: it enters the kernel by the raw system call path.\n")
	case c.Block.Kind == "always":
		b.WriteString("// It may block, and lets the Go scheduler run other goroutines meanwhile.\n")
	default:
		fmt.Fprintf(&b, "// It may block when %s, and then lets the Go scheduler run\n"+
			"// other goroutines meanwhile; otherwise it does not block, and it\n"+
			"// enters the kernel by the raw system call path.\n", cond)
	}
	if c.DLL == "" {
		b.WriteString(failDoc(c))
	}
	for _, ml := range c.MinLen {
		fmt.Fprintf(&b, "// %s must have at least len(%s) elements: otherwise err is EINVAL,\n// without a call.\n", ml[0].Name, ml[1].Name)
	}
	if c.Cloexec != "" {
		fmt.Fprintf(&b, "// The new descriptor is close-on-exec: %s is always added to flags.\n", c.Cloexec)
	}
	if c.ForkLock {
		b.WriteString("// The system has no close-on-exec form of the call: it is made with\n" +
			"// syscall.ForkLock held for reading, and the new descriptor gets\n" +
			"// FD_CLOEXEC by fcntl(2) before the lock is let go, so that no fork and\n" +
			"// exec in another goroutine inherits it; if that fcntl fails, the\n" +
			"// descriptor is closed and its error returned.\n")
	}
	if c.CProto != "" {
		fmt.Fprintf(&b, "//\n// C: %s\n", c.CProto)
	}
	fmt.Fprintf(&b, "//\n// See %s\n", m.manURL(c.Man))
	return b.String()
}

// entryPoints names the Go functions that make a call with n arguments: the
// argument count they take, the raw one (no scheduler hand-off) and the one
// that may block. Raw system calls use package syscall's; libc calls use the
// runtime's libc entry points, reached by linkname (trampolines, see
// libcItems) or by assembly stubs (sysvicall6, see asmFile). A trampoline
// call of more than 6 arguments has no raw entry point: darwin's
// syscall.rawSyscall9 exists from Go 1.26 only, and the module supports
// older Go (a program calling one did not link with 1.22 to 1.25), so raw
// is "" and such a call always takes the scheduler's path.
func (m *Model) entryPoints(n int) (nargs int, raw, blocking string) {
	switch {
	case m.LibcABI == "sysvicall6":
		return 6, "rawSysvicall6", "sysvicall6"
	case m.Libc != "" && n > 6:
		return 9, "", "syscall_syscall9"
	case m.Libc != "":
		return 6, "syscall_rawSyscall6", "syscall_syscall6"
	case n > 3:
		return 6, "syscall.RawSyscall6", "syscall.Syscall6"
	}
	return 3, "syscall.RawSyscall", "syscall.Syscall"
}

// usedEntries names the libc entry points the calls use, sorted.
func (m *Model) usedEntries() []string {
	used := map[string]bool{}
	for _, c := range m.Calls {
		_, raw, blocking := m.entryPoints(len(c.Args))
		if c.Block.Kind != "always" && raw != "" {
			used[raw] = true
		}
		if c.Block.Kind != "never" || raw == "" {
			used[blocking] = true
		}
	}
	var names []string
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// trampoline names the variable holding the address of a libc function's
// trampoline, which the generated assembly defines.
func trampoline(fn string) string { return "libc_" + fn + "_trampoline_addr" }

// libcItems renders what libc calls need besides their functions: the
// dynamic import of each C function, the variable its address (sysvicall6)
// or its trampoline's address is in, and the runtime's entry points.
func (m *Model) libcItems() []item {
	var out []item
	for _, c := range m.Calls {
		code := fmt.Sprintf("var %s uintptr\n\n//go:cgo_import_dynamic libc_%s %s %q\n", trampoline(c.Entry), c.Entry, c.Entry, m.Libc)
		if m.LibcABI == "sysvicall6" {
			code = fmt.Sprintf("//go:cgo_import_dynamic libc_%[1]s %[1]s %[2]q\n//go:linkname %[3]s libc_%[1]s\nvar %[3]s uintptr\n", c.Entry, m.Libc, procVar(c.Entry))
		}
		out = append(out, item{kind: "syscall", key: "05.libc." + c.Entry, code: code})
	}
	var b strings.Builder
	if m.LibcABI == "sysvicall6" {
		b.WriteString("// The runtime's entry points into libc, which call the function whose\n" +
			"// address is at fn with the first nargs arguments and return errno as an\n" +
			"// Errno. Package syscall declares them and the runtime implements them;\n" +
			"// the assembly stubs of this package jump to them, as golang.org/x/sys/unix's\n" +
			"// do.\n")
		for _, n := range m.usedEntries() {
			fmt.Fprintf(&b, "\nfunc %s(fn, nargs, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err syscall.Errno)\n", n)
		}
		return append(out, item{kind: "syscall", key: "05.0", code: b.String()})
	}
	b.WriteString("// The runtime's entry points into libc, which call fn with the arguments\n" +
		"// and return errno as an Errno. Package syscall declares them and the runtime\n" +
		"// implements them; golang.org/x/sys/unix reaches them the same way. The\n" +
		"// linknames need package unsafe.\nvar _ unsafe.Pointer\n")
	for _, n := range m.usedEntries() {
		args := "a1, a2, a3, a4, a5, a6"
		if strings.HasSuffix(n, "9") {
			args += ", a7, a8, a9"
		}
		fmt.Fprintf(&b, "\n//go:linkname %s syscall.%s\nfunc %s(fn, %s uintptr) (r1, r2 uintptr, err syscall.Errno)\n",
			n, strings.TrimPrefix(n, "syscall_"), n, args)
	}
	return append(out, item{kind: "syscall", key: "05.0", code: b.String()})
}

// asmFile renders the trampolines of the libc calls for one target: each
// jumps to the C function, whose address the dynamic linker fills in.
func (m *Model) asmFile(t Target) []byte {
	ptr := 8
	if !t.Is64() {
		ptr = 4
	}
	var b strings.Builder
	b.WriteString(m.header([]Target{t}))
	b.WriteString("#include \"textflag.h\"\n")
	if m.LibcABI == "sysvicall6" {
		// Stubs that jump to package syscall's entry points (fn, nargs, six
		// arguments and three results: 88 bytes of arguments).
		for _, n := range m.usedEntries() {
			fmt.Fprintf(&b, "\nTEXT ·%s(SB),NOSPLIT,$0-88\n\tJMP\tsyscall·%s(SB)\n", n, n)
		}
		return []byte(b.String())
	}
	var fns []string
	for _, c := range m.Calls {
		fns = append(fns, c.Entry)
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
	return []byte(b.String())
}
