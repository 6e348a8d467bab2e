package iocp

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestSkipOnSuccess: with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, an I/O that
// completes at once queues no packet, and one that pends still does. A send
// on a connected socket usually completes at once.
func TestSkipOnSuccess(t *testing.T) {
	port := newPort(t)
	_, lport := listener(t)
	cli := socket(t)
	if err := windows.Connect(cli, &windows.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: lport}); err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := CreateIoCompletionPort(cli, port, 1, 0); err != nil {
		t.Fatal(err)
	}
	if err := SetFileCompletionNotificationModes(cli, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS); err != nil {
		t.Fatalf("SetFileCompletionNotificationModes: %v", err)
	}
	o := newOp(t)
	copy(o.buf[:], "ping")
	buf := windows.WSABuf{Len: 4, Buf: &o.buf[0]}
	var sent uint32
	err := windows.WSASend(cli, &buf, 1, &sent, 0, &o.ov, nil)
	switch {
	case err == nil:
		t.Log("the send completed at once: no packet may come")
		if sent != 4 {
			t.Errorf("WSASend completed at once with %d bytes; want 4", sent)
		}
		if _, _, ov, err := GetQueuedCompletionStatus(port, 50); !errors.Is(err, windows.WAIT_TIMEOUT) {
			t.Errorf("a packet came for an I/O that completed at once: %p, %v", ov, err)
		}
	case errors.Is(err, windows.ERROR_IO_PENDING):
		t.Log("the send pended: its packet comes as without the mode")
		if n := dequeue(t, port, o, 1); n != 4 {
			t.Errorf("sent %d bytes; want 4", n)
		}
	default:
		t.Fatalf("WSASend: %v", err)
	}

	// Without the mode, a send that completes at once still queues a packet.
	cli2 := socket(t)
	if err := windows.Connect(cli2, &windows.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: lport}); err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := CreateIoCompletionPort(cli2, port, 2, 0); err != nil {
		t.Fatal(err)
	}
	o2 := newOp(t)
	buf2 := windows.WSABuf{Len: 4, Buf: &o2.buf[0]}
	started(t, "WSASend", windows.WSASend(cli2, &buf2, 1, nil, 0, &o2.ov, nil))
	if n := dequeue(t, port, o2, 2); n != 4 {
		t.Errorf("sent %d bytes; want 4", n)
	}
}

// TestAbandoned closes the port under a waiting GetQueuedCompletionStatus.
func TestAbandoned(t *testing.T) {
	if underWine() {
		t.Skip("Wine 8 does not end a wait when its port is closed (seen: the wait runs to its timeout, WAIT_TIMEOUT)")
	}
	port, err := CreateIoCompletionPort(windows.InvalidHandle, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		_, _, _, err := GetQueuedCompletionStatus(port, wait)
		result <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it wait; if not yet, it sees a closed handle
	windows.CloseHandle(port)
	err = <-result
	if !errors.Is(err, windows.ERROR_ABANDONED_WAIT_0) && !errors.Is(err, windows.ERROR_INVALID_HANDLE) {
		t.Errorf("GetQueuedCompletionStatus on a port closed under it: %v; want ERROR_ABANDONED_WAIT_0", err)
	}
	t.Logf("the wait ended with %v", err)
}

// TestWaitableTimer sets a timer and waits on it directly.
func TestWaitableTimer(t *testing.T) {
	timer, err := CreateWaitableTimerEx(nil, nil, 0, TIMER_MODIFY_STATE|SYNCHRONIZE)
	if err != nil {
		t.Fatalf("CreateWaitableTimerEx: %v", err)
	}
	defer windows.CloseHandle(timer)
	if ev, _ := windows.WaitForSingleObject(timer, 0); ev != uint32(windows.WAIT_TIMEOUT) {
		t.Fatalf("a new timer is signaled: %d", ev)
	}
	due := int64(-10 * 10000) // 10 ms from now, in 100 ns units
	if err := SetWaitableTimer(timer, &due, 0, 0, 0, false); err != nil {
		t.Fatalf("SetWaitableTimer: %v", err)
	}
	if ev, err := windows.WaitForSingleObject(timer, wait); ev != windows.WAIT_OBJECT_0 {
		t.Fatalf("waiting for the timer: %d, %v", ev, err)
	}
	due = int64(-3600 * 1e7) // an hour: cancel it first
	if err := SetWaitableTimer(timer, &due, 0, 0, 0, false); err != nil {
		t.Fatal(err)
	}
	if err := CancelWaitableTimer(timer); err != nil {
		t.Errorf("CancelWaitableTimer: %v", err)
	}
}

// newWaitPacket makes a wait completion packet, or skips the test where
// ntdll lacks the call (Wine 8 does: the lookup error comes back from the
// call, as on a Windows older than 8).
func newWaitPacket(t *testing.T) windows.Handle {
	t.Helper()
	status, packet, err := NtCreateWaitCompletionPacket(windows.GENERIC_ALL, nil)
	var missing *windows.DLLError
	if errors.As(err, &missing) {
		t.Skipf("ntdll has no NtCreateWaitCompletionPacket here (%v): wait completion packets not tested", err)
	}
	if err != nil {
		t.Fatalf("NtCreateWaitCompletionPacket: status %#x, %v", uint32(status), err)
	}
	t.Cleanup(func() { windows.CloseHandle(packet) })
	return packet
}

// TestWaitPacketEvent: an event signaled after the association queues one
// packet, with the key, context, status and information given.
func TestWaitPacketEvent(t *testing.T) {
	port := newPort(t)
	packet := newWaitPacket(t)
	event, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(event)
	const key, info = 11, 99
	ctx := newOp(t) // the packet's overlapped: the address of a pinned object
	token := unsafePointer(&ctx.ov)
	status, signaled, err := NtAssociateWaitCompletionPacket(packet, port, event, key, token, windows.STATUS_SUCCESS, info)
	if err != nil || signaled {
		t.Fatalf("NtAssociateWaitCompletionPacket: status %#x, already signaled %v, %v", uint32(status), signaled, err)
	}
	if _, _, _, err := GetQueuedCompletionStatus(port, 0); !errors.Is(err, windows.WAIT_TIMEOUT) {
		t.Fatalf("a packet before the event: %v", err)
	}
	windows.SetEvent(event)
	bytes, k, ov, err := GetQueuedCompletionStatus(port, wait)
	if err != nil || k != key || ov != &ctx.ov || bytes != info {
		t.Fatalf("packet: %d bytes, key %d, overlapped %p, %v; want %d, %d, %#x", bytes, k, ov, err, info, key, token)
	}
	// Associated again to an event already signaled.
	status, signaled, err = NtAssociateWaitCompletionPacket(packet, port, event, key, token, windows.STATUS_SUCCESS, info)
	if err != nil || !signaled {
		t.Errorf("associating to a signaled event: status %#x, already signaled %v, %v", uint32(status), signaled, err)
	}
	if status, err := NtCancelWaitCompletionPacket(packet, true); err != nil {
		t.Errorf("NtCancelWaitCompletionPacket: status %#x, %v", uint32(status), err)
	}
}

// TestWaitPacketTimer delivers a waitable timer through a port.
func TestWaitPacketTimer(t *testing.T) {
	port := newPort(t)
	packet := newWaitPacket(t)
	timer, err := CreateWaitableTimerEx(nil, nil, 0, TIMER_ALL_ACCESS)
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(timer)
	if _, _, err := NtAssociateWaitCompletionPacket(packet, port, timer, 21, 0, windows.STATUS_SUCCESS, 0); err != nil {
		t.Fatal(err)
	}
	due := int64(-5 * 10000)
	if err := SetWaitableTimer(timer, &due, 0, 0, 0, false); err != nil {
		t.Fatal(err)
	}
	if _, key, _, err := GetQueuedCompletionStatus(port, wait); err != nil || key != 21 {
		t.Fatalf("timer packet: key %d, %v; want 21", key, err)
	}
}

// underWine reports whether this runs under Wine, whose ntdll exports
// wine_get_version.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
