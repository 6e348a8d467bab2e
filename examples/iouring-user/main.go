// Command iouring-user is a seed program: a user event from one ring to another with IORING_OP_MSG_RING.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iouring-user") }
