package named

import "testing"

type Named[T any] struct {
	Name  string
	Value T
}

type flags uint16

type enum int8

func TestFormatFlags(t *testing.T) {
	table := []Named[flags]{{"A", 1}, {"B", 2}, {"AB", 3}, {"HIGH", 0x8000}}
	for _, tt := range []struct {
		v    flags
		want string
	}{
		{0, "0"}, {1, "A"}, {3, "A|B"}, {0x8004, "HIGH|0x4"}, {0x10, "0x10"},
	} {
		if got := FormatFlags(tt.v, table); got != tt.want {
			t.Errorf("FormatFlags(%#x) = %q; want %q", uint16(tt.v), got, tt.want)
		}
	}
	zero := []Named[flags]{{"NONE", 0}}
	if got := FormatFlags(flags(0), zero); got != "0" {
		t.Errorf("a zero-valued name is never printed: got %q", got)
	}
}

func TestFormatEnum(t *testing.T) {
	table := []Named[enum]{{"ONE", 1}, {"MINUS", -1}}
	for _, tt := range []struct {
		v    enum
		want string
	}{
		{1, "ONE"}, {-1, "MINUS"}, {-2, "E(-2)"}, {7, "E(7)"},
	} {
		if got := FormatEnum(tt.v, "E", table); got != tt.want {
			t.Errorf("FormatEnum(%d) = %q; want %q", tt.v, got, tt.want)
		}
	}
}
