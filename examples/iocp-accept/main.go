// Command iocp-accept is a seed program for Windows: accept a TCP connection
// with AcceptEx and read from it with WSARecv, through a completion port.
// The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iocp-accept") }
