// Command kqueue-connect is a seed program: connect without blocking and make an HTTP request, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-connect") }
