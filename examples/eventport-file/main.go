// Command eventport-file is a seed program: a file watched for FILE_MODIFIED
// through an illumos or Solaris event port. The code is in package seed.
package main

import "github.com/eventq/eventq/examples/seed"

func main() { seed.Main("eventport-file") }
