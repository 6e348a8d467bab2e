// Command tour runs every seed program of this GOOS in turn and prints what
// each received. It exits with status 1 if any fails.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/eventq/eventq/examples/seed"
)

func main() {
	programs := seed.Programs()
	if len(programs) == 0 {
		fmt.Printf("no seed program runs on %s\n", runtime.GOOS)
		os.Exit(1)
	}
	failed, skipped := 0, 0
	for _, p := range programs {
		fmt.Printf("== %s: %s\n", p.Name, p.Doc)
		var out bytes.Buffer
		err := p.Run(&out)
		for _, line := range strings.SplitAfter(strings.TrimRight(out.String(), "\n"), "\n") {
			fmt.Printf("   %s", line)
		}
		fmt.Println()
		switch {
		case errors.Is(err, seed.ErrUnavailable):
			fmt.Printf("   not run: %v\n", err)
			skipped++
		case err != nil:
			fmt.Printf("   FAILED: %v\n", err)
			failed++
		}
	}
	fmt.Printf("%d of %d programs ran to completion", len(programs)-failed-skipped, len(programs))
	if skipped > 0 {
		fmt.Printf(" (%d not run: what they show is not available here)", skipped)
	}
	fmt.Println()
	if failed > 0 {
		os.Exit(1)
	}
}
