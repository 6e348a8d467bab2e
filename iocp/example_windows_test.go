package iocp_test

import (
	"fmt"
	"log"

	"github.com/eventq/eventq/iocp"
	"golang.org/x/sys/windows"
)

// A batch: post three packets of your own, each carrying an integer token
// as its key (and a nil overlapped), and dequeue them with one
// GetQueuedCompletionStatusEx. CI runs it under Wine.
func ExampleGetQueuedCompletionStatusEx() {
	port, err := iocp.CreateIoCompletionPort(windows.InvalidHandle, 0, 0, 1)
	if err != nil {
		log.Fatal(err)
	}
	defer windows.CloseHandle(port)
	for key := uintptr(1); key <= 3; key++ {
		if err := iocp.PostQueuedCompletionStatus(port, uint32(10*key), key, nil); err != nil {
			log.Fatal(err)
		}
	}
	entries := make([]iocp.OverlappedEntry, 8)
	n, err := iocp.GetQueuedCompletionStatusEx(port, entries, 1000, false)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries[:n] {
		fmt.Printf("key %d, %d bytes\n", e.Key, e.Bytes)
	}
	// Output:
	// key 1, 10 bytes
	// key 2, 20 bytes
	// key 3, 30 bytes
}
