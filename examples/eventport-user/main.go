// Command eventport-user is a seed program: user events through port_send
// and port_sendn, and alert mode, on illumos or Solaris. The code is in
// package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("eventport-user") }
