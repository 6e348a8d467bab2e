// Package targets is the module's one table of targets: every GOOS/GOARCH a
// package is generated for, and how CI runs its tests here (natively, under
// qemu-user, under Wine, or build only). The table is targets.txt; gen,
// internal/xsyscheck and gen's host tests read it through this package, and
// .ci/run reads the file itself.
package targets

import (
	_ "embed"
	"fmt"
	"strings"
)

// Target is one GOOS/GOARCH pair and how its tests run.
type Target struct {
	GOOS, GOARCH string
	Run          string // "native", "qemu", "wine", "wine32" or "build"
	Emulator     string // for Run "qemu": the qemu-<Emulator>-static command
}

func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// Is64 reports whether the target has 8-byte pointers and 8-byte aligned
// 64-bit integers; the others (386, arm, mips, mipsle) have 4-byte ones.
func (t Target) Is64() bool {
	switch t.GOARCH {
	case "386", "arm", "mips", "mipsle":
		return false
	}
	return true
}

// impliedBy maps a GOOS to another whose builds also satisfy its build
// constraint and file-name suffix: Go builds for illumos with the solaris
// tag set, for ios with darwin's, for android with linux's.
var impliedBy = map[string]string{"solaris": "illumos", "darwin": "ios", "linux": "android"}

// Term is the //go:build term that selects goos among the systems of
// gooses, the GOOSes one file builds for: goos itself, or, when the table
// holds a system that also satisfies goos's tag and gooses does not, goos
// without it ("(solaris && !illumos)"), so that a solaris file is not
// built for illumos.
func (tb Table) Term(goos string, gooses []string) string {
	other, ok := impliedBy[goos]
	if !ok || len(tb.Of(other)) == 0 {
		return goos
	}
	for _, g := range gooses {
		if g == other {
			return goos
		}
	}
	return "(" + goos + " && !" + other + ")"
}

// Table is a list of targets in the order of their file.
type Table []Target

// Of returns the targets of goos, in table order.
func (tb Table) Of(goos string) Table {
	var out Table
	for _, t := range tb {
		if t.GOOS == goos {
			out = append(out, t)
		}
	}
	return out
}

//go:embed targets.txt
var file string

// All returns the module's table, targets.txt.
func All() Table {
	tb, err := Parse("internal/targets/targets.txt", file)
	if err != nil {
		panic(err) // the embedded file is checked by this package's test
	}
	return tb
}

var runs = map[string]bool{"native": true, "qemu": true, "wine": true, "wine32": true, "build": true}

// Parse reads a table: a target and its run mode per line (an emulator
// after qemu), with # comments and blank lines. name is used in errors.
func Parse(name, text string) (Table, error) {
	var tb Table
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		if j := strings.Index(line, "#"); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		goos, goarch, ok := strings.Cut(f[0], "/")
		switch {
		case !ok || goos == "" || goarch == "":
			return nil, fmt.Errorf("%s:%d: %q is not GOOS/GOARCH", name, i+1, f[0])
		case len(f) < 2 || !runs[f[1]]:
			return nil, fmt.Errorf("%s:%d: want native, qemu EMULATOR, wine, wine32 or build after %s", name, i+1, f[0])
		case (f[1] == "qemu") != (len(f) == 3) || len(f) > 3:
			return nil, fmt.Errorf("%s:%d: only qemu takes an emulator, and it needs one", name, i+1)
		case seen[f[0]]:
			return nil, fmt.Errorf("%s:%d: %s listed twice", name, i+1, f[0])
		}
		seen[f[0]] = true
		t := Target{GOOS: goos, GOARCH: goarch, Run: f[1]}
		if len(f) == 3 {
			t.Emulator = f[2]
		}
		tb = append(tb, t)
	}
	return tb, nil
}
