// Command kqueue-stale is a seed program: skip stale events with generation tokens in udata, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-stale") }
