//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package seed

import (
	"runtime"
	"testing"
)

// Each program runs to completion and reports what it received. This runs
// only on the BSDs and macOS; where this module is developed it is compiled
// and vetted for each of them.
func TestPrograms(t *testing.T) {
	want := map[string][]string{
		"kqueue-accept":  {"EVFILT_READ on the listener: 1 connection(s) waiting", `read "hello from the client"`},
		"kqueue-connect": {"EVFILT_WRITE: connected", `reply: HTTP/1.0 200 OK, body "hello, /kqueue"`},
		"kqueue-user":    {"EVFILT_USER ident 1: fflags", "0x2a"},
		"kqueue-timer":   {"EVFILT_TIMER ident 1: ", "EVFILT_TIMER ident 2: one-shot timer fired"},
		"kqueue-signal":  {"EVFILT_SIGNAL ident", "SIGUSR1"},
		"kqueue-telnet":  {`server: "welcome\n"`, `server: "HELLO\n"`, `server: "KQUEUE\n"`},
		"kqueue-echo":    {`echo "message 0"`, `echo "message 1"`, "2 clients served"},
		"kqueue-stale":   {"is stale (the slot is at generation 2): skipped", "1 event handled, 1 stale event skipped"},
	}
	if runtime.GOOS == "freebsd" {
		// Either path ends with the file's text.
		want["kqueue-file"] = []string{`read "a file read through aio and kqueue\n"`}
	}
	runPrograms(t, want)
}
