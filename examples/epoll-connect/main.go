// Command epoll-connect is a seed program: connect without blocking, send an HTTP request and read the reply, with epoll.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("epoll-connect") }
