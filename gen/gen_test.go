package main

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/<spec>/")

// TestGolden generates each spec in testdata and compares every file with
// testdata/<spec>/. Run go test ./gen -update to accept a deliberate change.
// mini.spec uses every feature of raw system calls on two systems;
// minilibc.spec calls through libc, as darwin and OpenBSD must; miniwin.spec
// calls Windows DLL functions.
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
			"zsyscall_generated.go", "zsyscall_generated_freebsd.go",
			"ztypes_generated.go", "ztypes_generated_freebsd.go",
		}},
		{"minilibc", []string{
			"zconst_generated_openbsd.go", "zdesc_generated_openbsd.go", "zdesc_generated_openbsd.json",
			"zsyscall_generated_openbsd.go",
			"zsyscall_generated_openbsd_386.s", "zsyscall_generated_openbsd_amd64.s",
			"zsyscall_generated_openbsd_ppc64.s",
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

func golden(t *testing.T, name string, want []string) {
	f, err := os.Open("testdata/" + name + ".spec")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	spec, err := ParseSpec("gen/testdata/"+name+".spec", f)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
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

// Generating twice gives the same bytes.
func TestDeterministic(t *testing.T) {
	src, err := os.ReadFile("spec/epoll_linux.spec")
	if err != nil {
		t.Fatal(err)
	}
	var outs []map[string][]byte
	for i := 0; i < 2; i++ {
		spec, err := ParseSpec("gen/spec/epoll_linux.spec", strings.NewReader(string(src)))
		if err != nil {
			t.Fatal(err)
		}
		files, err := Generate(spec)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, files)
	}
	if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
		t.Errorf("two runs differ:\n%s", diff)
	}
}

func TestSpecErrors(t *testing.T) {
	const head = "package p\nmanurl u\nasof x\ntarget linux/amd64 linux/arm64\ngroup g amd64\n"
	tests := []struct{ name, spec, want string }{
		{"two overrides match", "type T int32 enum\n\tA 1 amd64=2 g=3\n", "both match"},
		{"no value", "type T int32 enum\n\tA amd64=2\n", "no value on linux/arm64"},
		{"bad number", "type T int32 enum\n\tA 1x\n", "invalid syntax"},
		{"duplicate constant", "type T int32 enum\n\tA 1\n\tA 2\n", "declared twice"},
		{"no layout", "struct S\n\tlayout amd64\n\t\tA uint32 0\n\t\tsize 4\n", "no layout for linux/arm64"},
		{"offset before Go's", "struct S\n\tlayout *\n\t\tA uint32 0\n\t\tB uint64 4\n\t\tsize 16\n", "Go places it at 8"},
		{"wrong size", "struct S\n\tlayout *\n\t\tA uint32 0\n\t\tsize 2\n", "spec size 2"},
		{"sysnum columns", "sysnum amd64 arm64\n\tread 0\n", "1 numbers for 2 columns"},
		{"no sysnum", "sysnum amd64 arm64\n\tread 0 -\ncall R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock never\n\tman read(2)\n\tdoc R.\n", "no system call number for read"},
		{"incomplete call", "call R\n\tgo (fd int) ()\n", "needs go, sys, block, man and doc"},
		{"condition not on timeout", "sysnum amd64 arm64\n\tread 0 1\ncall R\n\tgo (fd int) ()\n\tsys read(fd)\n\tblock fd != 0\n\tman read(2)\n\tdoc R.\n", "does not test the timeout"},
		{"unknown keyword", "frobnicate\n", "unknown keyword"},
		{"libc call with 7 arguments off darwin", "libc libc.so\ncall R\n\tgo (a int) ()\n\tsys r(a, a, a, a, a, a, a)\n\tblock never\n\tman r(2)\n\tdoc R.\n", "only on darwin"},
		{"DLL call without fail", "call R\n\tgo (a int) ()\n\tsys R(a)\n\tdll k.dll\n\tblock never\n\tman r(2)\n\tdoc R.\n", "needs fail zero or fail ntstatus"},
		{"fail ntstatus without a status", "call R\n\tgo (a int) ()\n\tsys R(a)\n\tdll k.dll\n\tfail ntstatus\n\tblock never\n\tman r(2)\n\tdoc R.\n", "first result of type windows.NTStatus"},
		{"failclear of no result", "call R\n\tgo (a int) ()\n\tsys R(a)\n\tdll k.dll\n\tfail zero\n\tfailclear n\n\tblock never\n\tman r(2)\n\tdoc R.\n", "failclear n names no result"},
		{"DLL and system calls mixed", "call R\n\tgo (a int) ()\n\tsys R(a)\n\tdll k.dll\n\tfail zero\n\tblock never\n\tman r(2)\n\tdoc R.\ncall S\n\tgo (a int) ()\n\tsys s(a)\n\tblock never\n\tman s(2)\n\tdoc S.\n", "every call needs dll"},
		{"hoterr without DLL calls", "hoterr WAIT_TIMEOUT\n", "hoterr is for specs with DLL calls"},
		{"libc call with 10 arguments", "libc libc.so\ncall R\n\tgo (a int) ()\n\tsys r(a, a, a, a, a, a, a, a, a, a)\n\tblock never\n\tman r(2)\n\tdoc R.\n", "too many arguments"},
	}
	for _, tt := range tests {
		spec, err := ParseSpec("t.spec", strings.NewReader(head+tt.spec))
		if err == nil {
			_, err = Generate(spec)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v; want it to mention %q", tt.name, err, tt.want)
		}
	}
}
