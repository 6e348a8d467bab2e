// Package seed holds the seed programs: small, complete uses of this
// module's bindings, each a function that runs to completion in bounded time
// and reports what it received. The commands under examples/ run them one
// at a time; examples/tour runs them all.
package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"
)

// waitLimit bounds every wait: a program that does not get its event by then fails.
const waitLimit = 5 * time.Second

var errTimeout = errors.New("no event within the time limit")

// ErrUnavailable is wrapped by the error of a program that cannot run here
// because the kernel facility it shows is missing or disabled (io_uring
// under qemu-user, or turned off by sysctl or seccomp).
var ErrUnavailable = errors.New("is not available here")

// Program is one seed program.
type Program struct {
	Name string // also the name of its command under examples/
	Doc  string
	Run  func(w io.Writer) error
}

// Programs lists the seed programs that run on this GOOS, in tour order.
func Programs() []Program { return programs }

// Lookup returns the program called name.
func Lookup(name string) (Program, bool) {
	for _, p := range programs {
		if p.Name == name {
			return p, true
		}
	}
	return Program{}, false
}

// Main runs the program called name, writing to standard output, and exits
// with status 1 if it fails or does not run on this GOOS.
func Main(name string) {
	p, ok := Lookup(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "%s: not available on %s\n", name, runtime.GOOS)
		os.Exit(1)
	}
	if err := p.Run(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// helloServer starts an HTTP server on 127.0.0.1 that answers "hello, <path>",
// for the connect programs to talk to. stop shuts it down.
func helloServer() (port int, stop func() error, err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(rw, "hello, %s", r.URL.Path)
	})}
	go srv.Serve(l)
	return l.Addr().(*net.TCPAddr).Port, srv.Close, nil
}

// printReply prints an HTTP reply's status line and body.
func printReply(w io.Writer, reply []byte) {
	status, _, _ := bytes.Cut(reply, []byte("\r\n"))
	_, body, _ := bytes.Cut(reply, []byte("\r\n\r\n"))
	fmt.Fprintf(w, "reply: %s, body %q\n", status, body)
}
