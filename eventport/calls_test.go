//go:build illumos || solaris

package eventport

import (
	"errors"
	"os"
	"runtime"
	"testing"
	"unsafe"

	"github.com/eventq/eventq/internal/desctest"
	"golang.org/x/sys/unix"
)

// These tests are compiled for illumos and Solaris in CI but have not run:
// there is no illumos or Solaris kernel where this module is developed.

func newPort(t *testing.T) int {
	t.Helper()
	port, err := PortCreateCloexec()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(port) })
	return port
}

// pipe returns a pipe's read and write ends, closed when the test ends.
func pipe(t *testing.T) [2]int {
	t.Helper()
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unix.Close(p[0])
		unix.Close(p[1])
	})
	return p
}

// get retrieves one event, waiting up to a second, retrying EINTR.
func get(t *testing.T, port int) PortEvent {
	t.Helper()
	var ev PortEvent
	for {
		err := PortGet(port, &ev, &unix.Timespec{Sec: 1})
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("PortGet: %v", err)
		}
		return ev
	}
}

// pollEmpty checks that no event is queued, without waiting.
func pollEmpty(t *testing.T, port int) {
	t.Helper()
	var ev PortEvent
	if err := PortGet(port, &ev, &unix.Timespec{}); !errors.Is(err, unix.ETIME) {
		t.Fatalf("PortGet with a zero timeout on an empty port: %v, %+v; want ETIME", err, ev)
	}
}

func TestCloseOnExec(t *testing.T) {
	for _, tt := range []struct {
		name    string
		create  func() (int, error)
		cloexec bool
	}{{"PortCreate", PortCreate, false}, {"PortCreateCloexec", PortCreateCloexec, true}} {
		port, err := tt.create()
		if err != nil {
			t.Fatal(err)
		}
		flags, err := unix.FcntlInt(uintptr(port), unix.F_GETFD, 0)
		unix.Close(port)
		if err != nil {
			t.Fatal(err)
		}
		if got := flags&unix.FD_CLOEXEC != 0; got != tt.cloexec {
			t.Errorf("%s: close-on-exec %v, want %v", tt.name, got, tt.cloexec)
		}
	}
}

func TestUserEvent(t *testing.T) {
	port := newPort(t)
	if err := PortSend(port, -5, 99); err != nil {
		t.Fatal(err)
	}
	ev := get(t, port)
	if want := (PortEvent{Events: -5, Source: PORT_SOURCE_USER, User: 99}); ev != want {
		t.Errorf("got %+v, want %+v", ev, want)
	}
	pollEmpty(t, port)
}

// An association delivers one event; the descriptor must be associated
// again for the next.
func TestFDAssociationIsOneShot(t *testing.T) {
	port := newPort(t)
	p := pipe(t)
	if err := PortAssociate(port, PORT_SOURCE_FD, uintptr(p[0]), int32(POLLIN), 7); err != nil {
		t.Fatal(err)
	}
	unix.Write(p[1], []byte("ab"))
	ev := get(t, port)
	if ev.Source != PORT_SOURCE_FD || ev.Object != uintptr(p[0]) || PollEvents(ev.Events)&POLLIN == 0 || ev.User != 7 {
		t.Fatalf("got %+v", ev)
	}
	pollEmpty(t, port) // still readable, but no longer associated
	if err := PortAssociate(port, PORT_SOURCE_FD, uintptr(p[0]), int32(POLLIN), 8); err != nil {
		t.Fatal(err)
	}
	if ev := get(t, port); ev.User != 8 {
		t.Fatalf("after re-association: %+v", ev)
	}
	if err := PortDissociate(port, PORT_SOURCE_FD, uintptr(p[0])); !errors.Is(err, unix.ENOENT) {
		t.Errorf("PortDissociate of a delivered association: %v, want ENOENT", err)
	}
}

func TestDissociate(t *testing.T) {
	port := newPort(t)
	p := pipe(t)
	if err := PortAssociate(port, PORT_SOURCE_FD, uintptr(p[0]), int32(POLLIN), 1); err != nil {
		t.Fatal(err)
	}
	if err := PortDissociate(port, PORT_SOURCE_FD, uintptr(p[0])); err != nil {
		t.Fatal(err)
	}
	unix.Write(p[1], []byte("a"))
	pollEmpty(t, port)
}

func TestGetnTimeoutAndCount(t *testing.T) {
	port := newPort(t)
	list := make([]PortEvent, 4)
	nget := uint32(1)
	err := PortGetn(port, list, &nget, &unix.Timespec{Nsec: 10e6})
	if !errors.Is(err, unix.ETIME) || nget != 0 {
		t.Fatalf("PortGetn on an empty port: %v, nget %d; want ETIME, 0", err, nget)
	}
	for i := 0; i < 3; i++ {
		if err := PortSend(port, int32(i), uintptr(i)); err != nil {
			t.Fatal(err)
		}
	}
	// An empty list counts the queued events without retrieving or
	// waiting (every wait here is bounded all the same).
	second := &unix.Timespec{Sec: 1}
	nget = 0
	if err := PortGetn(port, nil, &nget, second); err != nil || nget != 3 {
		t.Fatalf("PortGetn with an empty list: %v, nget %d; want 3", err, nget)
	}
	nget = 2
	if err := PortGetn(port, list, &nget, second); err != nil || nget != 3 {
		t.Fatalf("PortGetn: %v, nget %d; want all 3", err, nget)
	}
	// *nget above len(list) is EINVAL.
	nget = 5
	if err := PortGetn(port, list, &nget, &unix.Timespec{}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("PortGetn with nget > len(list): %v, want EINVAL", err)
	}
	if err := PortGetn(port, list, nil, &unix.Timespec{}); !errors.Is(err, unix.EINVAL) {
		t.Errorf("PortGetn with a nil nget: %v, want EINVAL (from libc)", err)
	}
}

func TestSendn(t *testing.T) {
	a, b := newPort(t), newPort(t)
	ports := []int32{int32(a), -1, int32(b)}
	errs := make([]int32, len(ports))
	n, err := PortSendn(ports, errs, 3, 4)
	if err != nil || n != 2 {
		t.Fatalf("PortSendn: %d, %v; want 2", n, err)
	}
	if errs[0] != 0 || unix.Errno(errs[1]) != unix.EBADF || errs[2] != 0 {
		t.Errorf("errors %v, want [0 EBADF 0]", errs)
	}
	for _, port := range []int{a, b} {
		if ev := get(t, port); ev.Source != PORT_SOURCE_USER || ev.Events != 3 || ev.User != 4 {
			t.Errorf("port %d: %+v", port, ev)
		}
	}
	if n, err := PortSendn(ports, errs[:2], 3, 4); !errors.Is(err, unix.EINVAL) || n != -1 {
		t.Errorf("PortSendn with errors shorter than ports: %d, %v; want -1, EINVAL", n, err)
	}
}

func TestAlert(t *testing.T) {
	port := newPort(t)
	if err := PortAlert(port, PORT_ALERT_SET, 5, 6); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // every retrieval gets the alert while it lasts
		if ev := get(t, port); ev.Source != PORT_SOURCE_ALERT || ev.Events != 5 || ev.User != 6 {
			t.Fatalf("got %+v", ev)
		}
	}
	if err := PortAlert(port, PORT_ALERT_UPDATE, 1, 1); !errors.Is(err, unix.EBUSY) {
		t.Errorf("PORT_ALERT_UPDATE in alert mode: %v, want EBUSY", err)
	}
	if err := PortAlert(port, PORT_ALERT_INVALID, 1, 1); !errors.Is(err, unix.EINVAL) {
		t.Errorf("PORT_ALERT_INVALID: %v, want EINVAL", err)
	}
	if err := PortAlert(port, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	pollEmpty(t, port)
}

func TestFileWatch(t *testing.T) {
	port := newPort(t)
	path := t.TempDir() + "/watched"
	if err := os.WriteFile(path, []byte("a"), 0o600); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	name := append([]byte(path), 0)
	fobj := &FileObj{Atime: Timestruc(st.Atim), Mtime: Timestruc(st.Mtim), Ctime: Timestruc(st.Ctim), Name: &name[0]}
	var pin runtime.Pinner
	pin.Pin(fobj)
	pin.Pin(&name[0])
	defer pin.Unpin()
	obj := uintptr(unsafe.Pointer(fobj))
	if err := PortAssociate(port, PORT_SOURCE_FILE, obj, int32(FILE_MODIFIED), 3); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	// The exception events come whether asked for or not.
	ev := get(t, port)
	if ev.Source != PORT_SOURCE_FILE || ev.Object != obj || FileEvents(ev.Events)&FILE_DELETE == 0 || ev.User != 3 {
		t.Errorf("got %+v (%v)", ev, FileEvents(ev.Events))
	}
}

// A port outside the int32 range is EINVAL without a call.
func TestIntRange(t *testing.T) {
	if unsafe.Sizeof(int(0)) == 4 {
		t.Skip("an int is 32 bits")
	}
	if err := PortSend(1<<40, 0, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("PortSend(1<<40): %v, want EINVAL", err)
	}
}

func TestDescriptionJSON(t *testing.T) {
	desctest.MatchesJSON(t, Description(), "zdesc_generated_illumos_solaris.json")
}

func BenchmarkPortSendGet(b *testing.B) {
	port, err := PortCreateCloexec()
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(port)
	var ev PortEvent
	zero := &unix.Timespec{}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := PortSend(port, 1, 2); err != nil {
			b.Fatal(err)
		}
		if err := PortGet(port, &ev, zero); err != nil {
			b.Fatal(err)
		}
	}
}
