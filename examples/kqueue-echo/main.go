// Command kqueue-echo is a seed program: a small TCP echo server, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-echo") }
