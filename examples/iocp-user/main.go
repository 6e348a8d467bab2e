// Command iocp-user is a seed program for Windows: user events posted with
// PostQueuedCompletionStatus, dequeued one by one and as a batch. The code is
// in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("iocp-user") }
