package descfuzz

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/eventq/eventq/iouring"
)

var programs = flag.Int("programs", 0, "TestDescribedReach: run this many programs (at most 5000), not until everything was tried")

var (
	jsonOnce sync.Once
	jsons    map[string][]byte
	jsonErr  error
)

// loadFuzzer makes a fuzzer from the packages' JSON descriptions, nothing
// else.
func loadFuzzer(t testing.TB) *Fuzzer {
	jsonOnce.Do(func() {
		jsons = map[string][]byte{}
		for _, p := range packages {
			data, err := os.ReadFile(filepath.Join("..", "..", p, "zdesc_generated_linux.json"))
			if err != nil {
				jsonErr = err
				return
			}
			jsons[p] = data
		}
	})
	if jsonErr != nil {
		t.Fatal(jsonErr)
	}
	fz, err := New(jsons)
	if err != nil {
		t.Fatal(err)
	}
	return fz
}

// kernelHas skips the test where the calls cannot run: io_uring and Linux
// AIO are missing under qemu-user.
func kernelHas(t testing.TB) {
	var p iouring.Params
	fd, err := iouring.IoUringSetup(1, &p)
	if err != nil {
		t.Skipf("io_uring_setup: %v (qemu-user implements neither io_uring nor Linux AIO)", err)
	}
	unix.Close(fd)
}

func FuzzDescribed(f *testing.F) {
	kernelHas(f)
	fz := loadFuzzer(f)
	for seed := int64(0); seed < 8; seed++ {
		f.Add(program(fz, seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := fz.Run(data); err != nil {
			t.Fatal(err)
		}
	})
}

// program makes an input from a seed that starts with IoUringSetup,
// IoSetup and EpollCreate1 (so the steps after have a ring, a context and
// an epoll descriptor to use), then random bytes.
func program(fz *Fuzzer, seed int64) []byte {
	rnd := rand.New(rand.NewSource(seed))
	var b []byte
	for _, name := range []string{"iouring.IoUringSetup", "aio.IoSetup", "epoll.EpollCreate1"} {
		k := slices.Index(fz.actions, slices.Index(fz.Calls(), name)) // input.n reads 16 bits, little-endian
		b = append(b, byte(k), byte(k>>8))
		for i := 0; i < 24; i++ {
			b = append(b, byte(rnd.Intn(4)))
		}
	}
	for i := 0; i < 400; i++ {
		b = append(b, byte(rnd.Intn(256)))
	}
	return b
}

// TestDescribedReach runs programs from random inputs and reports which
// calls, opcodes and register opcodes they reached. Every call, every
// opcode the running kernel has (by IORING_REGISTER_PROBE) and every
// register opcode must have been tried at least once: it runs 500
// programs, then more, 100 at a time, until all were tried or 5000 ran.
func TestDescribedReach(t *testing.T) {
	kernelHas(t)
	fz := loadFuzzer(t)
	ops, err := probe()
	if err != nil {
		t.Fatal(err)
	}
	mustOp := func(name string) bool {
		v, _ := fz.Const("iouring", name)
		return ops[v]
	}
	untried := func(st Stats) int {
		n := 0
		for _, l := range []struct {
			names []string
			m     map[string][2]int
			must  func(string) bool
		}{{fz.Calls(), st.Calls, nil}, {fz.Opcodes(), st.Ops, mustOp}, {fz.RegisterOps(), st.Register, nil}} {
			for _, name := range l.names {
				if l.m[name][0] == 0 && (l.must == nil || l.must(name)) {
					n++
				}
			}
		}
		return n
	}
	seed := int64(0)
	for ; seed < 5000; seed++ {
		if *programs > 0 && seed == int64(*programs) || *programs == 0 && seed >= 500 && seed%100 == 0 && untried(fz.Stats()) == 0 {
			break
		}
		if err := fz.Run(program(fz, seed)); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	t.Logf("%d programs", seed)
	st := fz.Stats()
	report := func(what string, names []string, m map[string][2]int, must func(string) bool) {
		var tried, ok int
		var missing, failed []string
		for _, name := range names {
			v := m[name]
			if v[0] > 0 {
				tried++
			} else if must(name) {
				missing = append(missing, name)
			}
			if v[1] > 0 {
				ok++
			} else {
				failed = append(failed, name)
			}
		}
		t.Logf("%s: %d of %d tried, %d of them succeeded at least once; never succeeded: %s", what, tried, len(names), ok, strings.Join(failed, " "))
		if len(missing) > 0 {
			t.Errorf("%s never tried: %s", what, strings.Join(missing, " "))
		}
	}
	report("calls", fz.Calls(), st.Calls, func(string) bool { return true })
	report("opcodes", fz.Opcodes(), st.Ops, mustOp)
	report("register opcodes", fz.RegisterOps(), st.Register, func(string) bool { return true })
	var notes []string
	for k, v := range st.Notes {
		notes = append(notes, fmt.Sprintf("%s: %d", k, v[0]))
	}
	sort.Strings(notes)
	if len(notes) > 0 {
		t.Logf("let pass: %s", strings.Join(notes, ", "))
	}
}

// probe returns the opcodes the running kernel supports.
func probe() (map[int64]bool, error) {
	r, err := iouring.Setup(4, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var p iouring.Probe
	if err := r.Probe(&p); err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for op := 0; op < 256; op++ {
		if p.Supports(iouring.Op(op)) {
			out[int64(op)] = true
		}
	}
	return out, nil
}
