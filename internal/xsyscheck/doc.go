// Package xsyscheck compares this module's constants, system call numbers
// and struct layouts with golang.org/x/sys, which was generated on the real
// systems, for every target both support. It runs on any host: it loads the
// export data of both packages, built by `go list -export` for each
// GOOS/GOARCH, with go/types, and computes layouts with that target's sizes.
package xsyscheck
