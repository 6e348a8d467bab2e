package vmtest

import (
	"bytes"
	"compress/gzip"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResultLine(t *testing.T) {
	r := Result{Release: "6.1.0-57-amd64", GOARCH: "386", Package: "examples/seed", OK: true, Pass: 15, Skip: 2, Fail: 0}
	line := r.String()
	if want := "kernel 6.1.0-57-amd64 386 examples/seed ok pass 15 skip 2 fail 0"; line != want {
		t.Fatalf("String() = %q; want %q", line, want)
	}
	back, err := ParseResult(line)
	if err != nil || back != r {
		t.Fatalf("ParseResult(%q) = %+v, %v; want %+v", line, back, err, r)
	}
	failed := Result{Release: "6.12.118+deb12-amd64", GOARCH: "amd64", Package: "iouring", Pass: 80, Fail: 1}
	if back, err := ParseResult(failed.String()); err != nil || back != failed {
		t.Fatalf("ParseResult(%q) = %+v, %v", failed.String(), back, err)
	}
	for _, bad := range []string{
		"",
		"kernel 6.1 amd64 epoll ok pass 1 skip 0",
		"kernel 6.1 amd64 epoll maybe pass 1 skip 0 fail 0",
		"kernel 6.1 amd64 epoll ok pass x skip 0 fail 0",
		"kernel 6.1 amd64 epoll ok pass -1 skip 0 fail 0",
		"kernel 6.1 amd64 epoll ok skip 1 pass 0 fail 0",
	} {
		if _, err := ParseResult(bad); err == nil {
			t.Errorf("ParseResult(%q): no error", bad)
		}
	}
}

// The counter reads -test.v output as Go 1.22 to 1.26 print it: a
// subtest's messages come before its parent's result line, and its own
// result line after it.
func TestCounter(t *testing.T) {
	out := `=== RUN   TestA
=== RUN   TestA/x
    a_test.go:4: reason x
=== RUN   TestA/y
    a_test.go:5: hello
    a_test.go:5: reason y
=== RUN   TestA/z
--- PASS: TestA (0.00s)
    --- SKIP: TestA/x (0.00s)
    --- SKIP: TestA/y (0.00s)
    --- PASS: TestA/z (0.00s)
=== RUN   TestB
    b_test.go:8: reason b
        second line
--- SKIP: TestB (0.00s)
=== RUN   TestC
    c_test.go:3: bad
--- FAIL: TestC (0.00s)
FAIL
`
	var c Counter
	for _, l := range strings.Split(out, "\n") {
		c.Line(l)
	}
	if c.Pass != 2 || c.Skip != 3 || c.Fail != 1 {
		t.Errorf("pass %d skip %d fail %d; want 2 3 1", c.Pass, c.Skip, c.Fail)
	}
	want := []Skip{{"TestA/x", "reason x"}, {"TestA/y", "reason y"}, {"TestB", "reason b"}}
	if diff := cmp.Diff(want, c.Skips); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
}

// readNewc reads back a gzipped newc archive: name -> mode, data.
func readNewc(t *testing.T, b []byte) (names []string, modes map[string]uint32, data map[string]string) {
	t.Helper()
	z, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	modes, data = map[string]uint32{}, map[string]string{}
	field := func(h []byte, i int) int {
		n, err := strconv.ParseUint(string(h[6+8*i:14+8*i]), 16, 32)
		if err != nil {
			t.Fatalf("header field %d: %v", i, err)
		}
		return int(n)
	}
	align := func(n int) int { return (n + 3) &^ 3 }
	for off := 0; ; {
		h := raw[off : off+110]
		if string(h[:6]) != "070701" {
			t.Fatalf("offset %d: magic %q", off, h[:6])
		}
		nameLen, size := field(h, 11), field(h, 6)
		name := string(raw[off+110 : off+110+nameLen-1])
		off = align(off + 110 + nameLen)
		if name == "TRAILER!!!" {
			if off != len(raw) {
				t.Errorf("%d bytes after the trailer", len(raw)-off)
			}
			return
		}
		names = append(names, name)
		modes[name] = uint32(field(h, 1))
		data[name] = string(raw[off : off+size])
		off = align(off + size)
	}
}

func TestInitramfs(t *testing.T) {
	var fs Initramfs
	fs.File("t/amd64/iouring/pkg.test", 0o755, []byte("binary"))
	fs.File("vmtest/manifest", 0o644, []byte("amd64 iouring /t/amd64/iouring /t/amd64/iouring/pkg.test\n"))
	fs.Symlink("bin/true", "/init")
	fs.CharDevice("dev/console", 0o600, 5, 1)
	fs.File("init", 0o755, []byte("odd-sized"))
	var a, b bytes.Buffer
	if _, err := fs.WriteTo(&a); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of the same content differ")
	}
	names, modes, data := readNewc(t, a.Bytes())
	wantNames := []string{"bin", "bin/true", "dev", "dev/console", "init", "t", "t/amd64", "t/amd64/iouring",
		"t/amd64/iouring/pkg.test", "vmtest", "vmtest/manifest"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	wantModes := map[string]uint32{"bin": 0o40755, "bin/true": 0o120777, "dev/console": 0o20600, "init": 0o100755,
		"t/amd64/iouring/pkg.test": 0o100755, "vmtest/manifest": 0o100644}
	for n, m := range wantModes {
		if modes[n] != m {
			t.Errorf("%s: mode %o; want %o", n, modes[n], m)
		}
	}
	if data["init"] != "odd-sized" || data["bin/true"] != "/init" || data["t/amd64/iouring/pkg.test"] != "binary" {
		t.Errorf("contents: %q", data)
	}
}

func TestBootArgs(t *testing.T) {
	for _, k := range Kernels {
		b := Boot{Kernel: k, Image: "vmlinuz", Initrd: "initrd", Memory: 2048, CPUs: 2}
		args := strings.Join(b.Args(), " ")
		for _, want := range []string{k.Qemu[0] + " ", "-no-reboot", "-kernel vmlinuz", "-initrd initrd", "-accel tcg", "console=" + k.Console, "panic=-1"} {
			if !strings.Contains(args, want) {
				t.Errorf("%s: %q lacks %q", k.Name, args, want)
			}
		}
		b.KVM = true
		if args := strings.Join(b.Args(), " "); !strings.Contains(args, "-accel kvm") {
			t.Errorf("%s with KVM: %q", k.Name, args)
		}
	}
}
