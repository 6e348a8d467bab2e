//go:build linux

// Command guest is /init of the kernel matrix's initramfs (see package
// vmtest). It mounts the file systems the tests need, brings up loopback,
// runs each test binary listed in /vmtest/manifest in its package's
// directory, writes every line of output and a result line per binary to
// the console, and powers the machine off.
//
// Each manifest line is: <goarch> <package> <directory> <binary> [args...].
//
// Started as "true" (through the /bin/true link) it exits with status 0:
// a test that needs a program to start finds one.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/eventq/eventq/internal/vmtest"
	"golang.org/x/sys/unix"
)

// perBinary bounds one test binary: it gets -test.timeout a little shorter.
const perBinary = 600 * time.Second

func main() {
	if filepath.Base(os.Args[0]) == "true" {
		os.Exit(0)
	}
	if err := setup(); err != nil {
		say(vmtest.KindError, err.Error())
	}
	if err := runManifest("/vmtest/manifest"); err != nil {
		say(vmtest.KindError, err.Error())
	}
	say(vmtest.KindDone, "")
	unix.Sync()
	unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	// Powering off failed: /init exiting panics the kernel, and panic=-1
	// with qemu's -no-reboot ends the machine.
	os.Exit(1)
}

var consoleMu sync.Mutex

// say writes one protocol line to the console.
func say(kind, text string) {
	consoleMu.Lock()
	defer consoleMu.Unlock()
	line := vmtest.Prefix + kind
	if text != "" {
		line += " " + text
	}
	fmt.Fprintln(os.Stdout, line)
}

func setup() error {
	mounts := []struct{ src, dir, fstype string }{
		{"proc", "/proc", "proc"},
		{"sysfs", "/sys", "sysfs"},
		{"devtmpfs", "/dev", "devtmpfs"},
		{"tmpfs", "/tmp", "tmpfs"},
		{"tmpfs", "/dev/shm", "tmpfs"},
	}
	for _, m := range mounts {
		if err := os.MkdirAll(m.dir, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.src, m.dir, m.fstype, 0, ""); err != nil {
			return fmt.Errorf("mount %s on %s: %v", m.fstype, m.dir, err)
		}
	}
	// The kernel opened /dev/console of the initramfs as standard input,
	// output and error; open it again from devtmpfs in case it could not.
	if c, err := os.OpenFile("/dev/console", os.O_RDWR, 0); err == nil {
		for fd := 0; fd <= 2; fd++ {
			unix.Dup3(int(c.Fd()), fd, 0)
		}
		c.Close()
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return err
	}
	say(vmtest.KindUname, unix.ByteSliceToString(u.Release[:]))
	return loopbackUp()
}

// loopbackUp sets IFF_UP on lo, as a network start-up script would.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("loopback: %v", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("loopback: SIOCGIFFLAGS: %v", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("loopback: SIOCSIFFLAGS: %v", err)
	}
	return nil
}

func runManifest(name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	release := "unknown"
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		release = unix.ByteSliceToString(u.Release[:])
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 4 {
			say(vmtest.KindError, fmt.Sprintf("manifest line %q: want <goarch> <package> <directory> <binary> [args...]", line))
			continue
		}
		r := runOne(f[0], f[1], f[2], f[3], f[4:])
		r.Release = release
		say(vmtest.KindResult, r.String())
	}
	return nil
}

// runOne runs one test binary and counts its results from its output.
func runOne(goarch, pkg, dir, binary string, args []string) vmtest.Result {
	r := vmtest.Result{GOARCH: goarch, Package: pkg}
	args = append([]string{"-test.v", "-test.timeout", (perBinary - 30*time.Second).String()}, args...)
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/bin", "HOME=/tmp", "TMPDIR=/tmp"}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var c vmtest.Counter
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			c.Line(sc.Text())
			say(vmtest.KindLog, goarch+" "+pkg+" "+sc.Text())
		}
		io.Copy(io.Discard, pr)
	}()
	start := time.Now()
	err := cmd.Start()
	if err == nil {
		timer := time.AfterFunc(perBinary, func() { cmd.Process.Kill() })
		err = cmd.Wait()
		timer.Stop()
	}
	pw.Close()
	<-done
	if err != nil {
		say(vmtest.KindLog, goarch+" "+pkg+" vmtest: "+err.Error())
	}
	say(vmtest.KindTime, fmt.Sprintf("%s %s %.1f", goarch, pkg, time.Since(start).Seconds()))
	r.Pass, r.Skip, r.Fail = c.Pass, c.Skip, c.Fail
	r.OK = err == nil && c.Fail == 0
	return r
}
