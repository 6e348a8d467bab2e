package iocp

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// These tests run on Windows and, in CI, under Wine (see .ci/run): every
// one goes through a real completion port. Memory the kernel holds while an
// I/O runs (the OVERLAPPED and the buffer) is heap memory pinned with
// runtime.Pinner until the packet is dequeued, never a local on the stack.

const wait = 5000 // milliseconds: every wait for a packet that must come

func TestMain(m *testing.M) {
	var d windows.WSAData
	if err := windows.WSAStartup(0x202, &d); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func newPort(t testing.TB) windows.Handle {
	t.Helper()
	port, err := CreateIoCompletionPort(windows.InvalidHandle, 0, 0, 0)
	if err != nil {
		t.Fatalf("CreateIoCompletionPort: %v", err)
	}
	t.Cleanup(func() { windows.CloseHandle(port) })
	return port
}

// op is an OVERLAPPED and its buffer, pinned until done.
type op struct {
	ov  windows.Overlapped
	buf [64]byte
	pin runtime.Pinner
}

func newOp(t testing.TB) *op {
	o := new(op)
	o.pin.Pin(o)
	t.Cleanup(o.pin.Unpin) // after the test: every I/O has completed by then
	return o
}

func TestPostAndDequeue(t *testing.T) {
	port := newPort(t)
	if err := PostQueuedCompletionStatus(port, 42, 7, nil); err != nil {
		t.Fatalf("PostQueuedCompletionStatus: %v", err)
	}
	bytes, key, ov, err := GetQueuedCompletionStatus(port, wait)
	if err != nil || bytes != 42 || key != 7 || ov != nil {
		t.Fatalf("GetQueuedCompletionStatus = %d, %d, %p, %v; want 42, 7, nil, nil", bytes, key, ov, err)
	}
}

func TestBatch(t *testing.T) {
	port := newPort(t)
	for k := uintptr(1); k <= 5; k++ {
		if err := PostQueuedCompletionStatus(port, uint32(k*10), k, nil); err != nil {
			t.Fatal(err)
		}
	}
	entries := make([]OverlappedEntry, 8)
	n, err := GetQueuedCompletionStatusEx(port, entries, wait, false)
	if err != nil || n != 5 {
		t.Fatalf("GetQueuedCompletionStatusEx = %d, %v; want 5 packets", n, err)
	}
	for i, e := range entries[:n] {
		if e.Key != uintptr(i+1) || e.Bytes != uint32(10*(i+1)) || e.Overlapped != nil {
			t.Errorf("entry %d: %+v; want key %d, %d bytes, no overlapped", i, e, i+1, 10*(i+1))
		}
	}
	// A batch bounded by the slice: 3 posted, 2 taken, 1 left.
	for k := uintptr(1); k <= 3; k++ {
		PostQueuedCompletionStatus(port, 0, k, nil)
	}
	if n, err := GetQueuedCompletionStatusEx(port, entries[:2], wait, false); n != 2 || err != nil {
		t.Errorf("with 2 entries: %d, %v; want 2", n, err)
	}
	if n, err := GetQueuedCompletionStatusEx(port, entries, 0, false); n != 1 || err != nil || entries[0].Key != 3 {
		t.Errorf("the rest: %d, %v, key %d; want 1 packet, key 3", n, err, entries[0].Key)
	}
}

func TestTimeout(t *testing.T) {
	port := newPort(t)
	for _, timeout := range []uint32{0, 20} {
		_, _, ov, err := GetQueuedCompletionStatus(port, timeout)
		if !errors.Is(err, windows.WAIT_TIMEOUT) || ov != nil {
			t.Errorf("GetQueuedCompletionStatus(%d ms) on an empty port: %p, %v; want nil, WAIT_TIMEOUT", timeout, ov, err)
		}
		n, err := GetQueuedCompletionStatusEx(port, make([]OverlappedEntry, 1), timeout, false)
		if !errors.Is(err, windows.WAIT_TIMEOUT) || n != 0 {
			t.Errorf("GetQueuedCompletionStatusEx(%d ms) on an empty port: %d, %v; want 0, WAIT_TIMEOUT", timeout, n, err)
		}
	}
}

// tempFile writes data to a new file and opens it for overlapped I/O. The
// directory is removed by hand: t.TempDir's cleanup fails under Wine 8.
func tempFile(t *testing.T, data string) windows.Handle {
	t.Helper()
	dir, err := os.MkdirTemp("", "iocp")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "data")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	name, _ := windows.UTF16PtrFromString(path)
	h, err := windows.CreateFile(name, windows.GENERIC_READ, windows.FILE_SHARE_READ, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_OVERLAPPED, 0)
	if err != nil {
		t.Fatalf("CreateFile: %v", err)
	}
	t.Cleanup(func() {
		windows.CloseHandle(h)
		os.Remove(path)
		os.Remove(dir)
	})
	return h
}

func TestFileRead(t *testing.T) {
	port := newPort(t)
	f := tempFile(t, "0123456789abcdef")
	if _, err := CreateIoCompletionPort(f, port, 9, 0); err != nil {
		t.Fatalf("associating the file: %v", err)
	}
	o := newOp(t)
	o.ov.Offset = 10
	err := windows.ReadFile(f, o.buf[:6], nil, &o.ov)
	if err != nil && err != windows.ERROR_IO_PENDING {
		t.Fatalf("ReadFile: %v", err)
	}
	bytes, key, ov, err := GetQueuedCompletionStatus(port, wait)
	if err != nil || key != 9 || ov != &o.ov || bytes != 6 {
		t.Fatalf("GetQueuedCompletionStatus = %d, %d, %p, %v; want 6, 9, %p, nil", bytes, key, ov, err, &o.ov)
	}
	if got := string(o.buf[:6]); got != "abcdef" {
		t.Errorf("read %q at offset 10; want %q", got, "abcdef")
	}
	if n, err := GetOverlappedResult(f, &o.ov, false); n != 6 || err != nil {
		t.Errorf("GetOverlappedResult = %d, %v; want 6", n, err)
	}
	if n, err := GetOverlappedResultEx(f, &o.ov, 0, false); n != 6 || err != nil {
		t.Errorf("GetOverlappedResultEx = %d, %v; want 6", n, err)
	}
}

// unsafePointer returns the address an OVERLAPPED pointer holds.
func unsafePointer(ov *windows.Overlapped) uintptr { return uintptr(unsafe.Pointer(ov)) }

// Every call on its common paths, failures included, allocates nothing.
func TestAllocs(t *testing.T) {
	port := newPort(t)
	f := tempFile(t, "0123456789")
	if _, err := CreateIoCompletionPort(f, port, 1, 0); err != nil {
		t.Fatal(err)
	}
	o := newOp(t)
	entries := make([]OverlappedEntry, 4)
	tests := []struct {
		name string
		f    func()
	}{
		{"post and dequeue", func() {
			PostQueuedCompletionStatus(port, 1, 2, nil)
			GetQueuedCompletionStatus(port, 0)
		}},
		{"post and dequeue a batch", func() {
			PostQueuedCompletionStatus(port, 1, 2, nil)
			GetQueuedCompletionStatusEx(port, entries, 0, false)
		}},
		{"WAIT_TIMEOUT", func() { GetQueuedCompletionStatus(port, 0) }},
		{"WAIT_TIMEOUT, batch", func() { GetQueuedCompletionStatusEx(port, entries, 0, false) }},
		{"GetOverlappedResult", func() { GetOverlappedResult(f, &o.ov, false) }},
		{"ERROR_NOT_FOUND", func() { CancelIoEx(f, &o.ov) }},
	}
	started(t, "ReadFile", windows.ReadFile(f, o.buf[:4], nil, &o.ov))
	dequeue(t, port, o, 1)
	for _, tt := range tests {
		if n := testing.AllocsPerRun(100, tt.f); n != 0 {
			t.Errorf("%s: %v allocations per run; want 0", tt.name, n)
		}
	}
	// The errors really were the hot ones.
	if _, _, _, err := GetQueuedCompletionStatus(port, 0); !errors.Is(err, windows.WAIT_TIMEOUT) {
		t.Errorf("dequeue from an empty port: %v", err)
	}
	if err := CancelIoEx(f, &o.ov); !errors.Is(err, windows.ERROR_NOT_FOUND) {
		t.Errorf("CancelIoEx of a finished read: %v", err)
	}
}
