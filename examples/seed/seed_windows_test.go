package seed

import "testing"

// Each program runs to completion and reports what it received; in CI, under Wine.
func TestPrograms(t *testing.T) {
	runPrograms(t, map[string][]string{
		"iocp-accept":  {"AcceptEx completed: a connection from 127.0.0.1:", `WSARecv completed: 21 bytes, "hello from the client"`},
		"iocp-connect": {"ConnectEx completed", `reply: HTTP/1.0 200 OK, body "hello, /iocp"`},
		"iocp-file":    {`ReadFile completed: 38 bytes at offset 8: "a file read through a completion port\n"`},
		"iocp-user":    {"packet: key 1, 42 bytes", "batch of 3 packets: key 2 (20 bytes) key 3 (30 bytes) key 4 (40 bytes)"},
	})
}
