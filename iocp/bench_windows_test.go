// The benchmarks use testing.B.Loop, which Go 1.24 added; the module
// declares an older Go, so they build with Go 1.24 and later only.

//go:build go1.24

package iocp

import (
	"errors"
	"testing"

	"golang.org/x/sys/windows"
)

// Benchmarks of a packet's round trip and of an empty dequeue, against
// golang.org/x/sys/windows. bench/run-iocp runs them with the same calls in
// C (bench/iocp_bench.c) under Wine and compares them with benchstat.

func BenchmarkPostDequeue(b *testing.B) {
	port := newPort(b)
	b.Run("impl=eventq", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			PostQueuedCompletionStatus(port, 1, 2, nil)
			if _, key, _, err := GetQueuedCompletionStatus(port, 0); err != nil || key != 2 {
				b.Fatal(key, err)
			}
		}
	})
	b.Run("impl=xsys", func(b *testing.B) {
		b.ReportAllocs()
		var n uint32
		var key uintptr
		var ov *windows.Overlapped
		for b.Loop() {
			windows.PostQueuedCompletionStatus(port, 1, 2, nil)
			if err := windows.GetQueuedCompletionStatus(port, &n, &key, &ov, 0); err != nil || key != 2 {
				b.Fatal(key, err)
			}
		}
	})
}

func BenchmarkDequeueEmpty(b *testing.B) {
	port := newPort(b)
	b.Run("impl=eventq", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, _, err := GetQueuedCompletionStatus(port, 0); !errors.Is(err, windows.WAIT_TIMEOUT) {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=xsys", func(b *testing.B) {
		b.ReportAllocs()
		var n uint32
		var key uintptr
		var ov *windows.Overlapped
		for b.Loop() {
			if err := windows.GetQueuedCompletionStatus(port, &n, &key, &ov, 0); !errors.Is(err, windows.WAIT_TIMEOUT) {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDequeueBatch posts 16 packets and dequeues them in one call
// (x/sys has no GetQueuedCompletionStatusEx to compare with).
func BenchmarkDequeueBatch(b *testing.B) {
	port := newPort(b)
	entries := make([]OverlappedEntry, 16)
	b.Run("impl=eventq", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for k := range 16 {
				PostQueuedCompletionStatus(port, 0, uintptr(k), nil)
			}
			if n, err := GetQueuedCompletionStatusEx(port, entries, 0, false); err != nil || n != 16 {
				b.Fatal(n, err)
			}
		}
	})
}
