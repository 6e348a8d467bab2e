// Command kernels runs the module's Linux test binaries on real Debian
// kernels under qemu-system and prints one line per cell of the matrix:
//
//	kernel <uname -r> <goarch> <package> ok|FAIL pass N skip N fail N
//
// For each kernel it resolves the current image package from its Debian
// meta-package, downloads it with apt-get download (nothing is installed),
// takes vmlinuz out of it, builds the test binaries and an initramfs whose
// /init is ../guest, and boots it, with KVM where /dev/kvm is usable and in
// software emulation otherwise. Every boot is bounded in time; a cell that
// prints no result is a failure. Lines that are not matrix lines are
// indented or begin with "time" or "#". The exit status is 1 if any cell
// failed. Run it from the module root, as .ci/kernels does.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eventq/eventq/internal/vmtest"
)

var (
	kernelsFlag  = flag.String("kernels", "6.1-amd64,6.12-amd64,backports-amd64,6.1-s390x,6.1-arm64", "comma-separated kernels of the matrix to run (all: "+allKernels()+")")
	packagesFlag = flag.String("packages", "epoll,iouring,aio,examples/seed,internal/descfuzz", "comma-separated packages whose tests run")
	cacheFlag    = flag.String("cache", "/var/tmp/eventq-vmtest", "where apt indexes and kernel packages are kept between runs")
	outFlag      = flag.String("out", "", "where the console and each cell's output are written (default: a new directory under the cache)")
	accelFlag    = flag.String("accel", "auto", "auto (KVM where /dev/kvm opens and the guest starts with it, else software emulation), kvm or tcg")
	timeoutFlag  = flag.Duration("timeout", 20*time.Minute, "the bound of one boot, tests included")
	memoryFlag   = flag.Int("memory", 2048, "guest memory in MiB")
	cpusFlag     = flag.Int("cpus", 2, "guest CPUs")
)

func allKernels() string {
	var names []string
	for _, k := range vmtest.Kernels {
		names = append(names, k.Name)
	}
	return strings.Join(names, ",")
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "kernels:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

var (
	failed    bool // a cell failed
	kvmFailed bool // a guest did not start under KVM: the rest run in software emulation
)

func run() error {
	byName := map[string]vmtest.Kernel{}
	for _, k := range vmtest.Kernels {
		byName[k.Name] = k
	}
	var kernels []vmtest.Kernel
	for _, n := range strings.Split(*kernelsFlag, ",") {
		k, ok := byName[n]
		if !ok {
			return fmt.Errorf("no kernel %q (have %s)", n, allKernels())
		}
		kernels = append(kernels, k)
	}
	pkgs := strings.Split(*packagesFlag, ",")
	out := *outFlag
	if out == "" {
		if err := os.MkdirAll(*cacheFlag, 0o755); err != nil {
			return err
		}
		var err error
		if out, err = os.MkdirTemp(*cacheFlag, "run-"); err != nil {
			return err
		}
	}
	work := filepath.Join(out, "build")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	fmt.Printf("# output in %s\n", out)
	updated := map[string]bool{}
	for _, k := range kernels {
		if err := k.Available(); err != nil {
			return fmt.Errorf("%s: %v", k.Name, err)
		}
		dir := "apt-" + k.Arch
		if k.Suite != "" {
			dir += "-" + k.Suite
		}
		apt := vmtest.Apt{Arch: k.Arch, Dir: filepath.Join(*cacheFlag, dir), Suite: k.Suite}
		if !updated[dir] {
			if err := apt.Update(); err != nil {
				return err
			}
			updated[dir] = true
		}
		if err := runKernel(k, apt, pkgs, out, work); err != nil {
			return fmt.Errorf("%s: %v", k.Name, err)
		}
	}
	return nil
}

func runKernel(k vmtest.Kernel, apt vmtest.Apt, pkgs []string, out, work string) error {
	pkg, err := apt.Resolve(k.Meta)
	if err != nil {
		return err
	}
	debs := filepath.Join(*cacheFlag, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return err
	}
	deb, err := apt.Download(pkg, debs)
	if err != nil {
		return err
	}
	image, release, err := vmtest.ExtractKernel(deb)
	if err != nil {
		return err
	}
	imageFile := filepath.Join(work, "vmlinuz-"+release)
	if err := os.WriteFile(imageFile, image, 0o644); err != nil {
		return err
	}
	fmt.Printf("# %s: %s (%s), kernel %s\n", k.Name, pkg, filepath.Base(deb), release)

	var fs vmtest.Initramfs
	initBin, err := build(work, k.Arch, "init", "build", "./internal/vmtest/guest")
	if err != nil {
		return err
	}
	fs.File("init", 0o755, initBin)
	fs.Symlink("bin/true", "/init")
	fs.CharDevice("dev/console", 0o600, 5, 1)
	fs.Dir("tmp")
	var manifest strings.Builder
	type cell struct{ goarch, pkg string }
	var cells []cell
	for _, goarch := range k.Tests {
		for _, p := range pkgs {
			exe, err := build(work, goarch, path.Base(p)+".test", "test", "./"+p)
			if err != nil {
				return err
			}
			dir := path.Join("t", goarch, p)
			if err := addDir(&fs, p, dir); err != nil {
				return err
			}
			fs.File(path.Join(dir, "pkg.test"), 0o755, exe)
			fmt.Fprintf(&manifest, "%s %s /%s /%s/pkg.test\n", goarch, p, dir, dir)
			cells = append(cells, cell{goarch, p})
		}
	}
	fs.File("vmtest/manifest", 0o644, []byte(manifest.String()))
	initrd := filepath.Join(work, "initrd-"+k.Name+".cpio.gz")
	f, err := os.Create(initrd)
	if err != nil {
		return err
	}
	if _, err := fs.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}

	kvm := false
	switch *accelFlag {
	case "auto":
		kvm = vmtest.KVMUsable(k.Arch) && !kvmFailed
	case "kvm":
		kvm = true
	case "tcg":
	default:
		return fmt.Errorf("-accel %q: want auto, kvm or tcg", *accelFlag)
	}
	console, err := os.Create(filepath.Join(out, k.Name+".console"))
	if err != nil {
		return err
	}
	defer console.Close()
	b := vmtest.Boot{Kernel: k, Image: imageFile, Initrd: initrd, KVM: kvm,
		Memory: *memoryFlag, CPUs: *cpusFlag, Timeout: *timeoutFlag, Console: console}
	if kvm && *accelFlag == "auto" {
		// Nested KVM can hang before the kernel prints anything (seen
		// here): a guest that has not started within a minute is booted
		// again in software emulation, which starts in seconds.
		b.Start = time.Minute
	}

	logs := map[cell]*bytes.Buffer{}
	counters := map[cell]*vmtest.Counter{}
	results := map[cell]vmtest.Result{}
	times := map[cell]string{}
	guestRelease := release
	var guestErrors []string
	start := time.Now()
	collect := func(kind, text string) {
		switch kind {
		case vmtest.KindUname:
			guestRelease = text
		case vmtest.KindLog:
			f := strings.SplitN(text, " ", 3)
			if len(f) < 2 {
				return
			}
			c := cell{f[0], f[1]}
			if logs[c] == nil {
				logs[c], counters[c] = &bytes.Buffer{}, &vmtest.Counter{}
			}
			line := ""
			if len(f) == 3 {
				line = f[2]
			}
			logs[c].WriteString(line + "\n")
			counters[c].Line(line)
		case vmtest.KindResult:
			r, err := vmtest.ParseResult(text)
			if err != nil {
				guestErrors = append(guestErrors, err.Error())
				return
			}
			c := cell{r.GOARCH, r.Package}
			results[c] = r
			fmt.Println(r)
			report(counters[c], logs[c], r.OK)
		case vmtest.KindTime:
			f := strings.Fields(text)
			if len(f) == 3 {
				times[cell{f[0], f[1]}] = f[2]
			}
		case vmtest.KindError:
			guestErrors = append(guestErrors, text)
		}
	}
	bootErr := b.Run(collect)
	if bootErr == vmtest.ErrNoStart && b.Start > 0 {
		fmt.Printf("# %s: no line from the guest within %v under KVM: booting again in software emulation, and every later kernel too\n", k.Name, b.Start)
		kvm, b.KVM, b.Start, kvmFailed = false, false, 0, true
		start = time.Now()
		bootErr = b.Run(collect)
	}
	elapsed := time.Since(start)
	accel := "tcg"
	if kvm {
		accel = "kvm"
	}
	for _, c := range cells {
		if _, ok := results[c]; !ok {
			failed = true
			fmt.Println(vmtest.Result{Release: guestRelease, GOARCH: c.goarch, Package: c.pkg})
			fmt.Println("    no result from the guest")
			report(counters[c], logs[c], false)
		} else if !results[c].OK {
			failed = true
		}
		if logs[c] != nil {
			name := fmt.Sprintf("%s-%s-%s.log", k.Name, c.goarch, strings.ReplaceAll(c.pkg, "/", "-"))
			if err := os.WriteFile(filepath.Join(out, name), logs[c].Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	for _, e := range guestErrors {
		failed = true
		fmt.Printf("    guest: %s\n", e)
	}
	var ts []string
	for _, c := range cells {
		ts = append(ts, fmt.Sprintf("%s/%s %ss", c.goarch, c.pkg, times[c]))
	}
	fmt.Printf("time %s %s %.0fs in all (%s): %s\n", k.Name, guestRelease, elapsed.Seconds(), accel, strings.Join(ts, ", "))
	if bootErr != nil {
		failed = true
		fmt.Printf("    boot: %v (console: %s)\n", bootErr, console.Name())
	}
	return nil
}

// report prints a cell's skip reasons, counted, and on failure the end of
// its output.
func report(c *vmtest.Counter, log *bytes.Buffer, ok bool) {
	if c == nil {
		return
	}
	n := map[string]int{}
	for _, s := range c.Skips {
		n[s.Reason]++
	}
	var reasons []string
	for r := range n {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Printf("    skipped (%d): %s\n", n[r], r)
	}
	if !ok && log != nil {
		lines := strings.Split(strings.TrimRight(log.String(), "\n"), "\n")
		var keep []string
		for _, l := range lines {
			if !strings.HasPrefix(l, "=== ") {
				keep = append(keep, l)
			}
		}
		if len(keep) > 40 {
			keep = keep[len(keep)-40:]
		}
		for _, l := range keep {
			fmt.Printf("    | %s\n", l)
		}
	}
}

// build builds a static binary for linux/goarch with "go build" or "go test
// -c" into work/goarch/name (once per run) and returns its bytes.
func build(work, goarch, name, verb, pkg string) ([]byte, error) {
	exe := filepath.Join(work, goarch, name)
	if b, err := os.ReadFile(exe); err == nil {
		return b, nil
	}
	args := []string{verb, "-o", exe}
	if verb == "test" {
		args = []string{"test", "-c", "-o", exe}
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("GOARCH=%s go %s %s: %v\n%s", goarch, verb, pkg, err, out)
	}
	return os.ReadFile(exe)
}

// addDir copies the regular files under the package directory src into the
// initramfs at dst, so that the tests find their testdata and description
// files where they look.
func addDir(ifs *vmtest.Initramfs, src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || strings.HasSuffix(p, ".test") {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		ifs.File(path.Join(dst, filepath.ToSlash(rel)), 0o644, b)
		return nil
	})
}
