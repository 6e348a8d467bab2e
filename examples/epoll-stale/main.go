// Command epoll-stale is a seed program: skip stale events with generation tokens, with epoll.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("epoll-stale") }
