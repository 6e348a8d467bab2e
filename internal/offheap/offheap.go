//go:build unix

// Package offheap maps memory outside the Go heap: memory that the kernel
// may hold, read and write between a request and its completion (an aiocb,
// an iocb, a buffer, an SQE's timespec), which the garbage collector must
// neither move nor free. aio and iouring allocate through it.
package offheap

import "golang.org/x/sys/unix"

// Map returns n bytes of an anonymous private mapping: zeroed, page-aligned,
// and rounded up to whole pages by the kernel. n must be positive (EINVAL
// otherwise). The memory holds no Go pointers the collector would see:
// store none there.
func Map(n int) ([]byte, error) {
	if n <= 0 {
		return nil, unix.EINVAL
	}
	return unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
}

// Unmap releases memory from Map. Using it afterwards faults.
func Unmap(b []byte) error { return unix.Munmap(b) }
