// Package desc is the machine-readable description of this module's calls
// and types, for fuzzers and other tools that enumerate system calls.
//
// Each binding package generates its description from the same spec as its
// code: epoll.Description() returns it as Go data, with the constants' values
// of the architecture the program was built for, and the package's
// zdesc_generated_<goos>.json file holds the same description with every target's
// values. A fuzzer can enumerate the calls, learn which argument is which
// kind of descriptor, pick valid flag combinations from each type's values,
// and craft invalid ones on purpose: unknown bits pass through to the kernel.
package desc

import "encoding/json"

// Package describes one binding package.
type Package struct {
	Name    string   `json:"name"`
	AsOf    string   `json:"as_of"`   // what the facts are current as of
	Targets []string `json:"targets"` // GOOS/GOARCH
	Types   []Type   `json:"types"`
	Calls   []Call   `json:"calls"`
	// Resources are the descriptors and other kernel objects the calls
	// make and take: a fuzzer threads each producer's result into its
	// consumers.
	Resources []Resource `json:"resources,omitempty"`
	// Structs are the layouts of the structs the calls and setters take.
	Structs []Struct `json:"structs,omitempty"`
	// Setters are the methods that fill a whole struct from typed
	// arguments: io_uring's Prep methods, one or more per opcode, and the
	// SQE fields each sets.
	Setters []Setter `json:"setters,omitempty"`
}

// Resource is a descriptor kind ("epoll", "io_uring") or another kernel
// object (an aio context): the call results that make it and the call
// parameters and struct fields that take it, as "Call.name" and
// "Struct.Field"; setters of requests that make one are producers too, as
// "Struct.Setter" (the completion's res) or "Struct.Setter.Field". The
// descriptor kind "any" takes any open descriptor. Names are shared by
// every package: aio's Iocb.Resfd takes the "eventfd" that epoll's
// Eventfd makes.
type Resource struct {
	Name      string   `json:"name"`
	Kind      string   `json:"kind"` // "fd" or "resource"
	Producers []string `json:"producers,omitempty"`
	Consumers []string `json:"consumers,omitempty"`
	// Destructors are the consumers that free it ("IoDestroy.ctx").
	Destructors []string `json:"destructors,omitempty"`
}

// Struct is the layout of a struct: its Go type's size and alignment, and
// each named field and view (a C union member the fields do not name) at
// its C offset. Padding is left out.
type Struct struct {
	Name   string  `json:"name"`
	Size   int64   `json:"size"`
	Align  int64   `json:"align"`
	Fields []Field `json:"fields"` // the fields in one order on every target, then the views
	// ByTarget holds the sizes and alignments that differ from Size and
	// Align on some targets (JSON only; in Go data, they are the built
	// target's).
	ByTarget map[string]Extent `json:"by_target,omitempty"`
}

// Field is one field or view of a Struct.
type Field struct {
	Name   string `json:"name"`
	GoType string `json:"go_type"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	// View: a C union member that methods Name() and SetName() read and
	// write, not a Go field.
	View bool `json:"view,omitempty"`
	// Kind is what the field holds: "int", "flags" or "enum" (of Type),
	// "struct" (a Type), "array" (of Type), "pointer" (an address of
	// memory the kernel reads, writes or both, as Dir says; of a Type if
	// one), "fd" (a descriptor of kind Resource, "any" for any), "resource"
	// (a kernel object other than a descriptor, named Resource, such as a
	// buffer group), "len" (the length of field Of, in Unit "count" or
	// "bytes"), "zero" (must be zero) or "range" (a number from Range[0]
	// to Range[1]).
	Kind     string  `json:"kind"`
	Type     string  `json:"type,omitempty"`
	Dir      string  `json:"dir,omitempty"`
	Resource string  `json:"resource,omitempty"`
	Of       string  `json:"of,omitempty"`
	Unit     string  `json:"unit,omitempty"`
	Range    []int64 `json:"range,omitempty"`
	// Halves: a 32-bit view stored as two 16-bit halves, the low half
	// first in memory on every target (io_uring's poll32_events, which a
	// big-endian kernel reads with its halves swapped).
	Halves bool `json:"halves,omitempty"`
	// ByTarget holds the offsets, sizes and Go types that differ on some
	// targets (JSON only).
	ByTarget map[string]Extent `json:"by_target,omitempty"`
}

// Extent is a field's offset, size and Go type, or a struct's size and
// alignment, on one target (a zero Align or empty GoType: as the default).
type Extent struct {
	Offset int64  `json:"offset,omitempty"`
	Size   int64  `json:"size"`
	Align  int64  `json:"align,omitempty"`
	GoType string `json:"go_type,omitempty"`
}

// Setter is a method that zeroes a struct and then sets some of its fields.
type Setter struct {
	Name   string `json:"name"`   // the Go method
	Struct string `json:"struct"` // its receiver's type
	// Sets are the assignments in order. The method's parameters are the
	// Params of its Sets, in this order. Fields no Set names stay zero;
	// a caller may set them afterwards, as their kinds in Package.Structs
	// say (an SQE's Flags, Ioprio, Personality...).
	Sets []Set `json:"sets"`
	// Makes is what the request makes: "fd", a descriptor (its
	// completion's res, unless the request installs it in the fixed file
	// table instead), or a resource that field MakesField names
	// (IORING_OP_PROVIDE_BUFFERS: a buffer group, in BufGroup).
	Makes      string `json:"makes,omitempty"`
	MakesField string `json:"makes_field,omitempty"`
}

// Set is one field a Setter sets, by the field's Go name or the name of a
// view method (a C union member) of the struct.
type Set struct {
	Field string `json:"field"`
	// Kind is "const" (Value, a constant's name or an integer), "value" (the
	// parameter, converted to the field's type, ORed with Or if set),
	// "slice" (the address of the parameter's first element; Len is the
	// field that gets its element count) or "pointer" (the address the
	// parameter holds; Len, if set, gets the pointee's size).
	Kind   string `json:"kind"`
	Param  string `json:"param,omitempty"`
	GoType string `json:"go_type,omitempty"`
	Value  string `json:"value,omitempty"`
	Or     string `json:"or,omitempty"`
	Len    string `json:"len,omitempty"`
}

// Type is a named flag or enum type.
type Type struct {
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`       // "flags" (a bit set) or "enum"
	Underlying string  `json:"underlying"` // the Go type: int32, uint32, ...
	Values     []Value `json:"values"`     // in header order
}

// Value is one named value of a Type.
type Value struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
	// Since is the release of the package's system that added the name,
	// such as "Linux 6.9", where the spec says; a tool can leave out what
	// the running kernel is too old for.
	Since string `json:"since,omitempty"`
	// ByTarget holds the values that differ from Value on some targets
	// (JSON only; in Go data, Value is already the built target's).
	ByTarget map[string]int64 `json:"by_target,omitempty"`
}

// Call describes one function of a binding package.
type Call struct {
	Name    string `json:"name"`    // the Go function
	C       string `json:"c"`       // the C prototype
	Syscall string `json:"syscall"` // the kernel entry point it calls
	// DLL is the Windows DLL the function Syscall names is in; "" for system calls.
	DLL string `json:"dll,omitempty"`
	// Libc is the C library the function Syscall names is in, for calls
	// made through libc (darwin, OpenBSD, illumos, Solaris); "" for system
	// calls.
	Libc    string `json:"libc,omitempty"`
	Args    []Arg  `json:"args"`    // the Go parameters, in order
	Results []Arg  `json:"results"` // the Go results, err excluded
	// Blocks is "never" (raw path), "always" (may block), or
	// "unless-zero-timeout": it may block unless one of Unless holds.
	Blocks string `json:"blocks"`
	// Unless are the conditions under which a call whose Blocks is
	// "unless-zero-timeout" does not block: it does not when any one
	// holds. Each is one or more conditions joined by " and ", each
	// "P zero" (an integer argument is 0, or a pointer argument points to a
	// zero value), "P empty" (a slice argument has no elements), "P has
	// CONST" (a flags argument has that constant's bits) or "P lacks CONST"
	// (it has none of them).
	Unless []string `json:"blocks_unless,omitempty"`
	// Cloexec names the close-on-exec flag always added to the flags argument.
	Cloexec string `json:"cloexec,omitempty"`
	// ForkLock: the system cannot create the descriptor close-on-exec, so
	// the call holds syscall.ForkLock for reading around it and an fcntl(2)
	// that sets FD_CLOEXEC (a fuzzer sees two system calls).
	ForkLock bool `json:"forklock,omitempty"`
	// MinLen are pairs "A B" of slice arguments: A must have at least as
	// many elements as B (the C side takes one count for both), or the call
	// fails with EINVAL without entering the kernel.
	MinLen []string `json:"minlen,omitempty"`
	// Switch is, for a call whose argument means what another says
	// (io_uring_register's opcode), what each value takes.
	Switch *Switch `json:"switch,omitempty"`
	Man    string  `json:"man"`     // page(section)
	ManURL string  `json:"man_url"` // where to read it
}

// Switch is the table of a Call whose parameter Arg points to what
// parameter Selector's value says, and whose parameter Count counts it.
type Switch struct {
	Selector string `json:"selector"`
	Arg      string `json:"arg"`
	Count    string `json:"count"`
	// Flags are constants of the selector's type that are ORed into a
	// value rather than values (IORING_REGISTER_USE_REGISTERED_RING).
	Flags []string `json:"flags,omitempty"`
	Cases []Case   `json:"cases"`
}

// Case is what one value of a Switch's selector takes.
type Case struct {
	Value string `json:"value"` // the selector's constant
	// ArgType is what Arg points to: "nil", "*T" (one T) or "[]T" (an
	// array of T), T a struct of Package.Structs or a Go type.
	ArgType string `json:"arg_type"`
	// Count is what Count holds: an integer, "count" (the array's element
	// count), "bytes" (the size of what Arg points to), "id" (the
	// resource the call takes), "tail:T" (the number of T entries after
	// the header Arg points to) or "len:F" (the elements at the address
	// in field F of the struct Arg points to).
	Count string `json:"count"`
	// Dir is how the kernel uses Arg's memory: "in", "out" or "inout".
	Dir string `json:"dir,omitempty"`
	// Makes is the resource the call makes (its result is its id, or the
	// argument names it); Takes the one it takes.
	Makes string `json:"makes,omitempty"`
	Takes string `json:"takes,omitempty"`
	// ElemFD: the integers Arg points to are descriptors of this kind
	// ("any" for any open one), such as the files IORING_REGISTER_FILES
	// registers.
	ElemFD string `json:"elem_fd,omitempty"`
}

// Arg is one parameter or result of a Call.
type Arg struct {
	Name   string `json:"name"`
	GoType string `json:"go_type"`
	// Kind is one of: "fd" (a descriptor or handle), "resource", "flags", "enum", "int"
	// (a plain integer), "range" (an integer from Range[0] to Range[1]),
	// "bool", "pointer" (to a struct), "slice" (of structs).
	Kind  string  `json:"kind"`
	Range []int64 `json:"range,omitempty"`
	// FD is the kind of descriptor (on Windows, handle) an "fd" argument
	// takes or a result makes: "epoll", "eventfd", "timerfd", "signalfd",
	// "kqueue", "iocp", "timer", "waitpacket", "eventport", or "any".
	FD string `json:"fd,omitempty"`
	// Resource is the kernel object other than a descriptor a "resource"
	// argument takes or a result makes: "aio_context".
	Resource string `json:"resource,omitempty"`
	// Type is the named type of a flags or enum argument, or the struct a
	// pointer or slice refers to.
	Type string `json:"type,omitempty"`
	// Dir is "in" (read by the kernel), "out" (written by the kernel) or
	// "inout" (read, then written: io_uring_setup's params).
	Dir string `json:"dir"`
	// Len is how the slice's length reaches the kernel: "count" (element
	// count) or "bytes" (byte length).
	Len string `json:"len,omitempty"`
	// Destroys: the call frees the resource this parameter takes, which
	// no call may take afterwards (io_destroy's aio context). A descriptor
	// is freed by close(2), which no description lists.
	Destroys bool `json:"destroys,omitempty"`
}

// Bits returns the int64 with the bits of v: how a Value holds a constant
// of a uint64 type above the int64 range.
func Bits(v uint64) int64 { return int64(v) }

// FromJSON decodes a package's zdesc_generated_*.json file and picks out
// the values of target ("linux/amd64"), as that target's Description()
// has them: Value is the target's value, and ByTarget is empty.
func FromJSON(data []byte, target string) (Package, error) {
	var p Package
	if err := json.Unmarshal(data, &p); err != nil {
		return Package{}, err
	}
	for i := range p.Structs {
		st := &p.Structs[i]
		if e, ok := st.ByTarget[target]; ok {
			st.Size, st.Align = e.Size, e.Align
		}
		st.ByTarget = nil
		for j := range st.Fields {
			f := &st.Fields[j]
			if e, ok := f.ByTarget[target]; ok {
				f.Offset, f.Size = e.Offset, e.Size
				if e.GoType != "" {
					f.GoType = e.GoType
				}
			}
			f.ByTarget = nil
		}
	}
	for i := range p.Types {
		for j := range p.Types[i].Values {
			v := &p.Types[i].Values[j]
			if n, ok := v.ByTarget[target]; ok {
				v.Value = n
			}
			v.ByTarget = nil
		}
	}
	return p, nil
}
