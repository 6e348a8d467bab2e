// Command kqueue-file is a seed program for FreeBSD: read a file with
// aio_read(2), its completion delivered to a kqueue as EVFILT_AIO, with a
// pread(2) fallback where the kernel refuses aio. The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("kqueue-file") }
