// Command epoll-eventfd is a seed program: receive user events through an eventfd, with epoll.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("epoll-eventfd") }
