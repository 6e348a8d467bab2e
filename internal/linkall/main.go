// Command linkall references every exported function and method of the
// module's packages, so that building it links all of them: a function
// whose code names a symbol the target or the Go version lacks fails the
// build. (darwin's Kevent64 once called syscall.rawSyscall9, which Go has
// only from 1.26: nothing in the module called it, so no build saw it.)
// .ci/run builds it for every target of internal/targets with the oldest
// Go that go.mod declares and with the current one ("link every call").
//
// The lists are generated from the packages' sources by ./gen, one file
// per set of targets that see the same functions; generic functions and
// methods of generic types are left out, as they have no code until
// instantiated.
package main

import "fmt"

//go:generate go run ./gen

func main() {
	fmt.Println(len(funcs), "functions and methods linked")
}
