// Command kqueue-user is a seed program: trigger a user event through EVFILT_USER, with kqueue.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-user") }
