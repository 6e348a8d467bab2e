package descfuzz

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/eventq/eventq/desc"
	"github.com/eventq/eventq/internal/offheap"
	"github.com/eventq/eventq/iouring"
)

// Fuzzer holds the descriptions and what a run reached.
type Fuzzer struct {
	pkgs    map[string]*desc.Package
	calls   []*call
	setters []*setter
	consts  map[string]int64 // "pkg.NAME" -> the running target's value
	// actions are the steps a program picks from: call i (< len(calls))
	// or setter i-len(calls), a call once per case of its switch.
	actions []int

	mu    sync.Mutex
	stats Stats
}

type call struct {
	pkg  string
	d    *desc.Call
	fn   reflect.Value
	name string // pkg.Call
}

type setter struct {
	pkg    string
	d      *desc.Setter
	fn     reflect.Value
	st     *desc.Struct
	name   string // pkg.Struct.Setter
	opcode string // the constant the setter writes to the first const set
}

// Stats counts what the programs reached.
type Stats struct {
	Calls    map[string][2]int // call -> executions, successes
	Ops      map[string][2]int // opcode constant -> SQEs submitted, CQEs with res >= 0
	Register map[string][2]int // io_uring_register opcode -> calls, successes
	// Notes count what the kernel did that the descriptions do not say,
	// and the fuzzer let pass (see adopt and reap).
	Notes map[string][2]int
}

// New reads the descriptions (JSON by package name) with the running
// target's values.
func New(jsons map[string][]byte) (*Fuzzer, error) {
	f := &Fuzzer{pkgs: map[string]*desc.Package{}, consts: map[string]int64{}}
	f.stats = Stats{Calls: map[string][2]int{}, Ops: map[string][2]int{}, Register: map[string][2]int{}, Notes: map[string][2]int{}}
	target := runtime.GOOS + "/" + runtime.GOARCH
	for _, name := range packages {
		data, ok := jsons[name]
		if !ok {
			return nil, fmt.Errorf("no description of %s", name)
		}
		d, err := desc.FromJSON(data, target)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		f.pkgs[name] = &d
		for _, t := range d.Types {
			for _, v := range t.Values {
				f.consts[name+"."+v.Name] = v.Value
			}
		}
		for i := range d.Calls {
			c := &call{pkg: name, d: &d.Calls[i], name: name + "." + d.Calls[i].Name}
			fn, ok := funcs[c.name]
			if !ok {
				return nil, fmt.Errorf("no function for %s", c.name)
			}
			c.fn = reflect.ValueOf(fn)
			if c.fn.Type().NumIn() != len(c.d.Args) {
				return nil, fmt.Errorf("%s: %d parameters, the description has %d", c.name, c.fn.Type().NumIn(), len(c.d.Args))
			}
			if sw := c.d.Switch; sw != nil {
				for _, k := range sw.Cases {
					if _, ok := f.consts[name+"."+k.Value]; !ok {
						return nil, fmt.Errorf("%s: case %s is no constant", c.name, k.Value)
					}
				}
			}
			f.calls = append(f.calls, c)
		}
		for i := range d.Setters {
			s := &setter{pkg: name, d: &d.Setters[i], name: name + "." + d.Setters[i].Struct + "." + d.Setters[i].Name}
			fn, ok := funcs[s.name]
			if !ok {
				return nil, fmt.Errorf("no function for %s", s.name)
			}
			s.fn = reflect.ValueOf(fn)
			if s.st = f.structNamed(name, s.d.Struct); s.st == nil {
				return nil, fmt.Errorf("%s: no struct %s", s.name, s.d.Struct)
			}
			if n := len(params(s.d)) + 1; s.fn.Type().NumIn() != n {
				return nil, fmt.Errorf("%s: %d parameters, the description has %d", s.name, s.fn.Type().NumIn(), n)
			}
			for _, set := range s.d.Sets {
				if set.Kind == "const" && s.opcode == "" {
					s.opcode = set.Value
				}
			}
			f.setters = append(f.setters, s)
		}
	}
	for i, c := range f.calls {
		n := 1
		if c.d.Switch != nil {
			n = len(c.d.Switch.Cases)
		}
		for ; n > 0; n-- {
			f.actions = append(f.actions, i)
		}
	}
	for i := range f.setters {
		f.actions = append(f.actions, len(f.calls)+i)
	}
	return f, nil
}

// params lists a setter's parameters: the Params of its Sets, in order.
func params(s *desc.Setter) []*desc.Set {
	var out []*desc.Set
	for i := range s.Sets {
		if s.Sets[i].Param != "" {
			out = append(out, &s.Sets[i])
		}
	}
	return out
}

// typeNamed finds a type of package pkg, or of another package as "p.T".
func (f *Fuzzer) typeNamed(pkg, name string) *desc.Type {
	if p, n, ok := strings.Cut(name, "."); ok {
		pkg, name = p, n
	}
	if d := f.pkgs[pkg]; d != nil {
		for i := range d.Types {
			if d.Types[i].Name == name {
				return &d.Types[i]
			}
		}
	}
	return nil
}

// structNamed finds a struct of package pkg (x/sys's among them, as
// "unix.Iovec"), or of another described package as "p.T".
func (f *Fuzzer) structNamed(pkg, name string) *desc.Struct {
	find := func(pkg, name string) *desc.Struct {
		if d := f.pkgs[pkg]; d != nil {
			for i := range d.Structs {
				if d.Structs[i].Name == name {
					return &d.Structs[i]
				}
			}
		}
		return nil
	}
	if st := find(pkg, name); st != nil {
		return st
	}
	if p, n, ok := strings.Cut(name, "."); ok {
		return find(p, n)
	}
	return nil
}

// Stats returns a copy of what the programs run so far reached.
func (f *Fuzzer) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := Stats{Calls: map[string][2]int{}, Ops: map[string][2]int{}, Register: map[string][2]int{}, Notes: map[string][2]int{}}
	for _, m := range [][2]map[string][2]int{{out.Calls, f.stats.Calls}, {out.Ops, f.stats.Ops}, {out.Register, f.stats.Register}, {out.Notes, f.stats.Notes}} {
		for k, v := range m[1] {
			m[0][k] = v
		}
	}
	return out
}

func (f *Fuzzer) count(m map[string][2]int, key string, ok bool) {
	f.mu.Lock()
	v := m[key]
	v[0]++
	if ok {
		v[1]++
	}
	m[key] = v
	f.mu.Unlock()
}

func (f *Fuzzer) succeeded(m map[string][2]int, key string) {
	f.mu.Lock()
	v := m[key]
	v[1]++
	m[key] = v
	f.mu.Unlock()
}

// Calls names every described call, as "pkg.Call".
func (f *Fuzzer) Calls() []string {
	var out []string
	for _, c := range f.calls {
		out = append(out, c.name)
	}
	return out
}

// Opcodes names the opcode constant each setter writes.
func (f *Fuzzer) Opcodes() []string {
	var out []string
	for _, s := range f.setters {
		if !slices.Contains(out, s.opcode) {
			out = append(out, s.opcode)
		}
	}
	return out
}

// RegisterOps names every value of the io_uring_register switch.
func (f *Fuzzer) RegisterOps() []string {
	var out []string
	for _, c := range f.calls {
		if c.d.Switch != nil {
			for _, k := range c.d.Switch.Cases {
				out = append(out, k.Value)
			}
		}
	}
	return out
}

// Const returns the running target's value of constant name of package pkg.
func (f *Fuzzer) Const(pkg, name string) (int64, bool) {
	v, ok := f.consts[pkg+"."+name]
	return v, ok
}

// Run runs the program data encodes on an OS thread of its own and
// returns the first invariant it broke.
func (f *Fuzzer) Run(data []byte) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		r := &run{f: f, in: &input{b: data}}
		done <- r.run()
	}()
	return <-done
}

// input hands out the fuzz input's bytes; past its end, zeros.
type input struct {
	b []byte
	i int
}

func (in *input) done() bool { return in.i >= len(in.b) }

func (in *input) byte() byte {
	if in.i >= len(in.b) {
		return 0
	}
	in.i++
	return in.b[in.i-1]
}

func (in *input) u64() uint64 {
	var x uint64
	for i := 0; i < 8; i++ {
		x |= uint64(in.byte()) << (8 * i)
	}
	return x
}

// n picks a number below k (0 for k <= 0).
func (in *input) n(k int) int {
	if k <= 0 {
		return 0
	}
	return int(uint16(in.byte())|uint16(in.byte())<<8) % k
}

// interesting picks an integer of size bytes: mostly small, sometimes an
// edge or any value.
func (in *input) interesting(size int64) uint64 {
	var v uint64
	switch in.n(8) {
	case 0, 1, 2:
		v = uint64(in.n(5))
	case 3:
		v = uint64(in.n(4096))
	case 4:
		v = ^uint64(0)
	case 5:
		v = 1 << uint(in.n(64))
	default:
		v = in.u64()
	}
	if size > 0 && size < 8 {
		v &= 1<<(8*uint(size)) - 1
	}
	return v
}

// run is one program's state.
type run struct {
	f  *Fuzzer
	in *input

	fds   map[string][]int // descriptor kind -> descriptors made, "any" included
	owned []int            // every descriptor to close
	res   map[string][]uint64
	rings map[int]*ring
	arena []byte
	used  uintptr

	before map[int]bool // the descriptors open before the program
	depth  int          // producer calls nested (see produce)
	err    error        // the first invariant a producer call broke
	token  uint64
}

// open counts the ring's requests still waiting for their final CQE.
func (rg *ring) open() int {
	n := 0
	for _, open := range rg.tokens {
		if open {
			n++
		}
	}
	return n
}

// made is what a request makes, as its setter's description says: a
// descriptor (its CQE's res), or a resource whose value is in the SQE.
type made struct {
	resource string // "fd" or a resource name
	value    uint64 // for a resource
}

type ring struct {
	r      *iouring.Ring
	tokens map[uint64]bool   // user_data -> open (false: its final CQE came)
	ops    map[uint64]string // user_data -> the opcode
	final  map[uint64]int32  // user_data -> the res of its final CQE
	makes  map[uint64]made   // user_data -> what the request makes
	// notified: a notification came after the final CQE (see reap)
	notified map[uint64]bool
}

const maxSteps = 24

func (r *run) run() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	r.fds, r.res, r.rings = map[string][]int{}, map[string][]uint64{}, map[int]*ring{}
	r.before = openFds()
	if r.arena, err = offheap.Map(arenaSize); err != nil {
		return fmt.Errorf("arena: %v", err)
	}
	if err := r.baseFds(); err != nil {
		return err
	}
	for step := 0; step < maxSteps && !r.in.done() && err == nil; step++ {
		k := r.f.actions[r.in.n(len(r.f.actions))]
		if k < len(r.f.calls) {
			err = r.call(r.f.calls[k])
		} else {
			err = r.batch(r.f.setters[k-len(r.f.calls)])
		}
		if err == nil {
			err = r.err
		}
	}
	if e := r.cleanup(); err == nil {
		err = e
	}
	return err
}

const arenaSize = 1 << 20

// quarantine keeps the last programs' arenas mapped, so that a request the
// kernel still finishes after its ring closed writes into memory no one
// uses.
var quarantine struct {
	sync.Mutex
	arenas [][]byte
}

// alloc returns n zeroed bytes of the arena, aligned to 16, or nil when it
// is used up.
func (r *run) alloc(n uintptr) unsafe.Pointer {
	at := (r.used + 15) &^ 15
	if n == 0 || at+n > uintptr(len(r.arena)) {
		return nil
	}
	r.used = at + n
	return unsafe.Pointer(&r.arena[at])
}

// baseFds makes the descriptors no call makes: a pipe, a socket pair and a
// file in memory, for the arguments and fields that take any descriptor.
func (r *run) baseFds() error {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return err
	}
	r.keep("any", p[0], p[1])
	s, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return err
	}
	r.keep("any", s[0], s[1])
	// A file in memory (tmpfs): an fsync of it, which io_destroy would
	// wait for, costs nothing, where one on this machine's disk took
	// seconds under the fuzzing engine. Sealed against growth: a fuzzed
	// fallocate of gigabytes would take them from memory (it did: the
	// OOM killer stopped the fuzzer).
	fd, err := unix.MemfdCreate("descfuzz", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return err
	}
	r.keep("any", fd)
	unix.Write(fd, make([]byte, 8192))
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_GROW|unix.F_SEAL_SEAL); err != nil {
		return err
	}
	return nil
}

// keep records descriptors of a kind; each is also an "any".
func (r *run) keep(kind string, fds ...int) {
	for _, fd := range fds {
		r.owned = append(r.owned, fd)
		r.fds[kind] = append(r.fds[kind], fd)
		if kind != "any" {
			r.fds["any"] = append(r.fds["any"], fd)
		}
	}
}

// fd picks a descriptor of a kind the program holds, or sometimes one that
// is not open.
func (r *run) fd(kind string) int64 {
	if kind == "" {
		kind = "any"
	}
	if len(r.fds[kind]) == 0 {
		r.produce(kind)
	}
	list := r.fds[kind]
	if len(list) == 0 || r.in.n(16) == 0 {
		return [...]int64{-1, 1 << 20}[r.in.n(2)]
	}
	return int64(list[r.in.n(len(list))])
}

// resource picks a resource of a kind the program holds, or a small number.
func (r *run) resource(kind string) uint64 {
	if len(r.res[kind]) == 0 {
		r.produce(kind)
	}
	list := r.res[kind]
	if len(list) == 0 || r.in.n(8) == 0 {
		return uint64(r.in.n(4))
	}
	return list[r.in.n(len(list))]
}

// produce runs, most of the time, a call the description lists as a
// producer of a descriptor kind or resource the program needs and does not
// hold (its result, "Call.name"), as syzkaller inserts the calls that make
// a resource before its users. Producers nest at most two deep.
func (r *run) produce(kind string) {
	if r.depth >= 2 || r.in.n(4) == 0 {
		return
	}
	var options []*call
	for _, c := range r.f.calls {
		for _, res := range r.f.pkgs[c.pkg].Resources {
			if res.Name != kind {
				continue
			}
			for _, p := range res.Producers {
				if p == c.d.Name+"."+resultName(c.d, kind) {
					options = append(options, c)
				}
			}
		}
	}
	if len(options) == 0 {
		return
	}
	r.depth++
	defer func() { r.depth-- }()
	if err := r.call(options[r.in.n(len(options))]); err != nil && r.err == nil {
		r.err = err
	}
}

// resultName names the result of c that makes kind, or "".
func resultName(c *desc.Call, kind string) string {
	for _, a := range c.Results {
		if a.FD == kind || a.Resource == kind {
			return a.Name
		}
	}
	return ""
}

// flags picks an OR of a flags type's values, sometimes with an unknown
// bit; enum picks one of an enum's values, or sometimes any number.
func (r *run) flags(t *desc.Type) uint64 {
	var v uint64
	if t == nil || len(t.Values) == 0 {
		return r.in.interesting(8)
	}
	for k := r.in.n(4); k > 0; k-- {
		v |= uint64(t.Values[r.in.n(len(t.Values))].Value)
	}
	if r.in.n(16) == 0 {
		v |= 1 << uint(r.in.n(32))
	}
	return v
}

func (r *run) enum(t *desc.Type) uint64 {
	if t == nil || len(t.Values) == 0 || r.in.n(16) == 0 {
		return r.in.interesting(8)
	}
	return uint64(t.Values[r.in.n(len(t.Values))].Value)
}

// goSize is the size of a Go type the descriptions name: a described
// struct, an integer or an array of one; 0 if unknown.
func (f *Fuzzer) goSize(pkg, typ string) uintptr {
	if st := f.structNamed(pkg, typ); st != nil {
		return uintptr(st.Size)
	}
	if strings.HasPrefix(typ, "[") {
		n, elem, _ := strings.Cut(typ[1:], "]")
		k, _ := strconv.Atoi(n)
		return uintptr(k) * f.goSize(pkg, elem)
	}
	switch typ {
	case "byte", "int8", "uint8":
		return 1
	case "int16", "uint16":
		return 2
	case "int32", "uint32":
		return 4
	case "int64", "uint64":
		return 8
	}
	if t := f.typeNamed(pkg, typ); t != nil {
		return f.goSize(pkg, t.Underlying)
	}
	return 0
}

// object allocates memory for one or n values of Go type typ (rt when the
// description does not lay it out) and fills what the kernel reads.
func (r *run) object(pkg, typ string, rt reflect.Type, n int, dir string) (unsafe.Pointer, uintptr) {
	size := r.f.goSize(pkg, typ)
	if size == 0 && rt != nil {
		size = rt.Size()
	}
	if size == 0 {
		size = 64
	}
	p := r.alloc(size * uintptr(n))
	if p == nil || dir == "out" {
		return p, size
	}
	for i := 0; i < n; i++ {
		r.fill(pkg, typ, unsafe.Add(p, uintptr(i)*size), size)
	}
	return p, size
}

// fill writes a value of Go type typ at p: a described struct field by
// field as each field's kind says, anything else as bytes (mostly zeros).
func (r *run) fill(pkg, typ string, p unsafe.Pointer, size uintptr) {
	st := r.f.structNamed(pkg, typ)
	if st == nil {
		// Bytes from an alphabet that makes no small integer: memory
		// the description does not lay out may hold descriptors
		// (io_uring_register's file tables, IORING_OP_FILES_UPDATE's
		// array), and any number there could name one of the process's
		// own (the fuzzing engine's pipes among them).
		if r.in.n(4) == 0 {
			b := unsafe.Slice((*byte)(p), size)
			for i := range b {
				b[i] = [...]byte{0x00, 0xff, 0x80, 0x40}[r.in.byte()&3]
			}
		}
		return
	}
	bytesOf := map[string]uintptr{} // pointer field -> bytes allocated
	countOf := map[string]uintptr{}
	var lens []*desc.Field
	for i := range st.Fields {
		fd := &st.Fields[i]
		if fd.View {
			continue
		}
		at := unsafe.Add(p, fd.Offset)
		switch fd.Kind {
		case "len":
			lens = append(lens, fd)
		case "struct":
			r.fill(pkg, fd.Type, at, uintptr(fd.Size))
		case "array":
			if es := r.f.goSize(pkg, fd.Type); es > 0 && r.f.structNamed(pkg, fd.Type) != nil {
				for off := uintptr(0); off+es <= uintptr(fd.Size); off += es {
					r.fill(pkg, fd.Type, unsafe.Add(at, off), es)
				}
			}
		case "pointer":
			if r.in.n(4) == 0 {
				put(at, fd.Size, r.in.interesting(int64(fd.Size)))
				continue
			}
			n := 1 + r.in.n(4)
			q, es := r.object(pkg, fd.Type, nil, n, fd.Dir)
			if fd.Type == "" {
				es, n = 256, 1
				q = r.alloc(256)
			}
			put(at, fd.Size, uint64(uintptr(q)))
			bytesOf[fd.Name], countOf[fd.Name] = es*uintptr(n), uintptr(n)
		default:
			put(at, fd.Size, r.field(pkg, fd))
		}
	}
	for _, fd := range lens {
		v := uint64(countOf[fd.Of])
		if fd.Unit == "bytes" {
			v = uint64(bytesOf[fd.Of])
		}
		if r.in.n(8) == 0 {
			v = r.in.interesting(fd.Size)
		}
		put(unsafe.Add(p, fd.Offset), fd.Size, v)
	}
}

// field picks a value for a scalar field or view as its kind says.
func (r *run) field(pkg string, fd *desc.Field) uint64 {
	switch fd.Kind {
	case "fd":
		return uint64(r.fd(fd.Resource))
	case "resource":
		return r.resource(fd.Resource)
	case "flags":
		return r.flags(r.f.typeNamed(pkg, fd.Type))
	case "enum":
		return r.enum(r.f.typeNamed(pkg, fd.Type))
	case "zero":
		if r.in.n(16) == 0 {
			return 1
		}
		return 0
	case "range":
		return r.inRange(fd.Range)
	case "pointer":
		p, _ := r.object(pkg, fd.Type, nil, 1, fd.Dir)
		return uint64(uintptr(p))
	}
	return r.in.interesting(fd.Size)
}

// inRange picks a value of [lo, hi], or sometimes one just outside.
func (r *run) inRange(lohi []int64) uint64 {
	lo, hi := lohi[0], lohi[1]
	switch r.in.n(16) {
	case 0:
		return uint64(hi + 1)
	case 1:
		return uint64(lo - 1)
	}
	return uint64(lo + int64(r.in.n(int(min(hi-lo+1, 1<<16)))))
}

// put stores the low size bytes of v at p in the target's byte order.
func put(p unsafe.Pointer, size int64, v uint64) {
	switch size {
	case 1:
		*(*uint8)(p) = uint8(v)
	case 2:
		*(*uint16)(p) = uint16(v)
	case 4:
		*(*uint32)(p) = uint32(v)
	case 8:
		*(*uint64)(p) = v
	}
}

// arg is an argument being built: an integer, or memory.
type arg struct {
	n     uint64
	ptr   unsafe.Pointer
	elems int // a slice's length
}

// call runs one described call with arguments its description picks.
func (r *run) call(c *call) error {
	ft := c.fn.Type()
	args := make([]arg, len(c.d.Args))
	var swCase *desc.Case
	if sw := c.d.Switch; sw != nil {
		swCase = &sw.Cases[r.in.n(len(sw.Cases))]
	}
	for i := range c.d.Args {
		a := &c.d.Args[i]
		t := ft.In(i)
		switch a.Kind {
		case "fd":
			args[i].n = uint64(r.fd(a.FD))
		case "resource":
			args[i].n = r.resource(a.Resource)
		case "flags":
			args[i].n = r.flags(r.f.typeNamed(c.pkg, a.Type))
		case "enum":
			args[i].n = r.enum(r.f.typeNamed(c.pkg, a.Type))
		case "bool":
			args[i].n = uint64(r.in.n(2))
		case "range":
			args[i].n = r.inRange(a.Range)
		case "pointer":
			if r.in.n(8) != 0 {
				args[i].ptr, _ = r.object(c.pkg, a.Type, t.Elem(), 1, a.Dir)
			}
		case "slice":
			n := r.in.n(5)
			args[i].elems = n
			if n > 0 {
				et := t.Elem()
				if et.Kind() == reflect.Pointer { // []*T: an array of addresses of Ts
					p := r.alloc(uintptr(n) * et.Size())
					for j := 0; j < n && p != nil; j++ {
						q, _ := r.object(c.pkg, a.Type, et.Elem(), 1, a.Dir)
						*(*uintptr)(unsafe.Add(p, uintptr(j)*et.Size())) = uintptr(q)
					}
					args[i].ptr = p
				} else {
					args[i].ptr, _ = r.object(c.pkg, a.Type, et, n, a.Dir)
				}
				if args[i].ptr == nil {
					args[i].elems = 0
				}
			}
		default:
			args[i].n = r.in.interesting(int64(t.Size()))
		}
	}
	if swCase != nil {
		r.switchArgs(c, swCase, args)
	}
	in, out, err, bad := r.execute(c, args)
	if bad != nil {
		return bad
	}
	if swCase != nil {
		r.f.count(r.f.stats.Register, swCase.Value, err == nil)
	}
	r.f.count(r.f.stats.Calls, c.name, err == nil)
	if err != nil {
		return nil
	}
	for i := range c.d.Args {
		if a := &c.d.Args[i]; a.Destroys {
			r.res[a.Resource] = slices.DeleteFunc(r.res[a.Resource], func(v uint64) bool { return v == args[i].n })
		}
	}
	if swCase != nil && swCase.Makes != "" && len(out) > 1 {
		r.res[swCase.Makes] = append(r.res[swCase.Makes], uint64(out[0].Int()))
	}
	for i := range c.d.Results {
		res := &c.d.Results[i]
		switch res.Kind {
		case "fd":
			fd := int(out[i].Int())
			if err := r.adopt(c, res.FD, fd, in); err != nil {
				return err
			}
		case "resource":
			r.res[res.Resource] = append(r.res[res.Resource], uint64(out[i].Uint()))
		}
	}
	return nil
}

// switchArgs makes a switched call's argument what the chosen case says:
// the selector its value, the argument memory of its type, the count its
// count.
func (r *run) switchArgs(c *call, k *desc.Case, args []arg) {
	sw := c.d.Switch
	var sel, argI, cntI int
	for i, a := range c.d.Args {
		switch a.Name {
		case sw.Selector:
			sel = i
		case sw.Arg:
			argI = i
		case sw.Count:
			cntI = i
		}
	}
	v, _ := r.f.Const(c.pkg, k.Value)
	args[sel].n = uint64(v)
	if len(sw.Flags) > 0 && r.in.n(8) == 0 {
		f, _ := r.f.Const(c.pkg, sw.Flags[r.in.n(len(sw.Flags))])
		args[sel].n |= uint64(f)
	}
	typ, n := strings.TrimLeft(k.ArgType, "*[]"), 1
	if strings.HasPrefix(k.ArgType, "[]") {
		n = 1 + r.in.n(4)
	}
	var size uintptr
	if k.ArgType != "nil" {
		args[argI].ptr, size = r.object(c.pkg, typ, nil, n, k.Dir)
	}
	if k.ElemFD != "" && args[argI].ptr != nil { // descriptors of a kind, 4 bytes each
		for i := 0; i < n; i++ {
			put(unsafe.Add(args[argI].ptr, 4*i), 4, uint64(r.fd(k.ElemFD)))
		}
	}
	switch k.Count {
	case "count":
		args[cntI].n = uint64(n)
	case "bytes":
		args[cntI].n = uint64(size)
	case "id":
		args[cntI].n = r.resource(k.Takes)
	default:
		if x, err := strconv.ParseUint(k.Count, 10, 32); err == nil {
			args[cntI].n = x
		} else {
			args[cntI].n = uint64(r.in.n(5)) // tail:T, len:F: a few entries
		}
	}
	if r.in.n(16) == 0 {
		args[cntI].n = r.in.interesting(4)
	}
}

// unless makes one of the conditions hold under which the call does not
// block: "P zero", "P empty", "P has C", "P lacks C", joined by " and ".
func (r *run) unless(c *call, args []arg) error {
	clause := c.d.Unless[r.in.n(len(c.d.Unless))]
	for _, cond := range strings.Split(clause, " and ") {
		w := strings.Fields(cond)
		i := slices.IndexFunc(c.d.Args, func(a desc.Arg) bool { return a.Name == w[0] })
		if i < 0 || len(w) < 2 {
			return fmt.Errorf("%s: condition %q names no parameter", c.name, cond)
		}
		a, v := &c.d.Args[i], &args[i]
		switch w[1] {
		case "zero":
			if a.Kind == "pointer" {
				t := c.fn.Type().In(i).Elem()
				size := r.f.goSize(c.pkg, a.Type)
				if size == 0 {
					size = t.Size()
				}
				v.ptr = r.alloc(size)
				if v.ptr == nil {
					return errArena
				}
			} else {
				v.n = 0
			}
		case "empty":
			v.elems, v.ptr = 0, nil
		case "has", "lacks":
			k, ok := r.f.Const(c.pkg, w[2])
			if !ok {
				return fmt.Errorf("%s: condition %q names no constant", c.name, cond)
			}
			if w[1] == "has" {
				v.n |= uint64(k)
			} else {
				v.n &^= uint64(k)
			}
		default:
			return fmt.Errorf("%s: unknown condition %q", c.name, cond)
		}
	}
	return nil
}

var errArena = errors.New("arena used up")

// value converts an argument to a parameter of type t.
func value(t reflect.Type, a arg) reflect.Value {
	switch t.Kind() {
	case reflect.Pointer:
		if a.ptr == nil {
			return reflect.Zero(t)
		}
		return reflect.NewAt(t.Elem(), a.ptr)
	case reflect.UnsafePointer:
		return reflect.ValueOf(a.ptr)
	case reflect.Slice:
		if a.ptr == nil || a.elems == 0 {
			return reflect.Zero(t)
		}
		return reflect.NewAt(reflect.ArrayOf(a.elems, t.Elem()), a.ptr).Elem().Slice(0, a.elems)
	case reflect.Array: // the bytes at ptr
		if a.ptr == nil {
			return reflect.Zero(t)
		}
		return reflect.NewAt(t, a.ptr).Elem()
	case reflect.Bool:
		return reflect.ValueOf(a.n != 0).Convert(t)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v := reflect.New(t).Elem()
		v.SetInt(int64(a.n))
		return v
	default:
		v := reflect.New(t).Elem()
		v.SetUint(a.n)
		return v
	}
}

// invoke calls c. A call the description says may block runs with a
// watchdog that interrupts the thread with a signal every 50 ms, and
// reports the call as hung after 10 s.
func (r *run) invoke(c *call, in []reflect.Value) []reflect.Value {
	if c.d.Blocks == "never" {
		return c.fn.Call(in)
	}
	tid := unix.Gettid()
	stop := make(chan struct{})
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-after(50):
			}
			if i == 200 {
				panic(fmt.Sprintf("descfuzz: %s blocked for 10 s", c.name))
			}
			unix.Tgkill(unix.Getpid(), tid, unix.SIGURG)
		}
	}()
	defer close(stop)
	return c.fn.Call(in)
}

// checkErr reports an error that is not a named errno, or one the kernel
// keeps to itself.
func checkErr(name string, err error) error {
	if err == nil {
		return nil
	}
	var e syscall.Errno
	if !errors.As(err, &e) {
		return fmt.Errorf("%s: error %v (%T) is no errno", name, err, err)
	}
	if e >= 512 || unix.ErrnoName(e) == "" {
		return fmt.Errorf("%s: errno %d (%v) is not one the kernel returns to programs", name, int(e), e)
	}
	return nil
}

// adopt takes a descriptor a call made: it must be open and close-on-exec;
// it becomes non-blocking, and an io_uring descriptor is mapped.
func (r *run) adopt(c *call, kind string, fd int, in []reflect.Value) error {
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil || r.before[fd] {
		// Not a descriptor the program made: io_uring_setup with
		// IORING_SETUP_REGISTERED_FD_ONLY returns a registered ring
		// index, which the description does not say.
		r.f.count(r.f.stats.Notes, c.name+": a result that is not a new descriptor", false)
		return nil
	}
	if flags&unix.FD_CLOEXEC == 0 {
		unix.Close(fd)
		return fmt.Errorf("%s made descriptor %d without close-on-exec", c.name, fd)
	}
	if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil {
		unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl|unix.O_NONBLOCK)
	}
	r.keep(kind, fd)
	if kind != "io_uring" {
		return nil
	}
	// The ring protocol is the fuzzer's own: map the ring with the
	// parameters the call filled.
	for i, a := range c.d.Args {
		if p, ok := in[i].Interface().(*iouring.Params); ok && a.Dir == "inout" && p != nil {
			if rg, err := iouring.Map(fd, p); err == nil {
				r.rings[fd] = &ring{r: rg, tokens: map[uint64]bool{}, ops: map[uint64]string{}, final: map[uint64]int32{}, makes: map[uint64]made{}, notified: map[uint64]bool{}}
			}
		}
	}
	return nil
}

// batch fills 1 to 4 SQEs of a mapped ring, the first with setter s, the
// others with setters the input picks, publishes them and submits them
// with the described io_uring_enter, then reads the CQEs.
func (r *run) batch(s *setter) error {
	var fds []int
	for fd := range r.rings {
		fds = append(fds, fd)
	}
	if len(fds) == 0 {
		return nil
	}
	slices.Sort(fds)
	rg := r.rings[fds[r.in.n(len(fds))]]
	n := 1 + r.in.n(4)
	var ops []string
	for i := 0; i < n; i++ {
		// A setter of a 128-byte struct needs a 128-byte slot, which
		// only SQE128 and SQE_MIXED rings have.
		var slot unsafe.Pointer
		if s.st.Size > int64(unsafe.Sizeof(iouring.Sqe{})) {
			slot = unsafe.Pointer(rg.r.NextSqe128())
		} else {
			slot = unsafe.Pointer(rg.r.NextSqe())
		}
		if slot == nil {
			break
		}
		token, err := r.prep(s, slot)
		if err != nil {
			return err
		}
		switch {
		case s.d.Makes == "fd":
			rg.makes[token] = made{resource: "fd"}
		case s.d.Makes != "":
			if fd := r.f.fieldNamed(s.pkg, s.st, s.d.MakesField); fd != nil {
				rg.makes[token] = made{resource: s.d.Makes, value: load(slot, fd)}
			}
		}
		rg.tokens[token], rg.ops[token] = true, s.opcode
		ops = append(ops, s.opcode)
		s = r.f.setters[r.in.n(len(r.f.setters))]
	}
	rg.r.Flush()
	for _, op := range ops {
		r.f.count(r.f.stats.Ops, op, false)
	}
	// Submit with the described call: its arguments from the input, the
	// descriptor this ring's.
	for _, c := range r.f.calls {
		if c.d.Name == "IoUringEnter" {
			if err := r.enter(c, rg, uint32(len(ops))); err != nil {
				return err
			}
		}
	}
	return r.reap(rg)
}

// enter calls IoUringEnter on the ring, submitting n, never waiting.
func (r *run) enter(c *call, rg *ring, n uint32) error {
	args := make([]arg, len(c.d.Args))
	for i, a := range c.d.Args {
		switch {
		case a.Kind == "fd":
			args[i].n = uint64(rg.r.Fd)
		case a.Kind == "flags":
			args[i].n = r.flags(r.f.typeNamed(c.pkg, a.Type))
		case a.Name == "toSubmit":
			args[i].n = uint64(n)
		}
	}
	_, _, err, bad := r.execute(c, args)
	if bad == nil {
		r.f.count(r.f.stats.Calls, c.name, err == nil)
	}
	return bad
}

// execute makes the call not block (one of its Unless conditions), calls
// it with args, and returns its parameters and results, the error it
// returned, and the invariant that error broke, if any.
func (r *run) execute(c *call, args []arg) (in, out []reflect.Value, err, bad error) {
	if len(c.d.Unless) > 0 {
		if bad := r.unless(c, args); bad != nil {
			return nil, nil, nil, bad
		}
	}
	ft := c.fn.Type()
	in = make([]reflect.Value, len(args))
	for i, a := range args {
		in[i] = value(ft.In(i), a)
	}
	out = r.invoke(c, in)
	if e := out[len(out)-1]; !e.IsNil() {
		err = e.Interface().(error)
	}
	return in, out, err, checkErr(c.name, err)
}

// prep fills sqe with setter s: parameters from the fields' kinds, the
// user_data a fresh token; checks the bytes against the description; then
// sometimes sets fields no setter sets, as their kinds say.
func (r *run) prep(s *setter, sqe unsafe.Pointer) (uint64, error) {
	ft := s.fn.Type()
	ps := params(s.d)
	in := []reflect.Value{reflect.NewAt(ft.In(0).Elem(), sqe)}
	want := make([]byte, s.st.Size)
	wp := unsafe.Pointer(&want[0])
	r.token++
	token := 0xdf<<56 | r.token
	vals := map[string]uint64{}
	arrays := map[string][]byte{}
	for i, set := range ps {
		t := ft.In(i + 1)
		fd := r.f.fieldNamed(s.pkg, s.st, set.Field)
		var a arg
		switch set.Kind {
		case "slice":
			a.elems = r.in.n(5)
			if a.elems > 0 {
				a.ptr, _ = r.object(s.pkg, strings.TrimPrefix(set.GoType, "[]"), t.Elem(), a.elems, dirOf(fd))
				if a.ptr == nil {
					a.elems = 0
				}
			}
			vals[set.Param] = uint64(uintptr(a.ptr))
		case "pointer":
			if r.in.n(8) != 0 {
				a.ptr, _ = r.object(s.pkg, strings.TrimPrefix(set.GoType, "*"), t.Elem(), 1, dirOf(fd))
			}
			vals[set.Param] = uint64(uintptr(a.ptr))
		default:
			switch {
			case t.Kind() == reflect.Array: // bytes, copied whole
				a.ptr, _ = r.object(s.pkg, set.GoType, t, 1, "in")
				if a.ptr != nil {
					arrays[set.Param] = unsafe.Slice((*byte)(a.ptr), t.Size())
				}
			case set.Field == "UserData":
				a.n = token
			case fd != nil:
				a.n = r.field(s.pkg, fd)
			default:
				a.n = r.in.interesting(int64(t.Size()))
			}
		}
		v := value(t, a)
		in = append(in, v)
		if set.Kind == "value" { // as the parameter's type holds it, sign-extended
			switch v.Kind() {
			case reflect.Array:
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				vals[set.Param] = uint64(v.Int())
			default:
				vals[set.Param] = v.Uint()
			}
		}
		if set.Kind == "slice" {
			vals[set.Param+".len"] = uint64(a.elems)
		}
	}
	// The bytes the description says the setter writes.
	for _, set := range s.d.Sets {
		fd := r.f.fieldNamed(s.pkg, s.st, set.Field)
		if fd == nil {
			return 0, fmt.Errorf("%s sets %s, which %s does not lay out", s.name, set.Field, s.st.Name)
		}
		var v uint64
		switch set.Kind {
		case "const":
			if k, ok := r.f.Const(s.pkg, set.Value); ok {
				v = uint64(k)
			} else if k, err := strconv.ParseInt(set.Value, 0, 64); err == nil {
				v = uint64(k)
			} else {
				return 0, fmt.Errorf("%s: constant %q unknown", s.name, set.Value)
			}
		case "value":
			v = vals[set.Param]
			if set.Or != "" {
				k, _ := r.f.Const(s.pkg, set.Or)
				v |= uint64(k)
			}
		case "slice", "pointer":
			v = vals[set.Param]
		}
		if b, ok := arrays[set.Param]; ok || strings.HasPrefix(fd.GoType, "[") {
			copy(want[fd.Offset:fd.Offset+fd.Size], b)
		} else {
			store(wp, fd, v)
		}
		if set.Len != "" {
			lf := r.f.fieldNamed(s.pkg, s.st, set.Len)
			if lf == nil {
				return 0, fmt.Errorf("%s: length field %s unknown", s.name, set.Len)
			}
			n := vals[set.Param+".len"]
			if set.Kind == "pointer" { // the pointee's size, nil or not
				n = uint64(r.f.goSize(s.pkg, strings.TrimPrefix(set.GoType, "*")))
				if n == 0 {
					n = uint64(ft.In(1 + slices.Index(ps, paramSet(ps, set.Param))).Elem().Size())
				}
			}
			store(wp, lf, n)
		}
	}
	s.fn.Call(in)
	got := unsafe.Slice((*byte)(sqe), s.st.Size)
	if string(got) != string(want) {
		return 0, fmt.Errorf("%s wrote\n% x\nits description says\n% x", s.name, got, want)
	}
	// Fields the setter left zero, set by hand as their kinds say (the
	// user_data stays the token).
	for k := r.in.n(4) - 1; k > 0; k-- {
		fd := &s.st.Fields[r.in.n(len(s.st.Fields))]
		if fd.Name == "UserData" || fd.Kind == "struct" || fd.Kind == "array" {
			continue
		}
		store(sqe, fd, r.field(s.pkg, fd))
	}
	return token, nil
}

func paramSet(ps []*desc.Set, name string) *desc.Set {
	for _, p := range ps {
		if p.Param == name {
			return p
		}
	}
	return nil
}

func dirOf(fd *desc.Field) string {
	if fd == nil || fd.Dir == "" {
		return "in"
	}
	return fd.Dir
}

// fieldNamed finds a field or view of st by name, or by a path through
// struct fields ("Sqe.Opcode" in an Sqe128), with its offset from st's
// start.
func (f *Fuzzer) fieldNamed(pkg string, st *desc.Struct, name string) *desc.Field {
	first, rest, nested := strings.Cut(name, ".")
	for i := range st.Fields {
		fd := st.Fields[i]
		if fd.Name != first {
			continue
		}
		if !nested {
			return &fd
		}
		inner := f.structNamed(pkg, fd.Type)
		if fd.Kind != "struct" || inner == nil {
			return nil
		}
		g := f.fieldNamed(pkg, inner, rest)
		if g != nil {
			g.Offset += fd.Offset
		}
		return g
	}
	return nil
}

// made records what a request made, by its CQE's res: a new descriptor
// (one not open before the program: a res of 0 is success, not stdin, for
// a request that installed its descriptor in the fixed file table) joins
// the "any" descriptors; a resource joins its kind.
func (r *run) made(m made, res int32) {
	switch {
	case m.resource == "fd":
		if _, err := unix.FcntlInt(uintptr(res), unix.F_GETFD, 0); err == nil && !r.before[int(res)] && !slices.Contains(r.owned, int(res)) {
			if fl, err := unix.FcntlInt(uintptr(res), unix.F_GETFL, 0); err == nil {
				unix.FcntlInt(uintptr(res), unix.F_SETFL, fl|unix.O_NONBLOCK)
			}
			r.keep("any", int(res))
		}
	case m.resource != "":
		r.res[m.resource] = append(r.res[m.resource], m.value)
	}
}

// load reads a field or view at base (the inverse of store).
func load(base unsafe.Pointer, fd *desc.Field) uint64 {
	p := unsafe.Add(base, fd.Offset)
	if fd.Halves {
		return uint64(*(*uint16)(p)) | uint64(*(*uint16)(unsafe.Add(p, 2)))<<16
	}
	switch fd.Size {
	case 1:
		return uint64(*(*uint8)(p))
	case 2:
		return uint64(*(*uint16)(p))
	case 4:
		return uint64(*(*uint32)(p))
	case 8:
		return *(*uint64)(p)
	}
	return 0
}

// store writes v to a field or view at base: in the target's byte order,
// or as two 16-bit halves, the low one first, for a Halves view.
func store(base unsafe.Pointer, fd *desc.Field, v uint64) {
	p := unsafe.Add(base, fd.Offset)
	if fd.Halves {
		put(p, 2, v&0xffff)
		put(unsafe.Add(p, 2), 2, v>>16&0xffff)
		return
	}
	put(p, fd.Size, v)
}

// reap reads the CQEs the ring holds and checks them: each user_data is a
// token the fuzzer gave and still open, and a CQE without
// IORING_CQE_F_MORE is its token's last. CQEs of other user_data may come
// from another ring (IORING_OP_MSG_RING) and are counted only.
func (r *run) reap(rg *ring) error {
	more, _ := r.f.Const("iouring", "IORING_CQE_F_MORE")
	big, has32 := r.f.Const("iouring", "IORING_CQE_F_32")
	skip, hasSkip := r.f.Const("iouring", "IORING_CQE_F_SKIP")
	notif, _ := r.f.Const("iouring", "IORING_CQE_F_NOTIF")
	head, tail := rg.r.CqHead(), rg.r.CqTail()
	if n := tail - head; n > rg.r.CqEntries() {
		return fmt.Errorf("CQ ring holds %d CQEs, more than its %d entries (head %d, tail %d)", n, rg.r.CqEntries(), head, tail)
	}
	if n := rg.r.SqTail() - rg.r.SqHead(); n > rg.r.SqEntries() {
		return fmt.Errorf("SQ ring holds %d SQEs, more than its %d entries", n, rg.r.SqEntries())
	}
	for int32(tail-head) > 0 { // a 32-byte CQE of a mixed ring takes two slots
		cqe := rg.r.CqeAt(head)
		head++
		if has32 && uint64(cqe.Flags)&uint64(big) != 0 {
			head++
		}
		if hasSkip && uint64(cqe.Flags)&uint64(skip) != 0 {
			continue
		}
		open, known := rg.tokens[cqe.UserData]
		switch {
		case !known:
			continue
		case !open && notif != 0 && uint64(cqe.Flags)&uint64(notif) != 0 && !rg.notified[cqe.UserData]:
			// Seen on Linux 6.18 (see the package doc): a SEND_ZC
			// cancelled by a failure earlier in its link chain
			// completes without IORING_CQE_F_MORE, and its
			// notification still follows.
			rg.notified[cqe.UserData] = true
			r.f.count(r.f.stats.Notes, rg.ops[cqe.UserData]+": a notification after the final CQE", false)
			continue
		case !open:
			return fmt.Errorf("%s: a CQE (res %d, flags %v) for user_data %#x after its final one (res %d)", rg.ops[cqe.UserData], cqe.Res, cqe.Flags, cqe.UserData, rg.final[cqe.UserData])
		}
		switch {
		case notif != 0 && uint64(cqe.Flags)&uint64(notif) != 0:
			// A zero-copy notification: res holds NotifUsage bits
			// (IORING_NOTIF_USAGE_ZC_COPIED is the sign bit).
		case cqe.Res < 0:
			if e := checkErr(rg.ops[cqe.UserData]+"'s CQE", syscall.Errno(-cqe.Res)); e != nil {
				return e
			}
		default:
			r.f.succeeded(r.f.stats.Ops, rg.ops[cqe.UserData])
			r.made(rg.makes[cqe.UserData], cqe.Res)
		}
		if uint64(cqe.Flags)&uint64(more) == 0 {
			rg.tokens[cqe.UserData] = false
			rg.final[cqe.UserData] = cqe.Res
		}
	}
	if head != tail {
		return fmt.Errorf("a 32-byte CQE runs past the CQ tail (%d, read to %d)", tail, head)
	}
	rg.r.SetCqHead(head)
	return nil
}

// cleanup closes and destroys what the program made and checks that
// nothing is left: no descriptor, no io_uring or aio mapping.
func (r *run) cleanup() error {
	var err error
	for _, rg := range r.rings {
		// The CQEs of requests that finished since their batch: a few
		// looks, a millisecond apart (requests that wait for an event
		// never finish; closing the ring cancels them).
		for i := 0; i < 3 && err == nil && rg.open() > 0; i++ {
			time.Sleep(time.Millisecond)
			err = r.reap(rg)
		}
		rg.r.Unmap()
	}
	for kind, list := range r.res {
		for _, c := range r.f.calls {
			for i, a := range c.d.Args {
				if !a.Destroys || a.Resource != kind {
					continue
				}
				for _, v := range list {
					in := make([]reflect.Value, len(c.d.Args))
					for j := range c.d.Args {
						in[j] = reflect.Zero(c.fn.Type().In(j))
					}
					in[i] = value(c.fn.Type().In(i), arg{n: v})
					r.invoke(c, in)
				}
			}
		}
	}
	for _, fd := range r.owned {
		unix.Close(fd)
	}
	// What is still open and was not before, the program made without
	// the fuzzer adopting it: a request the description does not name as
	// a producer (IORING_OP_PIPE writes its two to memory), or one whose
	// CQE the ring's closing dropped. Counted, and closed.
	for fd := range openFds() {
		if !r.before[fd] {
			r.f.count(r.f.stats.Notes, "a descriptor made by no described producer, or with its CQE unread", false)
			unix.Close(fd)
		}
	}
	quarantine.Lock()
	quarantine.arenas = append(quarantine.arenas, r.arena)
	if len(quarantine.arenas) > 8 {
		offheap.Unmap(quarantine.arenas[0])
		quarantine.arenas = quarantine.arenas[1:]
	}
	quarantine.Unlock()
	if err != nil {
		return err
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(maps), "\n") {
		if strings.Contains(line, "io_uring") || strings.Contains(line, "/[aio]") {
			return fmt.Errorf("a mapping left after the program: %s", line)
		}
	}
	return nil
}

// openFds lists the process's open descriptors, but the one that reads
// the list.
func openFds() map[int]bool {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	out := map[int]bool{}
	for _, n := range names {
		if fd, err := strconv.Atoi(n); err == nil && fd != int(d.Fd()) {
			out[fd] = true
		}
	}
	return out
}

func after(ms int) <-chan time.Time { return time.After(time.Duration(ms) * time.Millisecond) }
