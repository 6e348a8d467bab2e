package desc_test

import (
	"fmt"
	"os"

	"github.com/eventq/eventq/desc"
)

// Reading a description as a fuzzer does: the JSON of a package, with one
// target's values, gives each struct's layout, each call's arguments, and
// who makes and takes each resource.
func ExampleFromJSON() {
	data, err := os.ReadFile("../epoll/zdesc_generated_linux.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, target := range []string{"linux/amd64", "linux/arm64"} {
		p, err := desc.FromJSON(data, target)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, st := range p.Structs {
			if st.Name == "EpollEvent" {
				fmt.Printf("%s: EpollEvent is %d bytes, its data at offset %d\n", target, st.Size, st.Fields[1].Offset)
			}
		}
	}
	p, _ := desc.FromJSON(data, "linux/amd64")
	for _, c := range p.Calls {
		if c.Name == "EpollWait" {
			for _, a := range c.Args {
				what := a.Kind + ", " + a.Dir
				if a.FD != "" {
					what += ", an " + a.FD + " descriptor"
				}
				if a.Type != "" {
					what += ", of " + a.Type
				}
				fmt.Printf("EpollWait %s: %s\n", a.Name, what)
			}
			fmt.Println("EpollWait does not block when:", c.Unless)
		}
	}
	for _, r := range p.Resources {
		if r.Name == "epoll" {
			fmt.Println("made by", r.Producers, "taken by", len(r.Consumers), "parameters")
		}
	}
	// Output:
	// linux/amd64: EpollEvent is 12 bytes, its data at offset 4
	// linux/arm64: EpollEvent is 16 bytes, its data at offset 8
	// EpollWait epfd: fd, in, an epoll descriptor
	// EpollWait events: slice, out, of EpollEvent
	// EpollWait timeout: int, in
	// EpollWait does not block when: [timeout zero]
	// made by [EpollCreate1.epfd] taken by 6 parameters
}
