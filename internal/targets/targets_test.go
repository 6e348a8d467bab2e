package targets

import (
	"go/types"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	tb := All()
	if n := len(tb.Of("linux")); n != 13 {
		t.Errorf("%d Linux targets; want 13", n)
	}
	for _, tt := range tb {
		if tt.GOOS == "linux" && tt.Run != "native" && tt.Run != "qemu" {
			t.Errorf("%s runs %q: every Linux target runs here", tt, tt.Run)
		}
	}
}

// Is64 agrees with the gc compiler's sizes for every target: pointer size
// and the alignment of a 64-bit integer.
func TestIs64(t *testing.T) {
	for _, tt := range All() {
		sizes := types.SizesFor("gc", tt.GOARCH)
		if sizes == nil {
			t.Errorf("%s: gc has no sizes for %s", tt, tt.GOARCH)
			continue
		}
		ptr := sizes.Sizeof(types.Typ[types.Uintptr])
		align := sizes.Alignof(types.Typ[types.Int64])
		if want := ptr == 8 && align == 8; tt.Is64() != want {
			t.Errorf("%s: Is64 %v, but gc's pointers are %d bytes and int64 is %d-aligned", tt, tt.Is64(), ptr, align)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"linux\n", "t:1: \"linux\" is not GOOS/GOARCH"},
		{"linux/amd64\n", "t:1: want native"},
		{"# x\nlinux/arm qemu\n", "t:2: only qemu takes an emulator"},
		{"linux/amd64 native arm\n", "t:1: only qemu"},
		{"linux/amd64 native\nlinux/amd64 build\n", "t:2: linux/amd64 listed twice"},
	} {
		if _, err := Parse("t", tt.text); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v; want %q", tt.text, err, tt.want)
		}
	}
}

// Go's illumos builds satisfy solaris's tag: a file for solaris alone
// excludes illumos, which the table has; android, which it lacks, is not
// excluded from linux's.
func TestTerm(t *testing.T) {
	tb := All()
	for _, tt := range []struct {
		goos   string
		gooses []string
		want   string
	}{
		{"solaris", []string{"solaris"}, "(solaris && !illumos)"},
		{"solaris", []string{"illumos", "solaris"}, "solaris"},
		{"illumos", []string{"illumos"}, "illumos"},
		{"linux", []string{"linux"}, "linux"},
	} {
		if got := tb.Term(tt.goos, tt.gooses); got != tt.want {
			t.Errorf("Term(%q, %q) = %q, want %q", tt.goos, tt.gooses, got, tt.want)
		}
	}
}
