// xsyscheck is a module of its own so that it compares with the newest
// golang.org/x/sys (which needs a newer Go than the module's floor) while
// the module itself keeps the x/sys it declares.
module github.com/eventq/eventq/internal/xsyscheck

go 1.26.0

require github.com/eventq/eventq v0.0.0

require golang.org/x/sys v0.50.0

replace github.com/eventq/eventq => ../..
