package seed

import "testing"

// Each program runs to completion and reports what it received. This runs
// only on illumos and Solaris (the file suffix covers both); where this
// module is developed it is compiled and vetted for each.
func TestPrograms(t *testing.T) {
	runPrograms(t, map[string][]string{
		"eventport-connect": {"PORT_SOURCE_FD POLLOUT: connected", `reply: HTTP/1.0 200 OK, body "hello, /eventport"`},
		"eventport-echo":    {`echo "message 0"`, `echo "message 1"`, "2 clients served"},
		"eventport-user": {"PORT_SOURCE_USER: events 42, user 7", "sent to 2 of 3 ports; port -1: bad file number",
			"PORT_SOURCE_USER: events 5, user 8", "PORT_SOURCE_ALERT: events 9, user 10"},
		"eventport-file": {"PORT_SOURCE_FILE: FILE_MODIFIED on the watched FileObj: true"},
	})
}
