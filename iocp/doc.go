// Package iocp binds Windows I/O completion ports.
//
//go:generate go run ../gen -spec ../gen/spec/iocp_windows.spec
package iocp
