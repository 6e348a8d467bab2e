// Package seed holds the seed programs: small, complete uses of this
// module's bindings, each a function that runs to completion in bounded time
// and reports what it received. The commands under examples/ run them one
// at a time; examples/tour runs them all.
package seed

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

// waitLimit bounds every wait: a program that does not get its event by then fails.
const waitLimit = 5 * time.Second

var errTimeout = errors.New("no event within the time limit")

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
