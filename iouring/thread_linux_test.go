package iouring

import (
	"runtime"
	"testing"
)

// lockThread keeps the test on its OS thread until it ends.
func lockThread(t testing.TB) {
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
}
