// Command iouring-connect is a seed program: connect, send an HTTP request and read the reply, through io_uring.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iouring-connect") }
