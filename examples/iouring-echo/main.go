// Command iouring-echo is a seed program: a TCP echo server with multishot accept and multishot recv from a buffer ring.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iouring-echo") }
