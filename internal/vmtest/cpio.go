package vmtest

import (
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Initramfs is the content of a gzipped cpio archive in the "newc" format
// that the kernel unpacks as its first root file system. Parent directories
// are added as needed; every entry is owned by root with time 0, so the same
// content gives the same bytes.
type Initramfs struct {
	entries map[string]entry
}

type entry struct {
	mode         uint32 // type and permission bits, as in st_mode
	data         []byte // file content, or a symbolic link's target
	major, minor uint32 // a device node's number
}

const (
	modeDir  = 0o040000
	modeFile = 0o100000
	modeLink = 0o120000
	modeChr  = 0o020000
)

// File adds a regular file with the given permission bits.
func (fs *Initramfs) File(name string, perm uint32, data []byte) {
	fs.add(name, entry{mode: modeFile | perm&0o7777, data: data})
}

// Symlink adds a symbolic link to target.
func (fs *Initramfs) Symlink(name, target string) {
	fs.add(name, entry{mode: modeLink | 0o777, data: []byte(target)})
}

// CharDevice adds a character device node.
func (fs *Initramfs) CharDevice(name string, perm, major, minor uint32) {
	fs.add(name, entry{mode: modeChr | perm&0o7777, major: major, minor: minor})
}

// Dir adds a directory.
func (fs *Initramfs) Dir(name string) { fs.add(name, entry{mode: modeDir | 0o755}) }

func (fs *Initramfs) add(name string, e entry) {
	if fs.entries == nil {
		fs.entries = map[string]entry{}
	}
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	for dir := path.Dir(name); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if _, ok := fs.entries[dir]; !ok {
			fs.entries[dir] = entry{mode: modeDir | 0o755}
		}
	}
	fs.entries[name] = e
}

// WriteTo writes the gzipped archive, entries sorted by name so that every
// directory comes before what it holds.
func (fs *Initramfs) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	z, err := gzip.NewWriterLevel(cw, gzip.BestSpeed)
	if err != nil {
		return 0, err
	}
	names := make([]string, 0, len(fs.entries))
	for n := range fs.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		if err := writeEntry(z, uint32(i+1), n, fs.entries[n]); err != nil {
			return cw.n, err
		}
	}
	if err := writeEntry(z, 0, "TRAILER!!!", entry{}); err != nil {
		return cw.n, err
	}
	err = z.Close()
	return cw.n, err
}

// writeEntry writes one newc header, its name and its data, each padded to
// 4 bytes.
func writeEntry(w io.Writer, ino uint32, name string, e entry) error {
	nlink := uint32(1)
	if e.mode&0o170000 == modeDir {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		ino, e.mode, 0, 0, nlink, 0, len(e.data), 0, 0, e.major, e.minor, len(name)+1, 0)
	buf := append([]byte(hdr), name...)
	buf = append(buf, 0)
	buf = pad4(buf)
	buf = append(buf, e.data...)
	buf = pad4(buf)
	_, err := w.Write(buf)
	return err
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
