// Command kqueue-signal is a seed program: receive a UNIX signal through EVFILT_SIGNAL, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-signal") }
