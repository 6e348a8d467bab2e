// Command iouring-file is a seed program: a file read at an offset into off-heap memory, through io_uring.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iouring-file") }
