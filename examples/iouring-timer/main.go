// Command iouring-timer is a seed program: a multishot periodic timeout and a one-shot timeout, through io_uring.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iouring-timer") }
