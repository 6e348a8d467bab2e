package xsyscheck

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eventq/eventq/internal/targets"
)

const (
	module   = "github.com/eventq/eventq"
	xunix    = "golang.org/x/sys/unix"
	xwindows = "golang.org/x/sys/windows"
)

// checked is one of this module's packages and the targets it is checked on.
type checked struct {
	pkg     string
	targets []string
	// structs pairs a struct of ours with the x/sys struct of the same C type.
	structs map[string]string
	// absent names the constants x/sys does not define. Every other
	// constant must be compared, so a broken lookup cannot pass by comparing nothing.
	absent []string
	// xpkg is the x/sys package compared with: x/sys/unix unless set.
	xpkg string
	// absentIf names constants x/sys defines on some targets only: they are
	// absent where the function says so, and compared everywhere else.
	absentIf map[string]func(goos, goarch string) bool
	// absentPrefixes name families of constants x/sys does not define (a
	// header x/sys does not bind): each is compared where x/sys has it, and
	// skipped where it does not. The other constants follow absent's rule.
	absentPrefixes []string
}

// of returns the targets of goos in the module's table.
func of(goos string) []string {
	var out []string
	for _, t := range targets.All().Of(goos) {
		out = append(out, t.String())
	}
	return out
}

var packages = []checked{
	{
		pkg:     "kqueue",
		targets: of("freebsd"),
		structs: map[string]string{"Kevent_t": "Kevent_t"},
		absent: []string{
			"EV_KEEPUDATA",   // FreeBSD 13; x/sys follows FreeBSD 12.3
			"KQUEUE_CLOEXEC", // kqueuex(2), FreeBSD 13.3 and 14.0
			"sys_KQUEUEX",    // likewise
			// FreeBSD 15.0 (jails) and 15.1 (KQUEUE_CPONFORK).
			"EVFILT_JAIL", "EVFILT_JAILDESC", "NOTE_JAIL_CHILD", "NOTE_JAIL_SET", "NOTE_JAIL_ATTACH",
			"NOTE_JAIL_REMOVE", "NOTE_JAIL_MULTI", "NOTE_JAIL_CTRLMASK", "KQUEUE_CPONFORK",
		},
	},
	{
		pkg:     "kqueue",
		targets: of("netbsd"),
		structs: map[string]string{"Kevent_t": "Kevent_t"},
		// x/sys's NetBSD files predate NetBSD 10, which added these
		// (sys/event.h 1.42 to 1.54, 2021 and 2022).
		absent: []string{
			"EVFILT_FS", "EVFILT_USER", "EVFILT_EMPTY", "EV_RECEIPT", "EV_DISPATCH",
			"NOTE_FFNOP", "NOTE_FFAND", "NOTE_FFOR", "NOTE_FFCOPY", "NOTE_FFCTRLMASK", "NOTE_FFLAGSMASK", "NOTE_TRIGGER",
			"NOTE_OPEN", "NOTE_CLOSE", "NOTE_CLOSE_WRITE", "NOTE_READ",
			"NOTE_MSECONDS", "NOTE_SECONDS", "NOTE_USECONDS", "NOTE_NSECONDS", "NOTE_ABSTIME",
			"sys_KEVENT100", // NetBSD 11's __kevent100
		},
	},
	{
		pkg:     "kqueue",
		targets: of("openbsd"),
		structs: map[string]string{"Kevent_t": "Kevent_t"},
		// x/sys follows OpenBSD 7.2; EVFILT_USER and the EVFILT_TIMER units
		// came later (sys/event.h up to 1.74, 2025).
		absent: []string{
			"EVFILT_USER",
			"NOTE_FFNOP", "NOTE_FFAND", "NOTE_FFOR", "NOTE_FFCOPY", "NOTE_FFCTRLMASK", "NOTE_FFLAGSMASK", "NOTE_TRIGGER",
			"NOTE_MSECONDS", "NOTE_SECONDS", "NOTE_USECONDS", "NOTE_NSECONDS", "NOTE_ABSTIME",
		},
	},
	{
		pkg:     "kqueue",
		targets: of("dragonfly"),
		structs: map[string]string{"Kevent_t": "Kevent_t"},
	},
	{
		pkg:     "kqueue",
		targets: of("darwin"),
		structs: map[string]string{"Kevent_t": "Kevent_t"},
		absent: []string{
			// kevent64(2)'s flags: x/sys does not bind kevent64.
			"KEVENT_FLAG_NONE", "KEVENT_FLAG_IMMEDIATE", "KEVENT_FLAG_ERROR_EVENTS",
			// Newer than the macOS SDK x/sys was generated with.
			"NOTE_LEASE_DOWNGRADE", "NOTE_LEASE_RELEASE",
		},
	},
	{
		pkg:     "eventport",
		targets: append(of("illumos"), of("solaris")...),
		// x/sys's portEvent and fileObj are unexported (its EventPort helper
		// wraps them); their layouts are compared all the same.
		structs: map[string]string{"PortEvent": "portEvent", "FileObj": "fileObj"},
		absent: []string{
			"POLLNORM", // an alias of POLLRDNORM in sys/poll.h that x/sys leaves out
			// sys/siginfo.h's notification kinds: x/sys has no sigevent on
			// illumos or Solaris.
			"SIGEV_NONE", "SIGEV_SIGNAL", "SIGEV_THREAD", "SIGEV_PORT",
		},
	},
	{
		pkg:     "aio",
		targets: of("freebsd"),
		// Only the system call numbers and O_SYNC can be compared: x/sys has
		// no aio types, no aiocb and no sigevent on FreeBSD.
		absent: []string{
			"sys_AIO_READV", "sys_AIO_WRITEV", // FreeBSD 13; x/sys's table is FreeBSD 12.3's
			"AIO_CANCELED", "AIO_NOTCANCELED", "AIO_ALLDONE",
			"LIO_NOP", "LIO_WRITE", "LIO_READ", "LIO_VECTORED", "LIO_WRITEV", "LIO_READV",
			"LIO_SYNC", "LIO_DSYNC", "LIO_MLOCK", "LIO_NOWAIT", "LIO_WAIT",
			"LIO_FOFFSET", "AIO_OP2_FOFFSET", "AIO_OP2_VECTORED", // FreeBSD 15.0's headers
			"SIGEV_NONE", "SIGEV_SIGNAL", "SIGEV_THREAD", "SIGEV_KEVENT", "SIGEV_THREAD_ID",
			"O_DSYNC", // x/sys's FreeBSD files predate it
		},
	},
	{
		pkg:     "iocp",
		targets: of("windows"),
		xpkg:    xwindows,
		// x/sys has no OVERLAPPED_ENTRY; the flags and rights are compared.
		absent: []string{
			"CREATE_WAITABLE_TIMER_MANUAL_RESET", "CREATE_WAITABLE_TIMER_HIGH_RESOLUTION", // x/sys does not bind CreateWaitableTimerExW
		},
	},
	{
		pkg:     "epoll",
		targets: of("linux"),
		structs: map[string]string{
			"EpollEvent":      "EpollEvent",
			"SignalfdSiginfo": "SignalfdSiginfo",
			"Sigset":          "Sigset_t",
			"KernelTimespec":  "Timespec",
		},
		absent: []string{
			"CLOCK_SGI_CYCLE",   // obsolete; x/sys never had it
			"EPOLLNVAL",         // poll(2)'s bit, which eventpoll.h also defines
			"EPOLL_URING_WAKE",  // internal io_uring wakeup bit, in uapi since 6.1
			"NSIG",              // the kernel's _NSIG, which x/sys does not export on Linux
			"TFD_IOC_SET_TICKS", // linux/timerfd.h's ioctl, which x/sys does not export
		},
		// The time64 timerfd calls exist on 32-bit architectures only; on
		// 64-bit ones the spec gives them the plain calls' numbers.
		absentIf: map[string]func(goos, goarch string) bool{
			"sys_TIMERFD_SETTIME64": is64,
			"sys_TIMERFD_GETTIME64": is64,
		},
	},
	{
		pkg:     "aio",
		targets: of("linux"),
		structs: map[string]string{"Sigset": "Sigset_t", "KernelTimespec": "Timespec"},
		// x/sys binds native AIO's system call numbers and RWF_*, not
		// linux/aio_abi.h.
		absentPrefixes: []string{"IOCB_"},
		// io_pgetevents_time64 exists on 32-bit architectures only; on 64-bit
		// ones the spec gives it io_pgetevents's numbers.
		absentIf: map[string]func(goos, goarch string) bool{"sys_IO_PGETEVENTS_TIME64": is64},
	},
	{
		pkg:     "iouring",
		targets: of("linux"),
		structs: map[string]string{
			"Sigset":         "Sigset_t",
			"KernelTimespec": "Timespec",
		},
		// x/sys binds io_uring's system call numbers, not its header.
		absentPrefixes: []string{"IORING_", "IOSQE_", "IOU_", "IO_URING_", "IO_WQ_", "SOCKET_URING_", "ZCRX_"},
		absent: []string{
			"POLLRDNORM", "POLLRDBAND", "POLLWRNORM", "POLLWRBAND", "POLLMSG", "POLLREMOVE", // asm/poll.h bits x/sys does not export
			"FUTEX2_SIZE_U8", "FUTEX2_SIZE_U16", "FUTEX2_SIZE_U32", "FUTEX2_SIZE_U64", "FUTEX2_NUMA", "FUTEX2_MPOL", "FUTEX2_PRIVATE", "FUTEX2_SIZE_MASK",
			"SPLICE_F_FD_IN_FIXED", // io_uring's own splice flag
		},
	},
}

// difference is a known, explained difference from x/sys. The test fails
// if it no longer holds, so that the list stays true.
type difference struct {
	pkg, name string // a constant, a struct's size as "struct Name", its fields as "fields Name"
	targets   func(goos, goarch string) bool
	why       string
	// check reports whether a "fields" difference still holds.
	check func(sizes types.Sizes, ours, theirs *types.Struct) bool
}

// noU64View holds if x/sys's struct has no 8-byte field where ours has the
// 8-byte Data union: x/sys splits it into two int32 fields.
func noU64View(sizes types.Sizes, ours, theirs *types.Struct) bool {
	dataOff := offsets(sizes, ours)["fd"] // Data is entered as "fd"
	var fields []*types.Var
	for i := 0; i < theirs.NumFields(); i++ {
		fields = append(fields, theirs.Field(i))
	}
	for i, off := range sizes.Offsetsof(fields) {
		if off >= dataOff && sizes.Sizeof(fields[i].Type()) == 8 {
			return false
		}
	}
	return true
}

func all(string, string) bool { return true }

func is32(goos, goarch string) bool {
	return !targets.Target{GOOS: goos, GOARCH: goarch}.Is64()
}

func is64(goos, goarch string) bool { return !is32(goos, goarch) }

func darwin(goos, _ string) bool { return goos == "darwin" }

var differences = []difference{
	{"kqueue", "NOTE_PCTRLMASK", darwin,
		"the header defines it as (~NOTE_PDATAMASK), an int, so x/sys has -0x100000; ours is the same bits as the uint32 of fflags, 0xfff00000", nil},
	{"epoll", "struct Sigset", all,
		"x/sys's Sigset_t is the C library's 1024-bit sigset_t (128 bytes); the kernel takes _NSIG/8 bytes (8, or 16 on mips), which is what Sigset is", nil},
	{"epoll", "fields EpollEvent", all,
		"x/sys's EpollEvent splits the epoll_data union into Fd and Pad int32 fields, with no u64 view; ours keeps it as Data [8]byte with Fd, U32 and U64 accessors",
		noU64View},
	{"aio", "struct Sigset", all,
		"x/sys's Sigset_t is the C library's 1024-bit sigset_t (128 bytes); io_pgetevents takes the kernel's _NSIG/8 bytes, which is what Sigset is", nil},
	{"aio", "struct KernelTimespec", is32,
		"x/sys's Timespec has the architecture's 32-bit time_t on 386, arm, mips and mipsle; io_pgetevents_time64 takes struct __kernel_timespec, 64-bit everywhere", nil},
	{"iouring", "struct Sigset", all,
		"x/sys's Sigset_t is the C library's 1024-bit sigset_t (128 bytes); io_uring_enter takes the kernel's _NSIG/8 bytes, which is what Sigset is", nil},
	{"iouring", "O_LARGEFILE", is64,
		"x/sys takes the C library's value, 0 on 64-bit architectures (where the kernel forces large-file access); ours is the kernel's bit, which an SQE's open_flags carry", nil},
	{"iouring", "struct KernelTimespec", is32,
		"x/sys's Timespec has the architecture's 32-bit time_t on 386, arm, mips and mipsle; io_uring's timeouts take struct __kernel_timespec, 64-bit everywhere", nil},
	{"epoll", "struct KernelTimespec", is32,
		"x/sys's Timespec has the architecture's 32-bit time_t on 386, arm, mips and mipsle; epoll_pwait2 takes struct __kernel_timespec, 64-bit everywhere", nil},
}

func known(pkg, name, goos, goarch string) *difference {
	for i, d := range differences {
		if d.pkg == pkg && d.name == name && d.targets(goos, goarch) {
			return &differences[i]
		}
	}
	return nil
}

func TestAgainstXSys(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command to build export data for other targets")
	}
	used := map[*difference]bool{}
	for _, c := range packages {
		for _, target := range c.targets {
			t.Run(c.pkg+"/"+target, func(t *testing.T) {
				goos, goarch, _ := strings.Cut(target, "/")
				xpkg := c.xpkg
				if xpkg == "" {
					xpkg = xunix
				}
				ours, theirs := load(t, goos, goarch, module+"/"+c.pkg, xpkg)
				sizes := types.SizesFor("gc", goarch)
				compareConsts(t, c, goos, goarch, ours, theirs, used)
				for o, x := range c.structs {
					compareStruct(t, c.pkg, goos, goarch, sizes, ours, theirs, o, x, used)
				}
			})
		}
	}
	for i, d := range differences {
		if !used[&differences[i]] {
			t.Errorf("known difference %s.%s was not seen on any target: remove it (%s)", d.pkg, d.name, d.why)
		}
	}
}

// compareConsts compares every exported constant of ours with x/sys's, and
// every system call number sys_X with x/sys's SYS_X.
func compareConsts(t *testing.T, c checked, goos, goarch string, ours, theirs *types.Package, used map[*difference]bool) {
	for _, name := range ours.Scope().Names() {
		obj, ok := ours.Scope().Lookup(name).(*types.Const)
		if !ok {
			continue
		}
		xname := name
		if after, ok := strings.CutPrefix(name, "sys_"); ok {
			xname = "SYS_" + after
		} else if !obj.Exported() {
			continue
		}
		xobj, ok := theirs.Scope().Lookup(xname).(*types.Const)
		if !ok && slices.ContainsFunc(c.absentPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		if f := c.absentIf[name]; f != nil && f(goos, goarch) {
			if ok {
				t.Errorf("%s is listed as absent from x/sys on %s/%s, but x/sys defines it", name, goos, goarch)
			}
			continue
		}
		if slices.Contains(c.absent, name) {
			if ok {
				t.Errorf("%s is listed as absent from x/sys, but x/sys defines it", name)
			}
			continue
		}
		if !ok {
			t.Errorf("x/sys has no %s: compare it another way, or list it as absent", xname)
			continue
		}
		equal := constant.Compare(obj.Val(), token.EQL, xobj.Val())
		d := known(c.pkg, name, goos, goarch)
		switch {
		case !equal && d == nil:
			t.Errorf("%s = %v; x/sys %s = %v", name, obj.Val(), xname, xobj.Val())
		case equal && d != nil:
			t.Errorf("%s: listed as differing from x/sys (%s), but both are %v", name, d.why, obj.Val())
		case d != nil:
			used[d] = true
		}
	}
}

// compareStruct compares the sizes of two structs and the offsets of the
// fields whose names match once case and underscores are ignored.
func compareStruct(t *testing.T, pkg, goos, goarch string, sizes types.Sizes, ours, theirs *types.Package, o, x string, used map[*difference]bool) {
	ost, xst := structOf(t, ours, o), structOf(t, theirs, x)
	osize, xsize := sizes.Sizeof(ost), sizes.Sizeof(xst)
	d := known(pkg, "struct "+o, goos, goarch)
	switch {
	case osize != xsize && d == nil:
		t.Errorf("sizeof(%s) = %d; x/sys %s is %d", o, osize, x, xsize)
	case osize == xsize && d != nil:
		t.Errorf("struct %s: listed as differing from x/sys (%s), but both are %d bytes", o, d.why, osize)
	case d != nil:
		used[d] = true
		return
	}
	if d := known(pkg, "fields "+o, goos, goarch); d != nil && d.check(sizes, ost, xst) {
		used[d] = true
	}
	ooffs, xoffs := offsets(sizes, ost), offsets(sizes, xst)
	matched := 0
	for name, off := range ooffs {
		if xoff, ok := xoffs[name]; ok {
			matched++
			if off != xoff {
				t.Errorf("offsetof(%s.%s) = %d; x/sys %s has it at %d", o, name, off, x, xoff)
			}
		}
	}
	if matched == 0 {
		t.Errorf("%s and x/sys %s share no field name: nothing compared", o, x)
	}
}

func structOf(t *testing.T, pkg *types.Package, name string) *types.Struct {
	t.Helper()
	obj := pkg.Scope().Lookup(name)
	if obj == nil {
		t.Fatalf("%s has no %s", pkg.Path(), name)
	}
	s, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		t.Fatalf("%s.%s is not a struct", pkg.Path(), name)
	}
	return s
}

// offsets maps normalized field names (lower case, no underscores) to offsets.
// x/sys's EpollEvent has Fd where ours has the Data union: both name the
// union's first member, so Data is also entered as "fd".
func offsets(sizes types.Sizes, s *types.Struct) map[string]int64 {
	var fields []*types.Var
	for i := 0; i < s.NumFields(); i++ {
		fields = append(fields, s.Field(i))
	}
	offs := sizes.Offsetsof(fields)
	out := map[string]int64{}
	for i, f := range fields {
		if f.Name() == "_" {
			continue
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name(), "_", ""))
		if name == "data" {
			name = "fd"
		}
		out[name] = offs[i]
	}
	return out
}

// load type-checks our package from source (so that its unexported system
// call numbers are seen) and x/sys from export data, for goos/goarch.
func load(t *testing.T, goos, goarch, ourPath, theirPath string) (ours, theirs *types.Package) {
	t.Helper()
	cmd := exec.Command("go", "list", "-export", "-deps", "-f",
		"{{.ImportPath}}\t{{.Export}}\t{{.Dir}}\t{{join .GoFiles \",\"}}", ourPath, theirPath)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			err = fmt.Errorf("%v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list for %s/%s: %v", goos, goarch, err)
	}
	exports := map[string]string{}
	var dir, files string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		exports[f[0]] = f[1]
		if f[0] == ourPath {
			dir, files = f[2], f[3]
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	if theirs, err = imp.Import(theirPath); err != nil {
		t.Fatalf("import %s for %s/%s: %v", theirPath, goos, goarch, err)
	}
	var syntax []*ast.File
	for _, name := range strings.Split(files, ",") {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		syntax = append(syntax, f)
	}
	conf := types.Config{Importer: imp, Sizes: types.SizesFor("gc", goarch)}
	if ours, err = conf.Check(ourPath, fset, syntax, nil); err != nil {
		t.Fatalf("type-check %s for %s/%s: %v", ourPath, goos, goarch, err)
	}
	return ours, theirs
}
