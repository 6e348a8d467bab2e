package epoll

import (
	"encoding/binary"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/eventq/eventq/internal/named"
	"golang.org/x/sys/unix"
)

// FuzzEventfd checks an eventfd's counter against a model: writes add,
// the sum may not pass 0xfffffffffffffffe (EAGAIN, as the descriptor is
// non-blocking), a write of 0xffffffffffffffff is EINVAL, a read returns
// the counter and zeroes it, or with EFD_SEMAPHORE returns 1 and decrements.
func FuzzEventfd(f *testing.F) {
	f.Add(uint32(0), byte(0), []byte{1, 5, 0, 0})
	f.Add(uint32(3), byte(1), []byte{0, 0, 0, 0, 1, 2})
	f.Add(uint32(1), byte(0), []byte{2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 1, 1})
	f.Add(uint32(0), byte(0x80), []byte{})
	f.Fuzz(func(t *testing.T, initval uint32, flagByte byte, ops []byte) {
		fuzzCheck(t, func() { runEventfd(t, initval, flagByte, ops) })
	})
}

func runEventfd(t *testing.T, initval uint32, flagByte byte, ops []byte) {
	flags := EFD_NONBLOCK
	if flagByte&1 != 0 {
		flags |= EFD_SEMAPHORE
	}
	if flagByte&0x80 != 0 {
		flags |= EventfdFlags(flagByte) << 20 // bits eventfd2 does not know
	}
	fd, err := Eventfd(initval, flags)
	if errnoOrNil(t, "Eventfd", err) != 0 {
		if flags&^(EFD_SEMAPHORE|EFD_NONBLOCK|EFD_CLOEXEC) != 0 && err == unix.EINVAL {
			return
		}
		t.Fatalf("Eventfd(%d, %v) = %v", initval, flags, err)
	}
	defer unix.Close(fd)
	const max = math.MaxUint64 - 1
	counter := uint64(initval)
	for len(ops) > 0 {
		op := ops[0]
		ops = ops[1:]
		switch op % 3 {
		case 0: // read
			v, err := EventfdRead(fd)
			errnoOrNil(t, "EventfdRead", err)
			switch {
			case counter == 0:
				if err != unix.EAGAIN {
					t.Fatalf("read of a zero counter = %d, %v; want EAGAIN", v, err)
				}
			case flags&EFD_SEMAPHORE != 0:
				if v != 1 || err != nil {
					t.Fatalf("semaphore read of %d = %d, %v; want 1", counter, v, err)
				}
				counter--
			default:
				if v != counter || err != nil {
					t.Fatalf("read = %d, %v; want %d", v, err, counter)
				}
				counter = 0
			}
		case 1: // write a small value
			write(t, fd, uint64(op/3), &counter, max)
		case 2: // write a value from the input, big ones included
			var b [8]byte
			n := copy(b[:], ops)
			ops = ops[n:]
			write(t, fd, binary.BigEndian.Uint64(b[:]), &counter, max)
		}
	}
}

func write(t *testing.T, fd int, v uint64, counter *uint64, max uint64) {
	err := EventfdWrite(fd, v)
	errnoOrNil(t, "EventfdWrite", err)
	var want error
	switch {
	case v == math.MaxUint64:
		want = unix.EINVAL
	case v > max-*counter:
		want = unix.EAGAIN
	}
	if err != want {
		t.Fatalf("write %#x to counter %#x = %v; want %v", v, *counter, err, want)
	}
	if err == nil {
		*counter += v
	}
}

// setTimespec stores sec and nsec in ts whatever the width of its fields
// (32-bit on 386, arm, mips and mipsle) and returns what was stored.
func setTimespec(ts *unix.Timespec, sec, nsec int64) (int64, int64) {
	v := reflect.ValueOf(ts).Elem()
	v.FieldByName("Sec").SetInt(sec)
	v.FieldByName("Nsec").SetInt(nsec)
	return v.FieldByName("Sec").Int(), v.FieldByName("Nsec").Int()
}

func nanos(sec, nsec int64) float64 { return float64(sec)*1e9 + float64(nsec) }

// FuzzTimerfd sets arbitrary times, negative, huge and denormal ones
// included: settime must give EINVAL or arm a timer whose gettime agrees.
func FuzzTimerfd(f *testing.F) {
	f.Add(byte(1), byte(0), int64(0), int64(0), int64(1), int64(0))
	f.Add(byte(1), byte(0), int64(0), int64(2e9), int64(0), int64(5))
	f.Add(byte(0), byte(1), int64(-1), int64(0), int64(1<<40), int64(999999999))
	f.Add(byte(7), byte(3), int64(0), int64(1e6), int64(0), int64(-1))
	f.Add(byte(42), byte(0), int64(0), int64(0), int64(0), int64(0))
	f.Add(byte(1), byte(4), int64(math.MaxInt64), int64(0), int64(math.MaxInt64), int64(0))
	f.Fuzz(func(t *testing.T, clock, flagByte byte, isec, insec, vsec, vnsec int64) {
		fuzzCheck(t, func() { runTimerfd(t, clock, flagByte, isec, insec, vsec, vnsec) })
	})
}

func runTimerfd(t *testing.T, clock, flagByte byte, isec, insec, vsec, vnsec int64) {
	id := ClockID(clock % 16)
	fd, err := TimerfdCreate(id, TFD_NONBLOCK)
	switch id {
	case CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME:
		if err != nil {
			t.Fatalf("TimerfdCreate(%v) = %v", id, err)
		}
	case CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM:
		// Need CAP_WAKE_ALARM and a real-time clock device: either way.
		errnoOrNil(t, "TimerfdCreate", err)
		if err != nil {
			return
		}
	default:
		if err != unix.EINVAL {
			t.Fatalf("TimerfdCreate(%v) = %v; want EINVAL", id, err)
		}
		return
	}
	defer unix.Close(fd)

	flags := TimerfdSettimeFlags(flagByte & 7) // 4 is a bit timerfd_settime does not know
	var spec unix.ItimerSpec
	isec, insec = setTimespec(&spec.Interval, isec, insec)
	vsec, vnsec = setTimespec(&spec.Value, vsec, vnsec)
	valid := func(sec, nsec int64) bool { return sec >= 0 && nsec >= 0 && nsec < 1e9 }
	var now unix.Timespec
	unix.ClockGettime(int32(id), &now)
	err = TimerfdSettime(fd, flags, &spec, nil)
	errnoOrNil(t, "TimerfdSettime", err)
	if flags&^(TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET) != 0 || !valid(isec, insec) || !valid(vsec, vnsec) {
		if err != unix.EINVAL {
			t.Fatalf("TimerfdSettime(%v, %+v) = %v; want EINVAL", flags, spec, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("TimerfdSettime(%v, %+v) = %v", flags, spec, err)
	}
	var cur unix.ItimerSpec
	if err := TimerfdGettime(fd, &cur); err != nil {
		t.Fatal(err)
	}
	// The kernel keeps times as signed 64-bit nanoseconds and saturates
	// larger ones, so a huge request reads back as at most what was asked.
	interval, value := nanos(isec, insec), nanos(vsec, vnsec)
	gotInterval, gotValue := nanos(int64(cur.Interval.Sec), int64(cur.Interval.Nsec)), nanos(int64(cur.Value.Sec), int64(cur.Value.Nsec))
	if gotInterval > interval || (interval < 1e18 && gotInterval != interval) {
		t.Fatalf("interval: set %+v, gettime %+v", spec.Interval, cur.Interval)
	}
	if value == 0 {
		if gotValue != 0 {
			t.Fatalf("disarmed with a zero value, but gettime says %+v", cur.Value)
		}
		return
	}
	limit := value // relative: the time left is at most what was asked
	if flags&TFD_TIMER_ABSTIME != 0 {
		limit = value - nanos(int64(now.Sec), int64(now.Nsec))
	}
	if gotValue < 0 || gotValue > math.Max(limit, interval)+1e6 {
		t.Fatalf("value: set %+v (flags %v), gettime %+v; want at most %g ns", spec.Value, flags, cur.Value, math.Max(limit, interval))
	}
}

// FuzzSignalfdSiginfo decodes arbitrary bytes as a SignalfdSiginfo and
// checks every field against a decoding written from the C offsets of
// struct signalfd_siginfo, so the layout is tested on every architecture.
func FuzzSignalfdSiginfo(f *testing.F) {
	f.Add([]byte("\x0a\x00\x00\x00\xff\xff\xff\xff"))
	f.Add(make([]byte, 128))
	f.Fuzz(func(t *testing.T, data []byte) {
		var raw [128]byte
		copy(raw[:], data)
		// SAFETY: SignalfdSiginfo is 128 bytes of integers with no pointers
		// (asserted at compile time), so any bytes are a valid value.
		si := *(*SignalfdSiginfo)(unsafe.Pointer(&raw))
		ne := binary.NativeEndian
		u32 := func(off int) uint32 { return ne.Uint32(raw[off:]) }
		u64 := func(off int) uint64 { return ne.Uint64(raw[off:]) }
		want := SignalfdSiginfo{
			Signo: u32(0), Errno: int32(u32(4)), Code: int32(u32(8)), Pid: u32(12), Uid: u32(16),
			Fd: int32(u32(20)), Tid: u32(24), Band: u32(28), Overrun: u32(32), Trapno: u32(36),
			Status: int32(u32(40)), Int: int32(u32(44)), Ptr: u64(48), Utime: u64(56), Stime: u64(64),
			Addr: u64(72), AddrLsb: ne.Uint16(raw[80:]), Syscall: int32(u32(84)), CallAddr: u64(88), Arch: u32(96),
		}
		if si != want {
			t.Fatalf("decoded %+v; the C offsets give %+v", si, want)
		}
	})
}

// FuzzSignalfdDelivery sends a fuzzer-chosen series of signals to this
// thread with tgkill and reads them back through a signalfd. Standard
// signals coalesce while pending; real-time signals queue, each one read
// back; lower numbers are read first.
func FuzzSignalfdDelivery(f *testing.F) {
	f.Add([]byte{0, 1, 0})
	f.Add([]byte{2, 2, 3, 4, 4, 4})
	f.Add([]byte{5, 0, 5, 1})
	f.Fuzz(func(t *testing.T, picks []byte) {
		fuzzCheck(t, func() { runSignalfdDelivery(t, picks) })
	})
}

// The signals the fuzzer may send: nothing in a Go program depends on
// them being delivered as usual, and real-time ones above glibc's.
var fuzzSignals = []unix.Signal{unix.SIGUSR1, unix.SIGUSR2, unix.SIGWINCH, 40, 41, 50}

func runSignalfdDelivery(t *testing.T, picks []byte) {
	if len(picks) > 32 {
		picks = picks[:32]
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set, old Sigset
	for _, s := range fuzzSignals {
		set.Add(s)
	}
	if err := RtSigprocmask(SIG_BLOCK, &set, &old); err != nil {
		t.Fatal(err)
	}
	defer RtSigprocmask(SIG_SETMASK, &old, nil)
	fd, err := Signalfd(-1, &set, SFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)

	var want []unix.Signal
	for _, p := range picks {
		sig := fuzzSignals[int(p)%len(fuzzSignals)]
		if err := unix.Tgkill(unix.Getpid(), unix.Gettid(), sig); err != nil {
			t.Fatal(err)
		}
		if sig >= 32 || !slices.Contains(want, sig) {
			want = append(want, sig)
		}
	}
	slices.SortStableFunc(want, func(a, b unix.Signal) int { return int(a) - int(b) })
	var got []unix.Signal
	infos := make([]SignalfdSiginfo, 3)
	for {
		n, err := SignalfdRead(fd, infos)
		if err == unix.EAGAIN {
			break
		}
		if err != nil {
			t.Fatalf("SignalfdRead: %v", err)
		}
		for _, si := range infos[:n] {
			if si.Pid != uint32(unix.Getpid()) || si.Code != -6 {
				t.Fatalf("signal %d: pid %d code %d; want pid %d code SI_TKILL (-6)", si.Signo, si.Pid, si.Code, unix.Getpid())
			}
			got = append(got, unix.Signal(si.Signo))
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sent %v, read back %v; want %v", picks, got, want)
	}
}

// FuzzString prints a value of every flags and enum type and parses the
// text back: the names must be the type's own and give the same value,
// with unnamed bits in hex.
func FuzzString(f *testing.F) {
	f.Add(uint32(0))
	f.Add(uint32(0x80000001))
	f.Add(uint32(0x00300005))
	f.Fuzz(func(t *testing.T, v uint32) {
		roundTrip(t, Events(v), EventsValues(), true)
		roundTrip(t, CreateFlags(v), CreateFlagsValues(), true)
		roundTrip(t, EventfdFlags(v), EventfdFlagsValues(), true)
		roundTrip(t, TimerfdFlags(v), TimerfdFlagsValues(), true)
		roundTrip(t, TimerfdSettimeFlags(v), TimerfdSettimeFlagsValues(), true)
		roundTrip(t, SignalfdFlags(v), SignalfdFlagsValues(), true)
		roundTrip(t, CtlOp(v), CtlOpValues(), false)
		roundTrip(t, ClockID(v), ClockIDValues(), false)
		roundTrip(t, SigmaskHow(v), SigmaskHowValues(), false)
	})
}

func roundTrip[T interface {
	named.Integer
	String() string
}](t *testing.T, v T, values []Named[T], flags bool) {
	s := v.String()
	names := map[string]T{}
	for _, n := range values {
		names[n.Name] = n.Value
	}
	if !flags {
		if n, ok := names[s]; ok {
			if n != v {
				t.Fatalf("%T(%d).String() = %s, which is %d", v, v, s, n)
			}
			return
		}
		typ := reflect.TypeOf(v).Name()
		num, ok := strings.CutPrefix(s, typ+"(")
		num, ok2 := strings.CutSuffix(num, ")")
		n, err := strconv.ParseInt(num, 10, 64)
		if !ok || !ok2 || err != nil || T(n) != v {
			t.Fatalf("%T(%d).String() = %q: not a name and not %s(%d)", v, v, s, typ, v)
		}
		return
	}
	var sum T
	for i, part := range strings.Split(s, "|") {
		if n, ok := names[part]; ok {
			if sum&n != 0 {
				t.Fatalf("%T(%#x).String() = %q: %s repeats bits", v, v, s, part)
			}
			sum |= n
			continue
		}
		last := i == strings.Count(s, "|")
		u, err := strconv.ParseUint(strings.TrimPrefix(part, "0x"), 16, 64)
		if !last || err != nil || (part != "0" && !strings.HasPrefix(part, "0x")) {
			t.Fatalf("%T(%#x).String() = %q: %q is not a name, or hex not at the end", v, v, s, part)
		}
		if T(u)&sum != 0 {
			t.Fatalf("%T(%#x).String() = %q: the hex part repeats named bits", v, v, s)
		}
		sum |= T(u)
	}
	if sum != v {
		t.Fatalf("%T(%#x).String() = %q, which parses back to %#x", v, v, s, sum)
	}
	if v == 0 && s != "0" {
		t.Fatalf("zero prints as %q", s)
	}
}
