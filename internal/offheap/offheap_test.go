//go:build unix

package offheap

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestMap(t *testing.T) {
	if _, err := Map(0); err != unix.EINVAL {
		t.Fatalf("Map(0): %v; want EINVAL", err)
	}
	b, err := Map(100)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 100 || uintptr(unsafe.Pointer(&b[0]))%uintptr(unix.Getpagesize()) != 0 {
		t.Fatalf("len %d, address %p: want 100 bytes, page-aligned", len(b), &b[0])
	}
	for i, c := range b {
		if c != 0 {
			t.Fatalf("byte %d is %d; want zeroed memory", i, c)
		}
	}
	b[99] = 1
	if err := Unmap(b); err != nil {
		t.Fatal(err)
	}
}
