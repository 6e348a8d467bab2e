// Command epoll-signalfd is a seed program: receive a UNIX signal through a signalfd, with epoll.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("epoll-signalfd") }
