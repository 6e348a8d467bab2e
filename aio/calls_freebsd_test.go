package aio

import (
	"testing"

	"golang.org/x/sys/unix"
)

// AioRead2 and AioWrite2 refuse flags libc does not know before any call,
// as libc does.
func TestOp2UnknownFlags(t *testing.T) {
	var cb Aiocb
	for _, f := range []func(*Aiocb, Op2Flags) error{AioRead2, AioWrite2} {
		if err := f(&cb, 0x4); err != unix.EINVAL {
			t.Errorf("flags 0x4: %v; want EINVAL", err)
		}
	}
	if cb.LioOpcode != 0 {
		t.Errorf("LioOpcode = %v after a refused call; want it untouched", cb.LioOpcode)
	}
}
