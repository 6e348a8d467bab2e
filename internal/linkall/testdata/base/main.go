// Command base is linkall's baseline for the libc import check: it links
// what the module's packages use besides their own calls (package desc,
// golang.org/x/sys/unix's FcntlInt and Close, fmt), so that the C functions
// linkall imports and it does not are the module's own.
package main

import (
	"fmt"

	"github.com/eventq/eventq/desc"
	"golang.org/x/sys/unix"
)

func main() {
	_, err := unix.FcntlInt(0, unix.F_GETFD, 0)
	fmt.Println(desc.FromJSON, err, unix.Close(-1))
}
