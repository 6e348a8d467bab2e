//go:build xsysdeps

package xsyscheck

// The packages the test compares with, by go list rather than by import:
// these imports keep them, at the version go.mod names, in the module graph.
import (
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/sys/windows"
)
