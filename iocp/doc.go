// Package iocp binds Windows I/O completion ports: CreateIoCompletionPort,
// GetQueuedCompletionStatus and GetQueuedCompletionStatusEx,
// PostQueuedCompletionStatus, CancelIo and CancelIoEx,
// SetFileCompletionNotificationModes, GetOverlappedResult(Ex), ntdll's wait
// completion packets, and the waitable-timer calls that deliver a timer
// through a port. It covers windows/386, amd64 and arm64, generated from
// gen/spec/iocp_windows.spec, and works with golang.org/x/sys/windows's
// Handle, Overlapped, Errno and NTStatus: start I/O with x/sys's ReadFile,
// WSARecv, AcceptEx, ConnectEx, ... and complete it here.
//
// # Calls and errors
//
// Each function calls one DLL function, with its arguments in C order and
// its out-parameters as results. A slice longer than a C count can hold
// gives EINVAL without a call. Functions are looked up in System32's
// kernel32.dll and ntdll.dll on first use: on a Windows that lacks one
// (GetOverlappedResultEx before Windows 8, the wait completion packet calls
// before Windows 8 and under Wine 8), the call returns the lookup error, a
// *windows.DLLError, and nothing panics.
//
// Errors are windows.Errno values (syscall.Errno), from GetLastError; the
// ntdll calls return their NTSTATUS as a result and, when it is a failure,
// also as the error, a windows.NTStatus. The errors of the hot paths
// (ERROR_IO_PENDING, ERROR_IO_INCOMPLETE, WAIT_TIMEOUT,
// ERROR_OPERATION_ABORTED, ERROR_NOT_FOUND, ERROR_ABANDONED_WAIT_0) are
// returned without allocating, and no call allocates. Compare with
// errors.Is(err, windows.WAIT_TIMEOUT).
//
// GetQueuedCompletionStatus can fail and still dequeue a packet: the packet
// of an I/O that failed (ERROR_OPERATION_ABORTED after CancelIoEx, a reset
// connection, ...). It then returns the packet and the error together; a
// nil overlapped means no packet was dequeued.
//
// Go has one way into a DLL, syscall.SyscallN, and every call takes it: a
// call that waits lets the Go scheduler run other goroutines; one that does
// not wait costs the same entry. There is no cheaper raw path on Windows.
//
// # Memory the kernel holds
//
// From the call that starts an overlapped I/O until its packet is dequeued
// (or GetOverlappedResult reports it done), the kernel holds the addresses
// of its OVERLAPPED and its buffer, and writes to both. A canceled I/O is
// not done until its ERROR_OPERATION_ABORTED packet comes. Go's collector
// neither sees nor respects those addresses, and a goroutine's stack moves
// when it grows. So never put an OVERLAPPED or a buffer in a local variable;
// allocate them on the heap together and pin them:
//
//	type op struct {
//		ov  windows.Overlapped // first: the packet's overlapped is the op's address
//		buf [4096]byte
//		pin runtime.Pinner
//	}
//	o := new(op)
//	o.pin.Pin(o)
//	err := windows.ReadFile(file, o.buf[:], nil, &o.ov)
//	// ... GetQueuedCompletionStatus returns &o.ov ...
//	o.pin.Unpin() // only after the packet came
//
// The completion key comes back unread: make it an integer token (an index
// into your table), not a Go pointer. A packet's overlapped comes back as a
// *windows.Overlapped, a Go pointer: what you post (PostQueuedCompletionStatus,
// NtAssociateWaitCompletionPacket's apcContext) must be nil or the address of
// a pinned object, never a number that is not an address.
// GetQueuedCompletionStatusEx writes the overlapped pointers of the packets
// into entries: they are valid because the OVERLAPPEDs are pinned, not
// because entries refers to them.
//
// # Handles
//
// No handle this package creates can be inherited by a child process: ports
// cannot be inherited at all, and CreateWaitableTimerEx with nil attributes
// makes a handle that is not inheritable. Close them with windows.CloseHandle.
//
// Under Wine 8, where CI runs the tests, closing a port does not end a
// wait on it (Windows ends it with ERROR_ABANDONED_WAIT_0), and ntdll has
// no wait completion packets: those tests are skipped there, with the
// reason printed.
package iocp

//go:generate go run ../gen -spec ../gen/spec/iocp_windows.spec
