package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/eventq/eventq/internal/targets"
)

// The kqueue, aio and eventport tests that need no kernel (String tables, value lists,
// EV_SET, aio's accessors and off-heap requests) also run here, on the Linux
// host, on exactly the code the specs generate: runOnHost generates each
// spec's types and constants for the host (with the layouts of the system's
// 64-bit targets) into a scratch module, copies in the packages'
// hand-written code and tests for that system, and runs go test there. The
// calls are left out: they need the system.

// TestKqueueOnHost runs package kqueue's tests for each system's spec.
func TestKqueueOnHost(t *testing.T) {
	if len(kqueueSystems) < 5 {
		t.Fatalf("found the kqueue specs of %v; want five systems", kqueueSystems)
	}
	for _, goos := range kqueueSystems {
		t.Run(goos, func(t *testing.T) {
			runOnHost(t, goos, []string{"kqueue"}, "TestString", "TestValues", "TestEV_SET", "TestChange")
		})
	}
}

// TestAioOnHost runs package aio's tests, over package kqueue's FreeBSD code.
func TestAioOnHost(t *testing.T) {
	runOnHost(t, "freebsd", []string{"kqueue", "aio"},
		"TestString", "TestValues", "TestSigval", "TestSigeventAccessors", "TestRequest", "TestEventHelpers")
}

// TestEventportOnHost runs package eventport's tests that need no kernel.
func TestEventportOnHost(t *testing.T) {
	runOnHost(t, "solaris", []string{"eventport"}, "TestString")
}

// kqueueSystems are the systems with a gen/spec/kqueue_<goos>.spec.
var kqueueSystems = func() []string {
	specs, _ := filepath.Glob("spec/kqueue_*.spec")
	var out []string
	for _, s := range specs {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(s), "kqueue_"), ".spec"))
	}
	return out
}()

// hostModel narrows a model to its first target with the host's word size
// and renames that target the host, so that the system's types and
// constants build and run here. The calls, their numbers and libc go: they
// need the system.
func hostModel(t *testing.T, m *Model) {
	host := Target{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
	i := slices.IndexFunc(m.Targets, func(tt Target) bool { return tt.Is64() == host.Is64() })
	if i < 0 {
		t.Fatalf("%s has no target with the host's word size", m.Spec)
	}
	m.Targets = []Target{host}
	for _, ty := range m.Types {
		for _, c := range ty.Consts {
			c.Text, c.Values = c.Text[i:i+1], c.Values[i:i+1]
		}
	}
	for _, st := range m.Structs {
		st.Layouts = st.Layouts[i : i+1]
	}
	m.Calls, m.Sysnums, m.Libc, m.LibcABI = nil, nil, "", ""
}

// runOnHost builds the scratch module with pkgs for goos, runs the tests of
// the last package, and checks that each of want ran and passed.
func runOnHost(t *testing.T, goos string, pkgs []string, want ...string) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skipf("the specs give the BSDs' 64-bit layouts; this host is %s", runtime.GOARCH)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	dir := t.TempDir()
	write := func(name string, src []byte) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"go.mod", "go.sum", "desc/desc.go", "internal/named/named.go", "internal/offheap/offheap.go"} {
		src, err := os.ReadFile("../" + name)
		if err != nil {
			t.Fatal(err)
		}
		write(name, src)
	}
	for _, pkg := range pkgs {
		specPath := "spec/" + pkg + "_" + goos + ".spec"
		m, err := load(specPath, targets.All())
		if err != nil {
			t.Fatal(err)
		}
		hostModel(t, m)
		for name, src := range Emit(m) {
			write(pkg+"/"+name, src)
		}
		hand, _ := filepath.Glob("../" + pkg + "/*.go")
		copied := 0
		for _, path := range hand {
			name := filepath.Base(path)
			// Examples call the system, and calls_*.go holds calls made
			// from the generated ones: they are left out with the calls.
			if strings.HasPrefix(name, "z") || strings.HasPrefix(name, "example_") || strings.HasPrefix(name, "calls_") ||
				name == "doc.go" || !forSystem(name, goos) {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// string_netbsd_test.go becomes string-netbsd_test.go: a name
			// without the _netbsd suffix that would limit it to NetBSD.
			write(pkg+"/"+strings.Replace(name, "_"+goos, "-"+goos, 1), dropBuildLine(src))
			if strings.HasSuffix(name, "_test.go") {
				copied++
			}
		}
		if copied == 0 {
			t.Fatalf("copied no test file of package %s", pkg)
		}
	}
	last := pkgs[len(pkgs)-1]
	cmd := exec.Command("go", "test", "-count=1", "-v", "./"+last)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test of %s for %s on the host: %v\n%s", last, goos, err, out)
	}
	for _, test := range want {
		if !bytes.Contains(out, []byte("--- PASS: "+test+" ")) {
			t.Errorf("%s did not pass for %s:\n%s", test, goos, out)
		}
	}
}

// forSystem reports whether a file of package kqueue or aio belongs to
// goos: files named for another system do not.
func forSystem(name, goos string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".go"), "_test")
	for _, other := range append(slices.Clone(kqueueSystems), "linux", "windows") {
		if strings.HasSuffix(base, "_"+other) {
			return other == goos
		}
	}
	return true
}

// dropBuildLine removes a //go:build line, so that a file meant for the BSDs
// builds on the host.
func dropBuildLine(src []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(src, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("//go:build ")) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}
