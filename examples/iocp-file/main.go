// Command iocp-file is a seed program for Windows: read a file with an
// OVERLAPPED ReadFile, its completion through a completion port. The code is
// in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iocp-file") }
