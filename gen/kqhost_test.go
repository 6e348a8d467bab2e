package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestKqueueOnHost runs package kqueue's String, value-list and EV_SET tests
// on this host, for each system's spec: it generates the types and constants
// of gen/spec/kqueue_<goos>.spec for the host (with the layouts of that
// system's 64-bit targets) into a scratch module, together with kqueue's
// hand-written EV_SET and the tests, and runs go test there. The calls are
// left out: they need the system. This is how those tests run where no BSD
// kernel is, on exactly the code the spec generates.
func TestKqueueOnHost(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skipf("the kqueue specs give 64-bit layouts; this host is %s", runtime.GOARCH)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	for _, goos := range kqueueSystems {
		t.Run(goos, func(t *testing.T) {
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
			write("go.mod", []byte("module github.com/eventq/eventq\n\ngo 1.26\n"))
			descSrc, err := os.ReadFile("../desc/desc.go")
			if err != nil {
				t.Fatal(err)
			}
			write("desc/desc.go", descSrc)

			f, err := os.Open("spec/kqueue_" + goos + ".spec")
			if err != nil {
				t.Fatal(err)
			}
			spec, err := ParseSpec("gen/spec/kqueue_"+goos+".spec", f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			spec.Targets = []Target{{runtime.GOOS, runtime.GOARCH}}
			spec.Calls, spec.Sysnums, spec.Libc = nil, nil, ""
			files, err := Generate(spec)
			if err != nil {
				t.Fatal(err)
			}
			for name, src := range files {
				write("kqueue/"+name, src)
			}
			hand, _ := filepath.Glob("../kqueue/*.go")
			copied := 0
			for _, path := range hand {
				name := filepath.Base(path)
				if strings.HasPrefix(name, "z") || name == "doc.go" || !forSystem(name, goos) {
					continue
				}
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				// string_netbsd_test.go becomes string-netbsd_test.go: a name
				// without the _netbsd suffix that would limit it to NetBSD.
				write("kqueue/"+strings.Replace(name, "_"+goos, "-"+goos, 1), dropBuildLine(src))
				copied++
			}
			if copied < 3 {
				t.Fatalf("copied %d hand-written files of package kqueue; want EV_SET and the tests", copied)
			}
			cmd := exec.Command("go", "test", "-count=1", "-v", "./kqueue")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go test of kqueue for %s on the host: %v\n%s", goos, err, out)
			}
			for _, test := range []string{"TestString", "TestValues", "TestEV_SET"} {
				if !bytes.Contains(out, []byte("--- PASS: "+test+" ")) {
					t.Errorf("%s did not pass for %s:\n%s", test, goos, out)
				}
			}
		})
	}
}

// kqueueSystems are the systems with a gen/spec/kqueue_<goos>.spec.
var kqueueSystems = []string{"darwin", "dragonfly", "freebsd", "netbsd", "openbsd"}

// forSystem reports whether a file of package kqueue belongs to goos: files
// named for another system do not.
func forSystem(name, goos string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".go"), "_test")
	for _, other := range kqueueSystems {
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
