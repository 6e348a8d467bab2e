package vmtest

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Apt runs apt-get and apt-cache for one Debian architecture with an index of
// its own under Dir, so that nothing on the host changes (no dpkg
// --add-architecture, no package installed) and the package names are those
// of the sources the host's apt has configured (or of Suite), as of this run.
type Apt struct {
	Arch  string // dpkg architecture: amd64, s390x, arm64
	Dir   string
	Suite string // a Debian suite read instead of the host's sources, such as trixie-backports
}

// Mirror is where a Suite's packages come from.
const Mirror = "http://deb.debian.org/debian"

func (a Apt) opts() []string {
	var src []string
	if a.Suite != "" {
		src = []string{
			"-o", "Dir::Etc::SourceList=" + filepath.Join(a.Dir, "sources.list"),
			"-o", "Dir::Etc::SourceParts=" + filepath.Join(a.Dir, "sources.list.d"),
		}
	}
	return append(src,
		"-q",
		"-o", "Dir::State::Lists="+filepath.Join(a.Dir, "lists"),
		"-o", "Dir::Cache="+filepath.Join(a.Dir, "cache"),
		"-o", "Dir::State::status="+filepath.Join(a.Dir, "status"),
		"-o", "APT::Architecture="+a.Arch,
		"-o", "APT::Architectures="+a.Arch,
	)
}

func (a Apt) run(dir, tool string, args ...string) (string, error) {
	cmd := exec.Command(tool, append(a.opts(), args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", tool, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// Update reads the package indexes of the host's sources for a.Arch.
func (a Apt) Update() error {
	for _, d := range []string{"lists/partial", "cache/archives/partial"} {
		if err := os.MkdirAll(filepath.Join(a.Dir, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(a.Dir, "status"), nil, 0o644); err != nil {
		return err
	}
	if a.Suite != "" {
		// Debian's archive keyring, which apt reads by default, signs every
		// current suite.
		line := fmt.Sprintf("deb %s %s main\n", Mirror, a.Suite)
		if err := os.WriteFile(filepath.Join(a.Dir, "sources.list"), []byte(line), 0o644); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(a.Dir, "sources.list.d"), 0o755); err != nil {
			return err
		}
	}
	_, err := a.run(a.Dir, "apt-get", "update")
	return err
}

// Resolve returns the package that holds the kernel image a meta-package
// depends on now, such as linux-image-6.1.0-57-amd64 for linux-image-amd64:
// security updates rename the package, so it is never written down. Where
// the image package holds no image but depends on a linux-binary-*
// package (Debian's packaging from 7.x on), it returns that one.
func (a Apt) Resolve(meta string) (string, error) {
	image, err := a.dependency(meta, "linux-image-")
	if err != nil {
		return "", err
	}
	if binary, err := a.dependency(image, "linux-binary-"); err == nil {
		return binary, nil
	}
	return image, nil
}

// dependency returns the package pkg depends on whose name has prefix.
func (a Apt) dependency(pkg, prefix string) (string, error) {
	out, err := a.run(a.Dir, "apt-cache", "depends", pkg)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "Depends:" && strings.HasPrefix(f[1], prefix) {
			return strings.TrimSuffix(f[1], ":"+a.Arch), nil
		}
	}
	return "", fmt.Errorf("apt-cache depends %s: no %s* dependency in:\n%s", pkg, prefix, out)
}

// Download fetches pkg's .deb into cache, unless a file of the same name and
// checksum is there already, and returns its path.
func (a Apt) Download(pkg, cache string) (string, error) {
	// Run where no .deb is: apt prints nothing for a file already present.
	out, err := a.run(a.Dir, "apt-get", "download", "--print-uris", pkg)
	if err != nil {
		return "", err
	}
	// 'URL' FILE SIZE SHA256:HEX
	f := strings.Fields(out)
	if len(f) != 4 || !strings.HasPrefix(f[3], "SHA256:") {
		return "", fmt.Errorf("apt-get download --print-uris %s: unexpected %q", pkg, out)
	}
	file, sum := filepath.Join(cache, f[1]), strings.TrimPrefix(f[3], "SHA256:")
	if checkSum(file, sum) == nil {
		return file, nil
	}
	if _, err := a.run(cache, "apt-get", "download", pkg); err != nil {
		return "", err
	}
	if err := checkSum(file, sum); err != nil {
		return "", err
	}
	return file, nil
}

func checkSum(file, want string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%s: sha256 %s, want %s", file, got, want)
	}
	return nil
}

// ExtractKernel reads the kernel image, boot/vmlinuz-<release> (or
// usr/lib/modules/<release>/vmlinuz, as Debian packages 7.x), out of a
// kernel package and returns its bytes and release.
func ExtractKernel(deb string) ([]byte, string, error) {
	cmd := exec.Command("dpkg-deb", "--fsys-tarfile", deb)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	defer cmd.Wait()
	tr := tar.NewReader(out)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, "", fmt.Errorf("%s: no boot/vmlinuz-* or usr/lib/modules/*/vmlinuz: %v", deb, err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		rel, ok := strings.CutPrefix(name, "boot/vmlinuz-")
		if !ok {
			// Debian's packaging from 7.x on: usr/lib/modules/<release>/vmlinuz.
			if r, ok2 := strings.CutPrefix(name, "usr/lib/modules/"); ok2 {
				rel, ok = strings.CutSuffix(r, "/vmlinuz")
				ok = ok && !strings.Contains(rel, "/")
			}
		}
		if ok && h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			io.Copy(io.Discard, out)
			return b, rel, err
		}
	}
}
