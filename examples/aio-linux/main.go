// Command aio-linux is a seed program: an O_DIRECT file read with Linux
// native AIO, its completion delivered through an eventfd in an epoll wait.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("aio-linux") }
