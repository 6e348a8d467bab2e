// Package vmtest runs the module's Linux test binaries inside real kernels:
// Debian's kernel packages booted under qemu-system, with an initramfs whose
// /init is the static Go program in ./guest. The driver is ./kernels, run by
// .ci/kernels; the README says how.
//
// This file is the protocol between the two: the guest writes lines that
// begin with Prefix on the console, among whatever the kernel prints, and
// the host reads them back.
package vmtest

import (
	"fmt"
	"strconv"
	"strings"
)

// Prefix begins every line the guest writes for the host.
const Prefix = "vmtest: "

// Kinds of guest line, the word after Prefix.
const (
	KindUname  = "uname"  // vmtest: uname <uname -r>
	KindLog    = "|"      // vmtest: | <goarch> <package> <a line of the test binary's output>
	KindResult = "result" // vmtest: result <Result.String()>
	KindTime   = "time"   // vmtest: time <goarch> <package> <seconds>
	KindError  = "error"  // vmtest: error <what went wrong in the guest itself>
	KindDone   = "done"   // vmtest: done (the guest powers off next)
)

// Result is one cell of the kernel matrix: one package's test binary for one
// GOARCH, run on one kernel.
type Result struct {
	Release string // uname -r of the kernel
	GOARCH  string
	Package string // the package path below the module, such as "iouring" or "examples/seed"
	OK      bool   // the binary exited with status 0 and no test failed
	Pass    int
	Skip    int
	Fail    int
}

// String is the matrix line:
// kernel <uname -r> <goarch> <package> ok|FAIL pass N skip N fail N.
func (r Result) String() string {
	status := "FAIL"
	if r.OK {
		status = "ok"
	}
	return fmt.Sprintf("kernel %s %s %s %s pass %d skip %d fail %d",
		r.Release, r.GOARCH, r.Package, status, r.Pass, r.Skip, r.Fail)
}

// ParseResult parses a matrix line written by Result.String.
func ParseResult(s string) (Result, error) {
	f := strings.Fields(s)
	if len(f) != 11 || f[0] != "kernel" || f[5] != "pass" || f[7] != "skip" || f[9] != "fail" ||
		(f[4] != "ok" && f[4] != "FAIL") {
		return Result{}, fmt.Errorf("not a matrix line: %q", s)
	}
	r := Result{Release: f[1], GOARCH: f[2], Package: f[3], OK: f[4] == "ok"}
	for i, p := range []*int{&r.Pass, &r.Skip, &r.Fail} {
		n, err := strconv.Atoi(f[6+2*i])
		if err != nil || n < 0 {
			return Result{}, fmt.Errorf("not a matrix line: %q: bad count %q", s, f[6+2*i])
		}
		*p = n
	}
	return r, nil
}

// Counter counts the results in the -test.v output of a test binary, line
// by line, subtests included, and keeps each skip's reason.
type Counter struct {
	Pass, Skip, Fail int
	Skips            []Skip
	current          string            // the test whose output follows
	last             map[string]string // each test's last message, first line
}

// Skip is one skipped test and the message it gave.
type Skip struct{ Test, Reason string }

// Line takes the next line of output.
func (c *Counter) Line(s string) {
	t := strings.TrimLeft(s, " ")
	word, rest, _ := strings.Cut(t, " ")
	switch {
	case word == "===": // === RUN, === NAME, === CONT, === PAUSE: whose output follows
		if f := strings.Fields(rest); len(f) == 2 {
			c.current = f[1]
		}
	case word == "---" && strings.HasPrefix(rest, "PASS: "):
		c.Pass++
	case word == "---" && strings.HasPrefix(rest, "FAIL: "):
		c.Fail++
	case word == "---" && strings.HasPrefix(rest, "SKIP: "):
		c.Skip++
		name, _, _ := strings.Cut(strings.TrimPrefix(rest, "SKIP: "), " ")
		c.Skips = append(c.Skips, Skip{Test: name, Reason: c.last[name]})
	case len(s)-len(t) >= 4 && strings.Contains(word, ".go:"):
		// "    file_test.go:12: message": the message of the current test.
		if c.last == nil {
			c.last = map[string]string{}
		}
		c.last[c.current] = rest
	}
}
