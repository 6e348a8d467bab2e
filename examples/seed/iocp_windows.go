package seed

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"unsafe"

	"github.com/eventq/eventq/iocp"
	"golang.org/x/sys/windows"
)

// These programs run on Windows and, in CI, under Wine.
var programs = []Program{
	{"iocp-accept", "accept a TCP connection with AcceptEx and read from it with WSARecv, through a completion port", iocpAccept},
	{"iocp-connect", "connect with ConnectEx and make an HTTP request with WSASend and WSARecv, through a completion port", iocpConnect},
	{"iocp-file", "read a file with an OVERLAPPED ReadFile, through a completion port", iocpFile},
	{"iocp-user", "user events through PostQueuedCompletionStatus, dequeued one by one and as a batch", iocpUser},
}

func init() {
	var d windows.WSAData
	windows.WSAStartup(0x202, &d) // Go's net package starts Winsock too; this is for the raw sockets
}

// An op is an OVERLAPPED and its buffer. The kernel writes to both after
// the call that starts the I/O returns, so an op lives on the heap, pinned,
// from the start of its I/O until its packet is dequeued: never on a stack,
// which moves when it grows.
type op struct {
	ov  windows.Overlapped // first: a packet's overlapped is the op's address
	buf [512]byte
	pin runtime.Pinner
}

func newOp() *op {
	o := new(op)
	o.pin.Pin(o)
	return o
}

// done unpins o: call it only once its packet was dequeued.
func (o *op) done() { o.pin.Unpin() }

// opOf turns a dequeued packet's overlapped back into its op.
func opOf(ov *windows.Overlapped) *op { return (*op)(unsafe.Pointer(ov)) }

// newPort creates a completion port.
func newPort() (windows.Handle, error) {
	return iocp.CreateIoCompletionPort(windows.InvalidHandle, 0, 0, 0)
}

// iwait dequeues one packet, waiting at most waitLimit. A packet of a failed
// I/O comes back with its error.
func iwait(port windows.Handle) (bytes uint32, key uintptr, ov *windows.Overlapped, err error) {
	bytes, key, ov, err = iocp.GetQueuedCompletionStatus(port, uint32(waitLimit.Milliseconds()))
	if errors.Is(err, windows.WAIT_TIMEOUT) {
		err = errTimeout
	}
	return
}

// pending accepts the two ways an overlapped call starts well.
func pending(err error) error {
	if errors.Is(err, windows.ERROR_IO_PENDING) {
		return nil
	}
	return err
}

// wsocket makes an overlapped TCP socket that children do not inherit,
// associated with port under key.
func wsocket(port windows.Handle, key uintptr) (windows.Handle, error) {
	s, err := windows.WSASocket(windows.AF_INET, windows.SOCK_STREAM, windows.IPPROTO_TCP, nil, 0,
		windows.WSA_FLAG_OVERLAPPED|windows.WSA_FLAG_NO_HANDLE_INHERIT)
	if err != nil {
		return 0, fmt.Errorf("WSASocket: %w", err)
	}
	if _, err := iocp.CreateIoCompletionPort(s, port, key, 0); err != nil {
		windows.Closesocket(s)
		return 0, fmt.Errorf("associating a socket with the port: %w", err)
	}
	return s, nil
}

var loopback = [4]byte{127, 0, 0, 1}

// recv starts an overlapped WSARecv into o.buf.
func recv(s windows.Handle, o *op) error {
	var flags uint32
	b := windows.WSABuf{Len: uint32(len(o.buf)), Buf: &o.buf[0]} // the call copies the WSABUF
	return pending(windows.WSARecv(s, &b, 1, nil, &flags, &o.ov, nil))
}

// iocpAccept listens, accepts one connection with AcceptEx and reads what
// the client sends with WSARecv, every completion through one port.
func iocpAccept(w io.Writer) error {
	port, err := newPort()
	if err != nil {
		return err
	}
	defer windows.CloseHandle(port)
	const keyListener, keyConn = 1, 2
	ln, err := wsocket(port, keyListener)
	if err != nil {
		return err
	}
	defer windows.Closesocket(ln)
	if err := windows.Bind(ln, &windows.SockaddrInet4{Addr: loopback}); err != nil {
		return err
	}
	if err := windows.Listen(ln, 8); err != nil {
		return err
	}
	sa, err := windows.Getsockname(ln)
	if err != nil {
		return err
	}
	lport := sa.(*windows.SockaddrInet4).Port
	fmt.Fprintf(w, "listening on 127.0.0.1:%d\n", lport)

	conn, err := windows.WSASocket(windows.AF_INET, windows.SOCK_STREAM, windows.IPPROTO_TCP, nil, 0,
		windows.WSA_FLAG_OVERLAPPED|windows.WSA_FLAG_NO_HANDLE_INHERIT)
	if err != nil {
		return err
	}
	defer windows.Closesocket(conn)
	accept := newOp()
	addrLen := uint32(unsafe.Sizeof(windows.RawSockaddrInet4{}) + 16) // AcceptEx's rule
	if err := pending(windows.AcceptEx(ln, conn, &accept.buf[0], 0, addrLen, addrLen, nil, &accept.ov)); err != nil {
		accept.done()
		return fmt.Errorf("AcceptEx: %w", err)
	}

	// The client would be another process.
	client, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", lport))
	if err != nil {
		return err
	}
	defer client.Close()
	if _, key, ov, err := iwait(port); err != nil || key != keyListener || ov != &accept.ov {
		return fmt.Errorf("waiting for AcceptEx: key %d, %v", key, err)
	}
	accept.done()
	// The accepted socket inherits the listener's properties only when told.
	ls := ln
	windows.Setsockopt(conn, windows.SOL_SOCKET, windows.SO_UPDATE_ACCEPT_CONTEXT, (*byte)(unsafe.Pointer(&ls)), int32(unsafe.Sizeof(ls)))
	peer, err := windows.Getpeername(conn)
	if err != nil {
		return err
	}
	p := peer.(*windows.SockaddrInet4)
	fmt.Fprintf(w, "AcceptEx completed: a connection from %v:%d\n", net.IP(p.Addr[:]), p.Port)

	if _, err := iocp.CreateIoCompletionPort(conn, port, keyConn, 0); err != nil {
		return err
	}
	r := newOp()
	if err := recv(conn, r); err != nil {
		r.done()
		return fmt.Errorf("WSARecv: %w", err)
	}
	if _, err := client.Write([]byte("hello from the client")); err != nil {
		return err
	}
	n, key, ov, err := iwait(port)
	if err != nil || key != keyConn {
		return fmt.Errorf("waiting for WSARecv: key %d, %v", key, err)
	}
	got := opOf(ov)
	fmt.Fprintf(w, "WSARecv completed: %d bytes, %q\n", n, got.buf[:n])
	got.done()
	return nil
}

// iocpConnect connects with ConnectEx to an HTTP server the program starts,
// sends a request with WSASend and reads the reply with WSARecv until the
// server closes the connection.
func iocpConnect(w io.Writer) error {
	hport, stop, err := helloServer()
	if err != nil {
		return err
	}
	defer stop()
	port, err := newPort()
	if err != nil {
		return err
	}
	defer windows.CloseHandle(port)
	const key = 7
	s, err := wsocket(port, key)
	if err != nil {
		return err
	}
	defer windows.Closesocket(s)
	if err := windows.Bind(s, &windows.SockaddrInet4{}); err != nil { // ConnectEx needs a bound socket
		return err
	}
	c := newOp()
	if err := pending(windows.ConnectEx(s, &windows.SockaddrInet4{Addr: loopback, Port: hport}, nil, 0, nil, &c.ov)); err != nil {
		c.done()
		return fmt.Errorf("ConnectEx: %w", err)
	}
	if _, _, ov, err := iwait(port); err != nil || ov != &c.ov {
		return fmt.Errorf("waiting for ConnectEx: %v", err)
	}
	c.done()
	windows.Setsockopt(s, windows.SOL_SOCKET, windows.SO_UPDATE_CONNECT_CONTEXT, nil, 0)
	fmt.Fprintf(w, "ConnectEx completed: connected to 127.0.0.1:%d\n", hport)

	send := newOp()
	req := "GET /iocp HTTP/1.0\r\nHost: localhost\r\n\r\n"
	n := copy(send.buf[:], req)
	b := windows.WSABuf{Len: uint32(n), Buf: &send.buf[0]}
	if err := pending(windows.WSASend(s, &b, 1, nil, 0, &send.ov, nil)); err != nil {
		send.done()
		return fmt.Errorf("WSASend: %w", err)
	}
	sent, _, _, err := iwait(port)
	if err != nil {
		return fmt.Errorf("waiting for WSASend: %w", err)
	}
	send.done()
	fmt.Fprintf(w, "WSASend completed: %d bytes\n", sent)

	var reply []byte
	r := newOp()
	defer r.done()
	for {
		if err := recv(s, r); err != nil {
			return fmt.Errorf("WSARecv: %w", err)
		}
		n, _, _, err := iwait(port)
		if err != nil {
			return fmt.Errorf("waiting for WSARecv: %w", err)
		}
		if n == 0 { // the server closed the connection
			break
		}
		reply = append(reply, r.buf[:n]...)
	}
	printReply(w, reply)
	return nil
}

// iocpFile reads a file with an overlapped ReadFile at an offset, the
// completion coming through the port.
func iocpFile(w io.Writer) error {
	dir, err := os.MkdirTemp("", "iocp-file")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data")
	if err := os.WriteFile(path, []byte("header: a file read through a completion port\n"), 0o600); err != nil {
		return err
	}
	port, err := newPort()
	if err != nil {
		return err
	}
	defer windows.CloseHandle(port)
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	f, err := windows.CreateFile(name, windows.GENERIC_READ, windows.FILE_SHARE_READ, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_OVERLAPPED, 0)
	if err != nil {
		return fmt.Errorf("CreateFile: %w", err)
	}
	defer windows.CloseHandle(f)
	const key = 3
	if _, err := iocp.CreateIoCompletionPort(f, port, key, 0); err != nil {
		return err
	}
	o := newOp()
	o.ov.Offset = uint32(len("header: ")) // where the read starts
	if err := pending(windows.ReadFile(f, o.buf[:], nil, &o.ov)); err != nil {
		o.done()
		return fmt.Errorf("ReadFile: %w", err)
	}
	n, k, ov, err := iwait(port)
	if err != nil || k != key || ov != &o.ov {
		return fmt.Errorf("waiting for ReadFile: key %d, %v", k, err)
	}
	fmt.Fprintf(w, "ReadFile completed: %d bytes at offset %d: %q\n", n, o.ov.Offset, o.buf[:n])
	o.done()
	return nil
}

// iocpUser posts packets of its own from another goroutine: the key is an
// integer token, and no OVERLAPPED is involved.
func iocpUser(w io.Writer) error {
	port, err := newPort()
	if err != nil {
		return err
	}
	defer windows.CloseHandle(port)
	go iocp.PostQueuedCompletionStatus(port, 42, 1, nil)
	n, key, _, err := iwait(port)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "packet: key %d, %d bytes\n", key, n)

	for k := uintptr(2); k <= 4; k++ {
		if err := iocp.PostQueuedCompletionStatus(port, uint32(k*10), k, nil); err != nil {
			return err
		}
	}
	entries := make([]iocp.OverlappedEntry, 8)
	got, err := iocp.GetQueuedCompletionStatusEx(port, entries, uint32(waitLimit.Milliseconds()), false)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "batch of %d packets:", got)
	for _, e := range entries[:got] {
		fmt.Fprintf(w, " key %d (%d bytes)", e.Key, e.Bytes)
	}
	fmt.Fprintln(w)
	return nil
}
