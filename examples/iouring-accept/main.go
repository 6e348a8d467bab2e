// Command iouring-accept is a seed program: accept a TCP connection and read from it, through io_uring.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iouring-accept") }
