// Command epoll-timerfd is a seed program: receive a periodic timer through a timerfd, with epoll.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("epoll-timerfd") }
