package iouring

import (
	"unsafe"

	"github.com/eventq/eventq/internal/offheap"
	"golang.org/x/sys/unix"
)

// Alloc returns n values of T in memory outside the Go heap (an anonymous
// private mapping, zeroed, whole pages): memory the kernel may hold between
// a submission and its completion, which the garbage collector neither
// moves nor frees. T must hold no Go pointers (the collector does not scan
// this memory). Release it with Free once no request uses it. n must be
// positive (EINVAL otherwise).
func Alloc[T any](n int) ([]T, error) {
	var zero T
	size := unsafe.Sizeof(zero)
	if n <= 0 || size == 0 || uintptr(n) > ^uintptr(0)/size {
		return nil, unix.EINVAL
	}
	mem, err := offheap.Map(n * int(size))
	if err != nil {
		return nil, err
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(mem))), n), nil
}

// Free releases memory from Alloc. Using it afterwards faults.
func Free[T any](s []T) error {
	if len(s) == 0 {
		return unix.EINVAL
	}
	size := int(unsafe.Sizeof(s[0])) * len(s)
	return offheap.Unmap(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), size))
}
