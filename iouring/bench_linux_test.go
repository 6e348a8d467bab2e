package iouring

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// The benchmarks measure per operation: b.N counts NOPs or reads, not
// batches. bench/run-iouring runs them beside the same loops in C with
// liburing (bench/iouring_bench.c) and compares them with benchstat.

// reapN submits what is queued, waits for n completions and reaps them all
// at once: each CQE read in place, then one store of the CQ head.
func reapN(b *testing.B, r *Ring, n uint32) {
	submitted := false
	for r.CqReady() < n {
		var err error
		if !submitted {
			_, err = r.SubmitAndWait(n - r.CqReady())
			submitted = err == nil
		} else {
			_, err = IoUringEnter(r.Fd, 0, n-r.CqReady(), IORING_ENTER_GETEVENTS, nil)
		}
		if err != nil && err != unix.EINTR {
			b.Fatal(err)
		}
	}
	head, tail := r.CqHead(), r.CqTail()
	for i := head; i != tail; i++ {
		if c := r.CqeAt(i); c.Res < 0 {
			b.Fatalf("cqe %+v", *c)
		}
	}
	r.SetCqHead(tail)
}

// (a) A batch of 32 NOPs, submitted with one enter and reaped.
func BenchmarkNopBatch32(b *testing.B) {
	b.Run("impl=eventq", func(b *testing.B) {
		r := newRing(b, 64, nil)
		growStack()
		b.ReportAllocs()
		b.ResetTimer()
		nopBatches(b, r)
	})
}

// nopBatches is (a)'s loop, a function of its own so that bench/run-iouring
// can count its instructions with callgrind.
//
//go:noinline
func nopBatches(b *testing.B, r *Ring) {
	for done := 0; done < b.N; done += 32 {
		for i := 0; i < 32; i++ {
			r.NextSqe().PrepNop(0, uint64(i))
		}
		reapN(b, r, 32)
	}
}

// growStack grows the goroutine's stack before a measured loop: callgrind
// loses track of a function whose stack is copied while it runs, and
// counts nothing after.
//
//go:noinline
func growStack() {
	var pad [64 << 10]byte
	sink = pad[len(pad)-1]
}

var sink byte

// (b) One NOP round trip: submit it and wait for its completion.
func BenchmarkNopRoundTrip(b *testing.B) {
	b.Run("impl=eventq", func(b *testing.B) {
		r := newRing(b, 64, nil)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r.NextSqe().PrepNop(0, uint64(i))
			reapN(b, r, 1)
		}
	})
}

// (c) 4 KiB reads from a file in the page cache, 32 per batch.
func BenchmarkRead4KBatch32(b *testing.B) {
	b.Run("impl=eventq", func(b *testing.B) {
		r := newRing(b, 64, nil)
		fd := cachedFile(b)
		buf := alloc(b, 32*4096)
		b.ReportAllocs()
		b.ResetTimer()
		for done := 0; done < b.N; done += 32 {
			for i := 0; i < 32; i++ {
				r.NextSqe().PrepRead(int32(fd), buf[i*4096:(i+1)*4096], uint64(i)*4096, 0, uint64(i))
			}
			reapN(b, r, 32)
		}
	})
}

// cachedFile returns a 128 KiB file, read once so that it is in the page cache.
func cachedFile(b *testing.B) int {
	data := make([]byte, 32*4096)
	for i := range data {
		data[i] = byte(i)
	}
	fd, name := tempFile(b, data)
	if _, err := os.ReadFile(name); err != nil {
		b.Fatal(err)
	}
	return fd
}
