// Command eventport-echo is a seed program: a small TCP echo server, with an
// illumos or Solaris event port. The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("eventport-echo") }
