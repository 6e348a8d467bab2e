// Command eventport-connect is a seed program: a non-blocking connect and an
// HTTP request, with an illumos or Solaris event port. The code is in
// package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("eventport-connect") }
