// Command iouring-stale is a seed program: the stale-completion problem, fixed with generation tokens and async cancel.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iouring-stale") }
