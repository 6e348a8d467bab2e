package iocp

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// socket makes an overlapped TCP socket, closed when the test ends.
func socket(t *testing.T) windows.Handle {
	t.Helper()
	s, err := windows.WSASocket(windows.AF_INET, windows.SOCK_STREAM, windows.IPPROTO_TCP, nil, 0,
		windows.WSA_FLAG_OVERLAPPED|windows.WSA_FLAG_NO_HANDLE_INHERIT)
	if err != nil {
		t.Fatalf("WSASocket: %v", err)
	}
	t.Cleanup(func() { windows.Closesocket(s) })
	return s
}

// listener returns a socket listening on 127.0.0.1 and its port.
func listener(t *testing.T) (windows.Handle, int) {
	t.Helper()
	ln := socket(t)
	if err := windows.Bind(ln, &windows.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := windows.Listen(ln, 4); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := windows.Getsockname(ln)
	if err != nil {
		t.Fatal(err)
	}
	return ln, sa.(*windows.SockaddrInet4).Port
}

// started checks that an overlapped call was accepted: it either completed
// at once or is pending; both queue a packet.
func started(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, windows.ERROR_IO_PENDING) {
		t.Fatalf("%s: %v", what, err)
	}
}

// dequeue waits for one packet and checks that it is o's and carries key.
func dequeue(t *testing.T, port windows.Handle, o *op, key uintptr) uint32 {
	t.Helper()
	bytes, k, ov, err := GetQueuedCompletionStatus(port, wait)
	if err != nil || ov != &o.ov || k != key {
		t.Fatalf("GetQueuedCompletionStatus = %d, key %d, %p, %v; want key %d, %p", bytes, k, ov, err, key, &o.ov)
	}
	return bytes
}

// TestTCP accepts with AcceptEx, connects with ConnectEx, and moves data
// with WSASend and WSARecv, every completion through one port.
func TestTCP(t *testing.T) {
	port := newPort(t)
	ln, lport := listener(t)
	srv, cli := socket(t), socket(t)
	const keyAccept, keyConnect, keyServer, keyClient = 1, 2, 3, 4
	for _, a := range []struct {
		h   windows.Handle
		key uintptr
	}{{ln, keyAccept}, {cli, keyConnect}} {
		if _, err := CreateIoCompletionPort(a.h, port, a.key, 0); err != nil {
			t.Fatalf("associating a socket: %v", err)
		}
	}

	accept := newOp(t)
	// AcceptEx writes both addresses into the buffer: each takes the
	// address size plus 16 bytes.
	addrLen := uint32(unsafe.Sizeof(windows.RawSockaddrInet4{}) + 16)
	err := windows.AcceptEx(ln, srv, &accept.buf[0], 0, addrLen, addrLen, nil, &accept.ov)
	started(t, "AcceptEx", err)

	if err := windows.Bind(cli, &windows.SockaddrInet4{}); err != nil { // ConnectEx needs a bound socket
		t.Fatal(err)
	}
	connect := newOp(t)
	err = windows.ConnectEx(cli, &windows.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: lport}, nil, 0, nil, &connect.ov)
	started(t, "ConnectEx", err)

	// The two packets come in either order.
	for iter := 0; iter < 2; iter++ {
		_, key, ov, err := GetQueuedCompletionStatus(port, wait)
		if err != nil {
			t.Fatalf("waiting for accept and connect: %v", err)
		}
		switch {
		case key == keyAccept && ov == &accept.ov, key == keyConnect && ov == &connect.ov:
		default:
			t.Fatalf("packet with key %d, overlapped %p: not the accept's or the connect's", key, ov)
		}
	}

	if _, err := CreateIoCompletionPort(srv, port, keyServer, 0); err != nil {
		t.Fatalf("associating the accepted socket: %v", err)
	}
	recv := newOp(t)
	var flags uint32
	buf := windows.WSABuf{Len: uint32(len(recv.buf)), Buf: &recv.buf[0]} // copied by the call
	started(t, "WSARecv", windows.WSARecv(srv, &buf, 1, nil, &flags, &recv.ov, nil))

	send := newOp(t)
	msg := "hello over a completion port"
	copy(send.buf[:], msg)
	out := windows.WSABuf{Len: uint32(len(msg)), Buf: &send.buf[0]}
	started(t, "WSASend", windows.WSASend(cli, &out, 1, nil, 0, &send.ov, nil))

	// The client's send and the server's receive complete in either order.
	var got string
	for iter := 0; iter < 2; iter++ {
		bytes, key, ov, err := GetQueuedCompletionStatus(port, wait)
		if err != nil {
			t.Fatalf("waiting for send and receive: %v", err)
		}
		switch {
		case key == keyConnect && ov == &send.ov:
			if bytes != uint32(len(msg)) {
				t.Errorf("WSASend completed with %d bytes; want %d", bytes, len(msg))
			}
		case key == keyServer && ov == &recv.ov:
			got = string(recv.buf[:bytes])
		default:
			t.Fatalf("packet with key %d, overlapped %p: not the send's or the receive's", key, ov)
		}
	}
	if got != msg {
		t.Errorf("received %q; want %q", got, msg)
	}
}

// TestCancelIoEx cancels a receive that cannot complete: the port still
// gets its packet, and GetQueuedCompletionStatus hands back both the packet
// and the error, ERROR_OPERATION_ABORTED.
func TestCancelIoEx(t *testing.T) {
	port := newPort(t)
	_, lport := listener(t) // stays open until the test ends
	cli := socket(t)
	if err := windows.Connect(cli, &windows.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: lport}); err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := CreateIoCompletionPort(cli, port, 5, 0); err != nil {
		t.Fatal(err)
	}
	recv := newOp(t)
	var flags uint32
	buf := windows.WSABuf{Len: uint32(len(recv.buf)), Buf: &recv.buf[0]}
	err := windows.WSARecv(cli, &buf, 1, nil, &flags, &recv.ov, nil)
	if !errors.Is(err, windows.ERROR_IO_PENDING) {
		t.Fatalf("WSARecv with nothing to read: %v; want ERROR_IO_PENDING", err)
	}
	if err := CancelIoEx(cli, &recv.ov); err != nil {
		t.Fatalf("CancelIoEx: %v", err)
	}
	bytes, key, ov, err := GetQueuedCompletionStatus(port, wait)
	if !errors.Is(err, windows.ERROR_OPERATION_ABORTED) || ov != &recv.ov || key != 5 || bytes != 0 {
		t.Fatalf("GetQueuedCompletionStatus = %d, key %d, %p, %v; want 0, 5, %p, ERROR_OPERATION_ABORTED",
			bytes, key, ov, err, &recv.ov)
	}
	if _, err := GetOverlappedResult(cli, &recv.ov, false); !errors.Is(err, windows.ERROR_OPERATION_ABORTED) {
		t.Errorf("GetOverlappedResult of the canceled receive: %v; want ERROR_OPERATION_ABORTED", err)
	}
	if err := CancelIoEx(cli, &recv.ov); !errors.Is(err, windows.ERROR_NOT_FOUND) {
		t.Errorf("CancelIoEx with nothing left to cancel: %v; want ERROR_NOT_FOUND", err)
	}
}
