package targets

import (
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
