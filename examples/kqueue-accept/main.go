// Command kqueue-accept is a seed program: accept a TCP connection and read from it, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-accept") }
