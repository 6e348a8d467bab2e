// Command iocp-connect is a seed program for Windows: connect with ConnectEx
// and make an HTTP request with WSASend and WSARecv, through a completion
// port. The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iocp-connect") }
