package main

import (
	"debug/elf"
	"debug/macho"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/eventq/eventq/desc"
	"github.com/eventq/eventq/internal/targets"
)

// TestLibcImports links this command, which calls every function of the
// module, for each target whose calls go through libc (darwin, OpenBSD,
// illumos, Solaris), and reads the C functions the executable imports from
// its dynamic symbol table. Every C function the packages' descriptions name
// must be imported, and every function it imports that the baseline
// (testdata/base: what the packages use besides their own calls) does not
// must be one of them: the executable imports exactly the functions the
// module calls. A misspelled or missing C function links without complaint
// and fails only when the dynamic linker loads the program, on a system
// that is not here; this is where it shows.
func TestLibcImports(t *testing.T) {
	if testing.Short() {
		t.Skip("links 20 executables")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	want := libcCalls(t)
	if len(want) == 0 {
		t.Fatal("no description names a libc call: nothing would be checked")
	}
	supported := map[string]bool{}
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	for _, l := range strings.Fields(string(out)) {
		supported[l] = true
	}
	dir := t.TempDir()
	for _, tg := range targets.All() {
		fns := want[tg.String()]
		if len(fns) == 0 {
			continue
		}
		t.Run(tg.String(), func(t *testing.T) {
			if !supported[tg.String()] {
				t.Skipf("this Go (%s) cannot build %s", goVersion(t), tg)
			}
			got := imports(t, tg, link(t, tg, ".", filepath.Join(dir, "linkall")))
			base := imports(t, tg, link(t, tg, "./testdata/base", filepath.Join(dir, "base")))
			for _, fn := range fns {
				if !slices.Contains(got, fn) {
					t.Errorf("the executable does not import %s, which a call names", fn)
				}
			}
			for _, sym := range got {
				if !slices.Contains(base, sym) && !slices.Contains(fns, sym) {
					t.Errorf("the executable imports %s, which no call names and the baseline does not import", sym)
				}
			}
		})
	}
}

// libcCalls reads every package's JSON description and returns, per
// target, the C functions its libc calls name.
func libcCalls(t *testing.T) map[string][]string {
	files, err := filepath.Glob("../../*/zdesc_generated_*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no descriptions found: %v", err)
	}
	out := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p desc.Package
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range p.Calls {
			if c.Libc == "" {
				continue
			}
			for _, tg := range p.Targets {
				if !slices.Contains(out[tg], c.Syscall) {
					out[tg] = append(out[tg], c.Syscall)
				}
			}
		}
	}
	for _, fns := range out {
		sort.Strings(fns)
	}
	return out
}

func link(t *testing.T, tg targets.Target, pkg, exe string) string {
	t.Helper()
	exe += "." + tg.GOOS + "_" + tg.GOARCH
	cmd := exec.Command("go", "build", "-o", exe, pkg)
	cmd.Env = append(os.Environ(), "GOOS="+tg.GOOS, "GOARCH="+tg.GOARCH, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s for %s: %v\n%s", pkg, tg, err, out)
	}
	return exe
}

// imports lists the functions an executable imports from shared libraries:
// ELF's dynamic symbols, or Mach-O's without C's leading underscore.
func imports(t *testing.T, tg targets.Target, exe string) []string {
	t.Helper()
	var names []string
	if tg.GOOS == "darwin" {
		f, err := macho.Open(exe)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		syms, err := f.ImportedSymbols()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range syms {
			names = append(names, strings.TrimPrefix(s, "_"))
		}
	} else {
		f, err := elf.Open(exe)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		syms, err := f.ImportedSymbols()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range syms {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s imports nothing: not a dynamically linked executable?", exe)
	}
	return names
}

func goVersion(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
