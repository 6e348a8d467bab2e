package seed

import "testing"

// Each program runs to completion and reports what it received.
func TestPrograms(t *testing.T) {
	runPrograms(t, map[string][]string{
		"epoll-accept":    {"accepted a connection from 127.0.0.1:", `EPOLLIN: read "hello from the client"`},
		"epoll-connect":   {"EPOLLOUT: connected to 127.0.0.1:", `reply: HTTP/1.0 200 OK, body "hello, /epoll"`},
		"epoll-eventfd":   {"EPOLLIN: counter", "received user events adding up to 6"},
		"epoll-timerfd":   {"EPOLLIN: ", "expiration(s)", "timer disarmed after"},
		"epoll-signalfd":  {"EPOLLIN: received SIGUSR1 (signal ", "code -6"},
		"epoll-stale":     {"is stale (the slot is at generation 2): skipped", "1 event handled, 1 stale event skipped"},
		"iouring-accept":  {"IORING_OP_ACCEPT: a connection from 127.0.0.1:", `IORING_OP_RECV: read "hello from the client"`},
		"iouring-connect": {"IORING_OP_CONNECT: connected to 127.0.0.1:", `reply: HTTP/1.0 200 OK, body "hello, /iouring"`},
		"iouring-timer":   {"expiry 1 of 3 ", "expiry 3 of 3 (IORING_CQE_F_MORE: false)", "the one-shot timeout fired"},
		"iouring-user":    {"ring B: user event with user_data 7, res 42"},
		"iouring-file":    {`IORING_OP_READ at offset 6: 29 bytes, "a file read through io_uring\n"`},
		"iouring-stale":   {"is stale (the slot is at generation 2): skipped", "1 completion handled, 1 stale completion skipped"},
		"aio-linux":       {"io_submit: ", "EPOLLIN on the eventfd: 1 completion(s)", `io_getevents: token 77, 4096 bytes: "a block read with O_DIRECT through native AIO\n"`},
		"iouring-echo":    {`client 0 got its echo: "message 0"`, `client 1 got its echo: "message 1"`, "2 clients served"},
	})
}
