package seed

import "testing"

// Each program runs to completion and reports what it received.
func TestPrograms(t *testing.T) {
	runPrograms(t, map[string][]string{
		"epoll-accept":   {"accepted a connection from 127.0.0.1:", `EPOLLIN: read "hello from the client"`},
		"epoll-connect":  {"EPOLLOUT: connected to 127.0.0.1:", `reply: HTTP/1.0 200 OK, body "hello, /epoll"`},
		"epoll-eventfd":  {"EPOLLIN: counter", "received user events adding up to 6"},
		"epoll-timerfd":  {"EPOLLIN: ", "expiration(s)", "timer disarmed after"},
		"epoll-signalfd": {"EPOLLIN: received SIGUSR1 (signal ", "code -6"},
		"epoll-stale":    {"is stale (the slot is at generation 2): skipped", "1 event handled, 1 stale event skipped"},
	})
}
