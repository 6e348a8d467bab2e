// Command kqueue-telnet is a seed program: a telnet-like client reading its input and a socket at once, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-telnet") }
