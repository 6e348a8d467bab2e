//go:build linux

package main

import "unsafe"

// uintptrOf is the address of off-heap memory, for a field the kernel reads.
func uintptrOf[T any](p *T) uintptr { return uintptr(unsafe.Pointer(p)) }
