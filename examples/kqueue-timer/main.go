// Command kqueue-timer is a seed program: run a periodic and a one-shot EVFILT_TIMER, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-timer") }
