package vmtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Kernel is one kernel of the matrix: a Debian meta-package that names the
// current image, the machine qemu emulates for it, and the GOARCHes of the
// test binaries it runs.
type Kernel struct {
	Name    string   // how -kernels selects it
	Meta    string   // Debian meta-package, resolved to the image package at run time
	Suite   string   // the Debian suite to resolve it in; "": the host's apt sources
	Arch    string   // dpkg architecture, and the GOARCH of /init
	Tests   []string // GOARCHes of the test binaries run on it
	Qemu    []string // the qemu-system command and its machine options
	Console string   // the console= the kernel writes to
}

// Kernels is the matrix: Debian 12's default kernel (6.1) and its 6.12
// kernel, each running the amd64 and 386 binaries (the amd64 kernels run
// 32-bit programs), the big-endian s390x 6.1 kernel and the arm64 6.1
// kernel, and the newest release Debian builds, from Debian 13's backports
// (7.3 when this was written), for the names newer than the host's kernel.
var Kernels = []Kernel{
	{Name: "6.1-amd64", Meta: "linux-image-amd64", Arch: "amd64", Tests: []string{"amd64", "386"},
		Qemu: []string{"qemu-system-x86_64", "-machine", "q35"}, Console: "ttyS0"},
	{Name: "6.12-amd64", Meta: "linux-image-6.12-amd64", Arch: "amd64", Tests: []string{"amd64", "386"},
		Qemu: []string{"qemu-system-x86_64", "-machine", "q35"}, Console: "ttyS0"},
	{Name: "backports-amd64", Meta: "linux-image-amd64", Suite: "trixie-backports", Arch: "amd64", Tests: []string{"amd64"},
		Qemu: []string{"qemu-system-x86_64", "-machine", "q35"}, Console: "ttyS0"},
	{Name: "6.1-s390x", Meta: "linux-image-s390x", Arch: "s390x", Tests: []string{"s390x"},
		Qemu: []string{"qemu-system-s390x", "-machine", "s390-ccw-virtio"}, Console: "ttysclp0"},
	{Name: "6.1-arm64", Meta: "linux-image-arm64", Arch: "arm64", Tests: []string{"arm64"},
		Qemu: []string{"qemu-system-aarch64", "-machine", "virt"}, Console: "ttyAMA0"},
}

// KVMUsable reports whether qemu can use KVM for a guest of arch here.
func KVMUsable(arch string) bool {
	if arch != runtime.GOARCH {
		return false
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// Boot is one run of a kernel with an initramfs.
type Boot struct {
	Kernel  Kernel
	Image   string        // the kernel image file
	Initrd  string        // the gzipped cpio file
	KVM     bool          // use KVM, else software emulation (TCG)
	Memory  int           // MiB
	CPUs    int           //
	Timeout time.Duration // the whole boot, tests included
	Start   time.Duration // until the guest's first line; 0: Timeout alone bounds it
	Console io.Writer     // gets every byte the console printed
}

// Args returns the qemu command line.
func (b Boot) Args() []string {
	args := append([]string{}, b.Kernel.Qemu...)
	args = append(args, "-m", fmt.Sprint(b.Memory), "-smp", fmt.Sprint(b.CPUs),
		"-nographic", "-no-reboot", "-kernel", b.Image, "-initrd", b.Initrd)
	if b.KVM {
		args = append(args, "-accel", "kvm", "-cpu", "qemu64")
	} else {
		args = append(args, "-accel", "tcg", "-cpu", "max")
	}
	// panic=-1 reboots at once on a panic, which -no-reboot turns into an
	// exit; ia32_emulation=1 lets 6.7 and later amd64 kernels run 386
	// programs even where built to refuse them by default (older kernels
	// pass the unknown parameter on to /init's environment).
	cmdline := "console=" + b.Kernel.Console + " panic=-1 quiet loglevel=3"
	if b.Kernel.Arch == "amd64" {
		cmdline += " ia32_emulation=1"
	}
	return append(args, "-append", cmdline)
}

// ErrTimeout is returned by Run when the boot outlived its timeout.
var ErrTimeout = errors.New("the machine did not power off in time")

// ErrNoStart is returned by Run when the guest wrote nothing within Start.
var ErrNoStart = errors.New("the guest did not start in time")

// Run boots the machine and calls line for each protocol line the guest
// writes (Prefix removed), until the machine powers off or the timeout.
func (b Boot) Run(line func(kind, text string)) error {
	ctx, cancel := context.WithTimeout(context.Background(), b.Timeout)
	defer cancel()
	args := b.Args()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = nil
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	started := make(chan struct{})
	noStart := false
	if b.Start > 0 {
		timer := time.AfterFunc(b.Start, func() {
			select {
			case <-started:
			default:
				noStart = true
				cancel()
			}
		})
		defer timer.Stop()
	}
	first := true
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s := strings.TrimRight(sc.Text(), "\r")
		if b.Console != nil {
			fmt.Fprintln(b.Console, s)
		}
		// The kernel may have written on the same line first.
		if i := strings.Index(s, Prefix); i >= 0 {
			if first {
				close(started)
				first = false
			}
			kind, text, _ := strings.Cut(s[i+len(Prefix):], " ")
			line(kind, text)
		}
	}
	io.Copy(io.Discard, out)
	err = cmd.Wait()
	if ctx.Err() != nil {
		if noStart {
			return ErrNoStart
		}
		return ErrTimeout
	}
	if err != nil {
		return fmt.Errorf("%s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Available reports why qemu for k cannot run here, or nil.
func (k Kernel) Available() error {
	if _, err := exec.LookPath(k.Qemu[0]); err != nil {
		return fmt.Errorf("%s is not installed", k.Qemu[0])
	}
	if _, err := os.Stat("/usr/bin/dpkg-deb"); err != nil {
		return errors.New("dpkg-deb is not installed")
	}
	return nil
}
