package iouring

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The fuzz model's operations, decoded from three bytes each: kind, argument, flags.
const (
	fzNop       = iota // completes with 0
	fzNopFail          // completes with the injected -errno (-EBADF before IORING_NOP_INJECT_RESULT): a failure
	fzTimeout          // 0..2 ms; -ETIME, a failure unless IORING_TIMEOUT_ETIME_SUCCESS
	fzWriteNull        // a write of 0..63 bytes to /dev/null: its length
	fzReadZero         // a read of 0..63 bytes from /dev/zero: its length
	fzCancel           // cancels an earlier operation of the batch by user_data
	fzKinds
)

type fzOp struct {
	kind   int
	arg    byte
	flags  SqeFlags
	target int // fzCancel: the index of the target, or -1 for none
}

func decodeOps(data []byte) []fzOp {
	var ops []fzOp
	for i := 0; i+2 < len(data) && len(ops) < 32; i += 3 {
		op := fzOp{kind: int(data[i]) % fzKinds, arg: data[i+1], target: -1}
		if data[i+2]&1 != 0 {
			op.flags |= IOSQE_IO_LINK
		}
		if data[i+2]&2 != 0 {
			op.flags |= IOSQE_IO_DRAIN
		}
		if op.kind == fzCancel && len(ops) > 0 {
			op.target = int(op.arg) % len(ops)
		}
		ops = append(ops, op)
	}
	if len(ops) > 0 {
		ops[len(ops)-1].flags &^= IOSQE_IO_LINK // a chain ends with the batch
	}
	return ops
}

// fuzzEnv is memory and descriptors every execution shares.
type fuzzEnv struct {
	null, zero int
	buf        []byte
	ts         []KernelTimespec // 0, 1 and 2 ms
}

var (
	fuzzOnce sync.Once
	fuzzE    fuzzEnv
	fuzzErr  error
)

func env(t *testing.T) *fuzzEnv {
	fuzzOnce.Do(func() {
		if fuzzE.null, fuzzErr = unix.Open("/dev/null", unix.O_WRONLY|unix.O_CLOEXEC, 0); fuzzErr != nil {
			return
		}
		if fuzzE.zero, fuzzErr = unix.Open("/dev/zero", unix.O_RDONLY|unix.O_CLOEXEC, 0); fuzzErr != nil {
			return
		}
		if fuzzE.buf, fuzzErr = Alloc[byte](64 * 32); fuzzErr != nil {
			return
		}
		if fuzzE.ts, fuzzErr = Alloc[KernelTimespec](3); fuzzErr == nil {
			for i := range fuzzE.ts {
				fuzzE.ts[i].Nsec = int64(i) * 1e6
			}
		}
	})
	if fuzzErr != nil {
		t.Fatal(fuzzErr)
	}
	return &fuzzE
}

// FuzzRing drives random batches of SQEs (NOPs, failing NOPs, timeouts,
// reads and writes, cancels, links and drains) through a real ring and
// checks every completion against a model: each SQE completes exactly once
// with its user_data, with its operation's result or -ECANCELED where a
// cancel or an earlier failure in its link chain allows it, and a failure
// cancels the rest of its chain. No descriptor outlives the ring.
func FuzzRing(f *testing.F) {
	f.Add([]byte{0, 0, 0})
	f.Add([]byte{1, 5, 1, 0, 0, 1, 4, 9, 0})           // a failing NOP cancels its chain
	f.Add([]byte{2, 2, 1, 3, 7, 0, 5, 0, 0})           // a timeout's -ETIME breaks its link
	f.Add([]byte{2, 0x82, 1, 4, 3, 2, 0, 0, 0})        // ... unless ETIME_SUCCESS
	f.Add([]byte{2, 2, 0, 5, 0, 0, 3, 12, 2, 4, 1, 0}) // a cancelled timeout, then a drain
	f.Fuzz(fuzzBatch)
}

// fuzzBatch is one execution of FuzzRing.
func fuzzBatch(t *testing.T, data []byte) {
	{
		ops := decodeOps(data)
		if len(ops) == 0 {
			return
		}
		e := env(t)
		before := openFds(t)
		r, err := Setup(64, nil)
		if err != nil {
			skipUnavailable(t, err)
			t.Fatal(err)
		}
		for i, op := range ops {
			s := r.NextSqe()
			ud := uint64(i + 1)
			switch op.kind {
			case fzNop:
				s.PrepNop(0, ud)
			case fzNopFail:
				if fzInject {
					s.PrepNop(IORING_NOP_INJECT_RESULT, ud)
					s.Len = uint32(fzInjected(op))
				} else {
					s.PrepRead(-1, e.buf[i*64:i*64+1], 0, 0, ud)
				}
			case fzTimeout:
				var fl TimeoutFlags
				if op.arg&0x80 != 0 {
					fl = IORING_TIMEOUT_ETIME_SUCCESS
				}
				s.PrepTimeout(&e.ts[op.arg%3], 0, fl, ud)
			case fzWriteNull:
				s.PrepWrite(int32(e.null), e.buf[i*64:i*64+int(op.arg%64)], ^uint64(0), 0, ud)
			case fzReadZero:
				s.PrepRead(int32(e.zero), e.buf[i*64:i*64+int(op.arg%64)], ^uint64(0), 0, ud)
			case fzCancel:
				target := uint64(1) << 40 // matches nothing
				if op.target >= 0 {
					target = uint64(op.target + 1)
				}
				s.PrepAsyncCancel(target, 0, ud)
			}
			s.Flags |= op.flags
		}
		res := map[uint64]int32{}
		deadline := time.Now().Add(10 * time.Second)
		r.Submit()
		for len(res) < len(ops) {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d completions after 10 s; ops %+v", len(res), len(ops), ops)
			}
			c := r.PeekCqe()
			if c == nil {
				ts := KernelTimespec{Nsec: 100e6}
				r.SubmitAndWaitTimeout(1, &ts) // EINTR or ETIME: loop
				continue
			}
			if c.UserData == 0 || c.UserData > uint64(len(ops)) {
				t.Fatalf("a completion with user_data %d, never submitted", c.UserData)
			}
			if _, dup := res[c.UserData]; dup {
				t.Fatalf("user_data %d completed twice", c.UserData)
			}
			res[c.UserData] = c.Res
			r.CqAdvance(1)
		}
		if err := checkModel(ops, res); err != nil {
			t.Fatalf("%v\nops %+v\nres %v", err, ops, res)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if after := openFds(t); after != before {
			t.Fatalf("descriptors: %d before the ring, %d after closing it", before, after)
		}
	}
}

// fzInject: the running kernel has IORING_NOP_INJECT_RESULT. Before it
// (Linux 6.10), a NOP with that flag fails when submitted, which ends the
// submission, so fzNopFail is a read from descriptor -1 instead: it fails
// with -EBADF when it runs, as an injected failure does.
var fzInject = !newerThanKernel(sinceOf("IORING_NOP_INJECT_RESULT"))

// fzFailRes is the result of a fzNopFail.
func fzFailRes(op fzOp) int32 {
	if !fzInject {
		return -int32(unix.EBADF)
	}
	return fzInjected(op)
}

func fzInjected(op fzOp) int32 { return -int32(op.arg%100) - 1 } // -1 .. -100

// checkModel checks the results of a batch against the model.
func checkModel(ops []fzOp, res map[uint64]int32) error {
	canceledRes := -int32(unix.ECANCELED)
	// cancelled[i]: a cancel that succeeded named op i. maybe[i]: a cancel
	// that named op i found it running (-EALREADY): the kernel marks it
	// cancelled, and it completes normally or with -ECANCELED (seen: a
	// cancel op punted to io-wq, cancelled so by a later cancel).
	cancelled, maybe := map[int]bool{}, map[int]bool{}
	for i, op := range ops {
		if op.kind == fzCancel && op.target >= 0 {
			switch res[uint64(i+1)] {
			case 0:
				cancelled[op.target] = true
			case -int32(unix.EALREADY):
				maybe[op.target] = true
			}
		}
	}
	broken := false // an earlier op of the current chain failed
	for i, op := range ops {
		got := res[uint64(i+1)]
		var want []int32
		failed := got < 0
		switch op.kind {
		case fzNop:
			want = []int32{0}
		case fzNopFail:
			want = []int32{fzFailRes(op)}
		case fzTimeout:
			want = []int32{-int32(unix.ETIME)}
			if op.arg&0x80 != 0 && got == -int32(unix.ETIME) {
				failed = false
			}
		case fzWriteNull, fzReadZero:
			want = []int32{int32(op.arg % 64)}
		case fzCancel:
			want = []int32{0, -int32(unix.ENOENT), -int32(unix.EALREADY)}
			if op.target < 0 {
				want = []int32{-int32(unix.ENOENT)}
			}
		}
		switch {
		case broken && got != canceledRes:
			return fmt.Errorf("op %d (%+v): res %d after a failure earlier in its chain; want -ECANCELED", i, op, got)
		case !broken && cancelled[i] && got != canceledRes:
			return fmt.Errorf("op %d (%+v): res %d, but a cancel of it succeeded", i, op, got)
		case !broken && !cancelled[i] && !contains(want, got) && !(maybe[i] && got == canceledRes):
			return fmt.Errorf("op %d (%+v): res %d; want one of %v", i, op, got, want)
		}
		if op.flags&IOSQE_IO_LINK == 0 {
			broken = false // the chain ends here
		} else if failed {
			broken = true
		}
	}
	return nil
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
