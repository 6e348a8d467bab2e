package main

import (
	"flag"
	"go/ast"
	"go/parser"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eventq/eventq/internal/targets"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/<spec>/")

// TestGolden generates each spec in testdata and compares every file with
// testdata/<spec>/. Run go test ./gen -update to accept a deliberate change.
// mini.spec uses every feature of raw system calls on two systems;
// minilibc.spec calls through libc, as darwin and OpenBSD must, and
// minisysv.spec as illumos and Solaris must; miniwin.spec calls Windows DLL
// functions.
func TestGolden(t *testing.T) {
	tests := []struct {
		spec string
		want []string
	}{
		{"mini", []string{
			"zarch_generated_freebsd_amd64.go", "zarch_generated_freebsd_arm64.go",
			"zarch_generated_linux_amd64.go", "zarch_generated_linux_mips.go",
			"zconst_generated.go", "zconst_generated_freebsd.go", "zconst_generated_linux.go",
			"zdesc_generated.go", "zdesc_generated_freebsd_linux.json",
			"zsetters_generated.go",
			"zsyscall_generated.go", "zsyscall_generated_freebsd.go",
			"ztypes_generated.go", "ztypes_generated_freebsd.go",
		}},
		{"minilibc", []string{
			"zconst_generated_openbsd.go", "zdesc_generated_openbsd.go", "zdesc_generated_openbsd.json",
			"zsyscall_generated_openbsd.go",
			"zsyscall_generated_openbsd_386.s", "zsyscall_generated_openbsd_amd64.s",
			"zsyscall_generated_openbsd_ppc64.s",
		}},
		{"minidarwin", []string{
			"zdesc_generated_darwin.go", "zdesc_generated_darwin.json",
			"zsyscall_generated_darwin.go", "zsyscall_generated_darwin_arm64.s",
		}},
		{"minisysv", []string{
			"zconst_generated.go", "zconst_generated_illumos.go", "zconst_generated_solaris.go",
			"zdesc_generated.go", "zdesc_generated_illumos_solaris.json",
			"zsyscall_generated.go", "zsyscall_generated_illumos_amd64.s", "zsyscall_generated_solaris_amd64.s",
		}},
		{"miniwin", []string{
			"zarch_generated_windows_386.go", "zarch_generated_windows_amd64.go",
			"zconst_generated_windows.go", "zdesc_generated_windows.go", "zdesc_generated_windows.json",
			"zsyscall_generated_windows.go", "ztypes_generated_windows.go",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) { golden(t, tt.spec, tt.want) })
	}
}

// testTable is the target table of the golden specs.
func testTable(t *testing.T) targets.Table {
	src, err := os.ReadFile("testdata/targets.txt")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := targets.Parse("testdata/targets.txt", string(src))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func golden(t *testing.T, name string, want []string) {
	m, err := load("testdata/"+name+".spec", testTable(t))
	if err != nil {
		t.Fatal(err)
	}
	files := Emit(m)
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("generated file names (-want +got):\n%s", diff)
	}
	dir := filepath.Join("testdata", name)
	if *update {
		old, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
		for _, p := range old {
			os.Remove(p)
		}
		os.MkdirAll(dir, 0o755)
		for name, src := range files {
			if err := os.WriteFile(filepath.Join(dir, name+".golden"), src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, src := range files {
		golden, err := os.ReadFile(filepath.Join(dir, name+".golden"))
		if err != nil {
			t.Errorf("%v (run go test ./gen -update)", err)
			continue
		}
		if diff := cmp.Diff(string(golden), string(src)); diff != "" {
			t.Errorf("%s differs from its golden file (-golden +generated):\n%s", name, diff)
		}
	}
}

// Generating twice gives the same bytes, for every spec.
func TestDeterministic(t *testing.T) {
	specs, _ := filepath.Glob("spec/*.spec")
	if len(specs) < 8 {
		t.Fatalf("found %d specs", len(specs))
	}
	for _, spec := range specs {
		var outs []map[string][]byte
		for i := 0; i < 2; i++ {
			m, err := load(spec, targets.All())
			if err != nil {
				t.Fatal(err)
			}
			outs = append(outs, Emit(m))
		}
		if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
			t.Errorf("%s: two runs differ:\n%s", spec, diff)
		}
	}
}

// Each call's Go signature and kernel call are parsed once per generation:
// two parses a call, however many targets and files the call is rendered
// into.
func TestParsedOnce(t *testing.T) {
	parses := 0
	defer func(f func(string) (ast.Expr, error)) { parseExpr = f }(parseExpr)
	parseExpr = func(x string) (ast.Expr, error) { parses++; return parser.ParseExpr(x) }
	for _, spec := range []string{"spec/epoll_linux.spec", "spec/iocp_windows.spec", "spec/kqueue_darwin.spec"} {
		parses = 0
		m, err := load(spec, targets.All())
		if err != nil {
			t.Fatal(err)
		}
		Emit(m)
		if want := 2 * len(m.Calls); parses != want {
			t.Errorf("%s: %d parses for %d calls; want %d", spec, parses, len(m.Calls), want)
		}
	}
}

// Every mistake the spec and model stages find is reported with its file
// and line. The head takes lines 1 to 5; each case starts at line 6.
func TestSpecErrors(t *testing.T) {
	const head = "package p\nmanurl u\nasof x\nsystem linux\ngroup g amd64\n"
	const call = "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock never\n\tman read(2)\n\tdoc R.\n"
	const sys = "sysnum\n\tread 0\n"
	const dll = "call R\n\tgo (a int) (n int)\n\tsys R(a)\n\tdll k.dll\n"
	const st = "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tB int32 4\n\t\tC uint64 8\n\t\tsize 16\n"
	tests := []struct{ name, spec, want string }{
		// syntax
		{"indent with spaces", "type T int32 enum\n  A 1\n", "t.spec:7: indent with tabs"},
		{"indented too deep", "type T int32 enum\n\t\tA 1\n", "t.spec:7: indented too deep"},
		{"no such fragment", "type T int32 enum\n\tdoc T.\n\tuse F\n", "t.spec:8: no fragment F defined"},
		{"fragment uses itself", "fragment F\n\tuse F\n", "t.spec:7: fragment F uses itself"},
		{"fragment twice", "fragment F\n\tA 1\nfragment F\n\tA 1\n", "t.spec:8: fragment F defined twice"},
		{"use at top level", "use F\n", "t.spec:6: want: use FRAGMENT, indented"},
		{"include of no file", "include nope.spec\n", "t.spec:6: include: open"},
		// header lines
		{"unknown keyword", "frobnicate\n", "t.spec:6: unknown keyword"},
		{"second package", "package q\n", "t.spec:6: a second package line"},
		{"comment on a header line", "libc l.so # the C library\n", "t.spec:6: a libc line takes no # comment"},
		{"unknown system", "group h plan9\n", "t.spec:6: group h: plan9 is not a target"},
		{"group of nothing", "group h\n", "t.spec:6: want: group NAME KEY"},
		{"hoterr without DLL calls", "hoterr WAIT_TIMEOUT\n", "t.spec:6: hoterr is for specs with DLL calls"},
		// types and values
		{"type without doc", "type T int32 enum\n\tA 1\n", "t.spec:6: type T needs doc lines"},
		{"comment on a type line", "type T int32 enum # x\n\tdoc T.\n\tA 1\n", "t.spec:6: a type line takes no # comment"},
		{"unsized underlying", "type T int enum\n\tdoc T.\n\tA 1\n", "t.spec:6: type T: underlying type int"},
		{"two keys match", "type T int32 enum\n\tdoc T.\n\tA 1 amd64=2 g=3\n", "t.spec:8: keys amd64 and g both select linux/amd64"},
		{"unknown key", "type T int32 enum\n\tdoc T.\n\tA 1 arm64=2\n", "t.spec:8: arm64 is not a target"},
		{"no value", "type T int32 enum\n\tdoc T.\n\tA amd64=2\n", "t.spec:8: A has no value on linux/mips"},
		{"default after a key", "type T int32 enum\n\tdoc T.\n\tA amd64=2 1\n", "t.spec:8: A: the default \"1\" must come before"},
		{"bad number", "type T int32 enum\n\tdoc T.\n\tA 1x\n", "t.spec:8: A: \"1x\" is not an integer"},
		{"since without releases", "type T int32 enum\n\tdoc T.\n\tA 1 since=6.1\n", "t.spec:8: A: since= needs a releases line first"},
		{"since twice", "releases L\ntype T int32 enum\n\tdoc T.\n\tA 1 since=6.1 since=6.2\n", "t.spec:9: A: a second since="},
		{"since not a release", "releases L\ntype T int32 enum\n\tdoc T.\n\tA 1 since=6\n", "t.spec:9: A: since=6: want a release such as 6.9"},
		{"since with a leading zero", "releases L\ntype T int32 enum\n\tdoc T.\n\tA 1 since=6.09\n", "t.spec:9: A: since=6.09: want a release"},
		{"releases twice", "releases L\nreleases M\n", "t.spec:7: a second releases line"},
		{"value too big", "type T uint8 flags\n\tdoc T.\n\tA 0x100\n", "t.spec:8: A: 0x100 is not a value of uint8"},
		{"negative unsigned", "type T uint64 flags\n\tdoc T.\n\tA -1\n", "t.spec:8: A: -1 is not a value of uint64"},
		{"duplicate constant", "type T int32 enum\n\tdoc T.\n\tA 1\n\tA 2\n", "t.spec:9: A declared twice (first at t.spec:8)"},
		// structs
		{"no layout", "struct S\n\tdoc S.\n\tlayout amd64\n\t\tA uint32 0\n\t\tsize 4\n", "t.spec:6: struct S: no layout for linux/mips"},
		{"two layouts match", "struct S\n\tdoc S.\n\tlayout amd64\n\t\tA uint32 0\n\t\tsize 4\n\tlayout g\n\t\tA uint32 0\n\t\tsize 4\n", "t.spec:11: keys amd64 and g both select linux/amd64"},
		{"star among keys", "struct S\n\tdoc S.\n\tlayout amd64 *\n\t\tA uint32 0\n\t\tsize 4\n", "t.spec:8: want: layout KEY... or layout *"},
		{"offset before Go's", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tB uint64 4\n\t\tsize 16\n", "t.spec:10: struct S on linux/amd64: field B at offset 4, but Go places it at 8"},
		{"wrong size", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 2\n", "t.spec:8: struct S on linux/amd64: Go size 4, spec size 2"},
		{"unknown field type", "struct S\n\tdoc S.\n\tlayout *\n\t\tA Q 0\n\t\tsize 2\n", "t.spec:9: struct S: unknown field type \"Q\""},
		{"comment on a size line", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4 # bytes\n", "t.spec:10: a size line takes no # comment"},
		{"no size", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n", "t.spec:8: layout without a size line"},
		// system call numbers
		{"sysnum with keys", "sysnum amd64\n", "t.spec:6: a sysnum line takes no words"},
		{"bad sysnum", "sysnum\n\tread 0 mips=x\n", "t.spec:7: sysnum read: \"x\" is not a system call number"},
		{"no sysnum", "sysnum\n\tread 0 mips=-\n" + call, "t.spec:8: call R: no system call number for read on linux/mips"},
		{"no sysnum at all", call, "t.spec:6: call R: no system call number for read on linux/amd64"},
		// calls
		{"incomplete call", "call R\n\tgo (fd int) ()\n", "t.spec:6: call R needs go, sys, block, man and doc"},
		{"unknown attribute", sys + "call R\n\tgo (fd int) ()\n\tfrob x\n", "t.spec:10: unknown call attribute \"frob\""},
		{"comment on an attribute", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock never\n\tman read(2) # the page\n\tdoc R.\n", "t.spec:12: a man line takes no # comment"},
		{"attribute twice", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tsys read(fd)\n", "t.spec:11: call R: a second sys line"},
		{"unnamed parameter", sys + "call R\n\tgo (int) ()\n\tsys read(fd)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:9: call R: parameters and results must be named"},
		{"argument not a parameter", sys + "call R\n\tgo (fd int) ()\n\tsys read(x)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: call R: argument x is not a parameter or a constant"},
		{"unsupported argument", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd+1)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: call R: unsupported argument fd + 1"},
		{"block as Go", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock fd != 0\n\tman read(2)\n\tdoc R.\n", "t.spec:11: want: block never, block always, or block unless"},
		{"block on no parameter", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock unless timeout zero\n\tman read(2)\n\tdoc R.\n", "t.spec:11: block: timeout is not a parameter"},
		{"block empty on an int", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock unless fd empty\n\tman read(2)\n\tdoc R.\n", "t.spec:11: block: \"fd empty\": want P zero"},
		{"block with an empty condition", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock unless fd zero or\n\tman read(2)\n\tdoc R.\n", "t.spec:11: block: \"\": want P zero"},
		{"block has of another type", "type T int32 flags\n\tdoc T.\n\tA 1\n" + sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock unless fd has A\n\tman read(2)\n\tdoc R.\n", "t.spec:14: block: fd has A: not a constant of fd's type"},
		{"ret count of no byte length", sys + "call R\n\tgo (fd int, s []int32) (n int)\n\tsys read(fd, s, len(s))\n\tret count s\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:11: ret count s: sys must pass sizeof(s)"},
		{"ret as Go", sys + "call R\n\tgo (fd int) (n int)\n\tsys read(fd)\n\tret int(r0)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:11: want: ret count SLICE"},
		{"cloexec of no constant", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tcloexec X\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:11: cloexec X is not a constant"},
		{"fd of no parameter", sys + "call R\n\tgo (fd int) ()\n\tfd q:epoll\n\tsys read(fd)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: fd q:epoll names no parameter or result"},
		{"out of an int", sys + "call R\n\tgo (fd int) ()\n\tout fd\n\tsys read(fd)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: out fd names no pointer or slice parameter"},
		{"libc call with 7 arguments off darwin", "libc libc.so\ncall R\n\tgo (a int) ()\n\tsys r(a, a, a, a, a, a, a)\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:7: call R: more than 6 arguments through libc work only on darwin"},
		{"libc call with 10 arguments", "libc libc.so\ncall R\n\tgo (a int) ()\n\tsys r(a, a, a, a, a, a, a, a, a, a)\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:7: call R: too many arguments"},
		{"system call with 7 arguments", "sysnum\n\tr 1\ncall R\n\tgo (a int) ()\n\tsys r(a, a, a, a, a, a, a)\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:8: call R: too many arguments"},
		// Windows DLL calls
		{"DLL call without fail", dll + "\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:6: call R: a DLL call needs fail zero or fail ntstatus"},
		{"fail ntstatus without a status", dll + "\tfail ntstatus\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:6: call R: fail ntstatus needs a first result of type windows.NTStatus"},
		{"failclear of no result", dll + "\tfail zero\n\tfailclear q\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:11: failclear q names no result"},
		{"failclear with ntstatus", "call R\n\tgo (a int) (s windows.NTStatus, n int)\n\tsys R(a)\n\tdll k.dll\n\tfail ntstatus\n\tfailclear n\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:11: failclear is for fail zero"},
		{"DLL and system calls mixed", dll + "\tfail zero\n\tblock never\n\tman r(2)\n\tdoc R.\ncall S\n\tgo (a int) ()\n\tsys s(a)\n\tblock never\n\tman s(2)\n\tdoc S.\n", "t.spec:14: call S: in a spec of DLL calls, every call needs dll"},
		{"required lines", "", "t.spec:4: package, asof, manurl and system are required"},
		{"second asof", "asof y\n", "t.spec:6: a second asof line"},
		{"union of an unknown type", "union U T int\n\tdoc U.\n", "t.spec:6: union U: T is neither a spec type nor a Go integer type"},
		{"union without doc", "union U int32 int\n", "t.spec:6: union U needs doc lines"},
		{"union with a constant", "union U int32 int\n\tA 1\n", "t.spec:7: a union has only doc lines"},
		{"union term twice", "union U int int\n\tdoc U.\n", "t.spec:6: union U: int named twice"},

		{"second system", "system freebsd\n", "t.spec:6: a second system line"},
		{"type before system", "", "t.spec:2: type before the system line"},
		{"system of no target", "", "t.spec:2: the target table has no plan9 target"},
		{"group named like a key", "group mips amd64\n", "t.spec:6: group mips: the name is already a key"},
		{"bad type line", "type T int32\n", "t.spec:6: want: type NAME UNDERLYING flags|enum"},
		{"bad struct line", "struct S T\n", "t.spec:6: want: struct NAME"},
		{"bad call line", "call\n", "t.spec:6: want: call NAME"},
		{"bad include line", "include a b\n", "t.spec:6: want: include FILE"},
		{"include of itself", "include t.spec\n", "t.spec:6: t.spec includes itself"},
		{"bad fragment line", "fragment\n", "t.spec:6: want: fragment NAME"},
		{"struct line in a struct", "struct S\n\tdoc S.\n\tfield X\n", "t.spec:8: want doc, layout, view, invalid or kind in struct S"},
		{"second default layout", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4\n", "t.spec:11: struct S: a second layout *"},
		{"layout of an unknown key", "struct S\n\tdoc S.\n\tlayout arm64\n\t\tA uint32 0\n\t\tsize 4\n", "t.spec:8: arm64 is not a target"},
		{"field after size", "struct S\n\tdoc S.\n\tlayout *\n\t\tsize 4\n\t\tA uint32 0\n", "t.spec:10: want: FIELD TYPE OFFSET, before the size line"},
		{"two sizes", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4\n\t\tsize 4\n", "t.spec:11: want one size N line, last"},
		{"struct declared twice", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4\nstruct S\n", "t.spec:11: S declared twice"},
		{"sysnum twice", "sysnum\n\tread 0\n\tread 1\n", "t.spec:8: sysnum read given twice"},
		{"go not a signature", sys + "call R\n\tgo fd int\n\tsys read(fd)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:9: call R: go is not a Go signature"},
		{"sys not a call", sys + "call R\n\tgo (fd int) ()\n\tsys read\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: call R: sys is not entry(args...)"},
		{"address of nothing", sys + "call R\n\tgo (fd int) ()\n\tsys read(&x)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: call R: &x: not a parameter or result"},
		{"bad fd pair", sys + "call R\n\tgo (fd int) ()\n\tfd fd\n\tsys read(fd)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: want fd NAME:KIND..., got \"fd\""},
		{"zero of a pointer to no struct", sys + "call R\n\tgo (fd int, p *int32) ()\n\tsys read(fd, p)\n\tblock unless p zero\n\tman read(2)\n\tdoc R.\n", "t.spec:11: block: p zero: a pointer's zero"},
		{"ret count without an int result", "struct S\n\tdoc S.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4\n" + sys + "call R\n\tgo (fd int, s []S) ()\n\tsys read(fd, s, sizeof(s))\n\tret count s\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:16: ret count: the call needs an int result"},
		{"DLL call after system calls", sys + "call S\n\tgo (a int) ()\n\tsys read(a)\n\tblock never\n\tman s(2)\n\tdoc S.\n" + dll + "\tfail zero\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:14: call R: a DLL call in a spec of system calls"},
		// views, setters, imports
		{"view with too few words", st + "\tview V uint32\n", "t.spec:13: want: view NAME TYPE OFFSET [halves]"},
		{"view misaligned", st + "\tview V uint32 2\n", "t.spec:13: view V: a uint32 at offset 2 is misaligned or past the end of S on linux/amd64"},
		{"view past the end", st + "\tview V uint64 12\n", "t.spec:13: view V: a uint64 at offset 12 is misaligned or past the end"},
		{"view named like a field", st + "\tview A uint32 0\n", "t.spec:13: view A: A already names a field or view of S"},
		{"view of a struct type", st + "\tview V S 0\n", "t.spec:13: view V: unknown field type \"S\""},
		{"halves of 16 bits", st + "\tview V uint16 0 halves\n", "t.spec:13: view V: halves needs a 32-bit type"},
		{"invalid of a signed field", st + "\tinvalid B\n", "t.spec:13: invalid B: not an unsigned field of S"},
		{"invalid twice", st + "\tinvalid A\n\tinvalid A\n", "t.spec:14: want one line: invalid FIELD"},
		{"setter of no struct", "setter Q P\n\tdoc P.\n", "t.spec:6: setter P: Q is not a struct of the spec"},
		{"setter without doc", st + "setter S P\n\tA = 1\n", "t.spec:13: setter P needs doc lines"},
		{"setter of no field", st + "setter S P\n\tdoc P.\n\tZ = 1\n", "t.spec:15: setter P: Z is not a field or view of S"},
		{"setter path through a non-struct", st + "setter S P\n\tdoc P.\n\tA.B = 1\n", "t.spec:15: setter P: A.B is not a field or view of S"},
		{"view of an array of structs", st + "\tview V [2]S 0\n", "t.spec:13: view V: unknown field type \"S\""},
		{"halves of an array", st + "\tview V [1]uint32 0 halves\n", "t.spec:13: view V: halves needs a 32-bit type, not an array"},
		{"forklock without a descriptor result", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tforklock\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:8: call R: forklock is for a system or libc call whose int result is a descriptor (fd), without cloexec"},
		{"kind of no field", st + "\tkind Z zero\n", "t.spec:13: kind Z: struct S has no field or view Z"},
		{"unknown kind", st + "\tkind A wide\n", "t.spec:13: kind A: unknown kind \"wide\""},
		{"pointer kind on a 32-bit field", st + "\tkind A pointer in\n", "t.spec:13: kind A pointer: want in, out or inout"},
		{"len of no field", st + "\tkind A len Q bytes\n", "t.spec:13: kind A len Q: no such field or view"},
		{"range backwards", st + "\tkind A range 5 1\n", "t.spec:13: kind A range: want integers LO <= HI"},
		{"struct of a package not imported", "struct nope.T\n\tdoc T.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4\n", "t.spec:6: struct nope.T: a struct of another package is PKG.Name"},
		{"view on a struct of another package", "struct unix.T\n\tdoc T.\n\tlayout *\n\t\tA uint32 0\n\t\tsize 4\n\tview V uint32 0\n", "t.spec:11: struct unix.T: view lines need methods"},
		{"flags kind of no type", st + "\tkind A flags Nope\n", "t.spec:13: kind A flags: want a flags type of the spec, on a field of a Go integer type"},
		{"two kinds", st + "\tkind A zero\n\tkind A zero\n", "t.spec:14: kind A: a second kind line for it"},
		{"inout and out", sys + "call R\n\tgo (p *int32) ()\n\tout p\n\tinout p\n\tsys read(p)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:11: inout p names no pointer or slice parameter, or one already out"},
		{"case without switch", sys + "type Op int32 enum\n\tdoc Op.\n\tA 1\n" + "call R\n\tgo (op Op, arg unsafe.Pointer, n uint32) ()\n\tsys read(op, arg, n)\n\tcase A nil 0\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:14: call R: case lines need a switch line"},
		{"switch missing a case", sys + "type Op int32 enum\n\tdoc Op.\n\tA 1\n\tB 2\n" + "call R\n\tgo (op Op, arg unsafe.Pointer, n uint32) ()\n\tsys read(op, arg, n)\n\tswitch op arg n\n\tcase A nil 0\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:15: switch op: no case for B"},
		{"case with a bad count", sys + "type Op int32 enum\n\tdoc Op.\n\tA 1\n" + "call R\n\tgo (op Op, arg unsafe.Pointer, n uint32) ()\n\tsys read(op, arg, n)\n\tswitch op arg n\n\tcase A *int32 count in\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:15: case A: count count: want an integer"},
		{"case elem of a struct", sys + "type Op int32 enum\n\tdoc Op.\n\tA 1\n" + "call R\n\tgo (op Op, arg unsafe.Pointer, n uint32) ()\n\tsys read(op, arg, n)\n\tswitch op arg n\n\tcase A *int64 1 in elem fd:any\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:15: case A: elem fd:any: want elem fd:KIND, for an int32 or uint32 argument"},
		{"case memory without direction", sys + "type Op int32 enum\n\tdoc Op.\n\tA 1\n" + "call R\n\tgo (op Op, arg unsafe.Pointer, n uint32) ()\n\tsys read(op, arg, n)\n\tswitch op arg n\n\tcase A *int32 1\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:15: case A: a direction for memory, none for nil"},
		{"comment on a case line", sys + "type Op int32 enum\n\tdoc Op.\n\tA 1\n" + "call R\n\tgo (op Op, arg unsafe.Pointer, n uint32) ()\n\tsys read(op, arg, n)\n\tswitch op arg n\n\tcase A nil 0 # none\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:15: a case line takes no # comment"},
		{"libc of an unknown kind", "libc l.so stdcall\n", "t.spec:6: want: libc PATH [sysvicall6]"},
		{"minlen of a non-slice", sys + "call R\n\tgo (a []int32, b int) ()\n\tminlen a b\n\tsys read(a, b)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: minlen a b: want two slice parameters"},
		{"range upside down", sys + "call R\n\tgo (a int) ()\n\trange a 5 1\n\tsys read(a)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: range a 5 1: want an integer parameter named once, and LO <= HI"},
		{"destroys a plain parameter", sys + "call R\n\tgo (a int) ()\n\tdestroys a\n\tsys read(a)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: destroys a names no resource parameter"},
		{"minlen of one slice", sys + "call R\n\tgo (a []int32) ()\n\tminlen a a\n\tsys read(a)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:10: minlen a a: want two slice parameters"},
		{"forklock with words", sys + "call R\n\tgo () (fd int)\n\tfd fd:x\n\tsys read()\n\tforklock yes\n\tblock never\n\tman read(2)\n\tdoc R.\n", "t.spec:12: call R: forklock takes no words"},
		{"setter makes by no field", st + "setter S P\n\tdoc P.\n\tmakes thing Z\n", "t.spec:15: setter P: makes thing Z: not a field or view of S"},
		{"setter makes twice", st + "setter S P\n\tdoc P.\n\tmakes fd\n\tmakes fd\n", "t.spec:16: setter P: want one makes RESOURCE [FIELD]"},
		{"setter field twice", st + "setter S P\n\tdoc P.\n\tA = 1\n\tA = 2\n", "t.spec:16: setter P: A assigned twice"},
		{"setter bad value", st + "setter S P\n\tdoc P.\n\tA = x\n", "t.spec:15: setter P: A = x: not a constant of the spec or an integer"},
		{"setter bad type", st + "setter S P\n\tdoc P.\n\tA a map[int]int\n", "t.spec:15: setter P: \"map[int]int\" is not a Go type"},
		{"setter parameter twice", st + "setter S P\n\tdoc P.\n\tA a uint32\n\tB a int32\n", "t.spec:16: setter P: parameter a named twice"},
		{"setter slice without a length", st + "setter S P\n\tdoc P.\n\tC b []byte\n", "t.spec:15: setter P: slice b needs the field that takes its length"},
		{"setter length of a value", st + "setter S P\n\tdoc P.\n\tA a uint32 B\n", "t.spec:15: setter P: only a slice or a pointer takes a length field"},
		{"setter length in a signed field", st + "setter S P\n\tdoc P.\n\tC b []byte B\n", "t.spec:15: setter P: B is not an unsigned field or view of S to take the length"},
		{"setter address in a small field", st + "setter S P\n\tdoc P.\n\tA p *int32\n", "t.spec:15: setter P: an address goes to a uint64 field, and A is a uint32"},
		{"setter slice without invalid", st + "setter S P\n\tdoc P.\n\tC b []byte A\n", "t.spec:13: setter P takes a slice, so struct S needs an invalid line"},
		{"setter or of another type", "type T uint32 flags\n\tdoc T.\n\tX 1\n" + st + "setter S P\n\tdoc P.\n\tA a uint32 | X\n", "t.spec:18: setter P: | X: not a constant of a's type"},
		{"setter twice", st + "setter S P\n\tdoc P.\nsetter S P\n\tdoc P.\n", "t.spec:15: setter P: S.P is already declared"},
		{"setter with a comment", st + "setter S P\n\tdoc P.\n\tA = 1 # one\n", "t.spec:15: a A line takes no # comment"},
		{"import twice", "import a/b\nimport a/b\n", "t.spec:7: import a/b: named twice, or not a package path"},
		{"block lacks of another type", "type T int32 flags\n\tdoc T.\n\tA 1\n" + sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock unless fd lacks A and fd zero\n\tman read(2)\n\tdoc R.\n", "t.spec:14: block: fd lacks A: not a constant of fd's type"},
		{"block with an empty and", sys + "call R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock unless fd zero and\n\tman read(2)\n\tdoc R.\n", "t.spec:11: block: \"\": want P zero"},
		{"DLL call with libc", "libc l.so\n" + dll + "\tfail zero\n\tblock never\n\tman r(2)\n\tdoc R.\n", "t.spec:7: call R: a DLL call takes no libc"},
	}
	tb := testTable(t)
	for _, tt := range tests {
		src := head + tt.spec
		switch tt.name {
		case "required lines":
			src = "package p\nmanurl u\nasof x\n"
		case "type before system":
			src = "package p\ntype T int32 enum\n"
		case "system of no target":
			src = "package p\nsystem plan9\n"
		}
		nodes, err := Parse("t.spec", []byte(src), os.ReadFile)
		if err == nil {
			_, err = Build("t.spec", nodes, tb)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v; want it to contain %q", tt.name, err, tt.want)
		}
	}
}
