package seed

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/eventq/eventq/aio"
	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

func init() {
	programs = append(programs, Program{"aio-linux", "an O_DIRECT file read with native AIO, its completion through an eventfd in epoll", aioLinux})
}

// aioLinux reads a file with O_DIRECT through the kernel's native AIO. The
// completion signals an eventfd (IOCB_FLAG_RESFD) that an epoll set
// watches, the Linux twin of FreeBSD's SIGEV_KEVENT; the Iocb and its
// buffer live outside the Go heap (aio.NewRequest) until the event is reaped.
func aioLinux(w io.Writer) error {
	ctx, err := aio.IoSetup(8)
	if errors.Is(err, unix.ENOSYS) {
		return fmt.Errorf("native AIO %w (io_setup: %v)", ErrUnavailable, err)
	}
	if err != nil {
		return err
	}
	defer aio.IoDestroy(ctx)

	dir, err := os.MkdirTemp("", "aio-linux")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "data")
	block := make([]byte, 4096)
	copy(block, "a block read with O_DIRECT through native AIO\n")
	if err := os.WriteFile(name, block, 0o644); err != nil {
		return err
	}
	fd, err := unix.Open(name, unix.O_RDONLY|unix.O_DIRECT|unix.O_CLOEXEC, 0)
	direct := "an O_DIRECT"
	if err == unix.EINVAL { // the file system cannot: read through the page cache instead
		fd, err = unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		direct = "a buffered (the file system refuses O_DIRECT)"
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)

	efd, err := epoll.Eventfd(0, epoll.EFD_NONBLOCK)
	if err != nil {
		return err
	}
	defer unix.Close(efd)
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)
	if err := register(ep, efd, epoll.EPOLLIN, 1); err != nil {
		return err
	}

	r, err := aio.NewRequest(aio.IOCB_CMD_PREAD, fd, 0, 4096)
	if err != nil {
		return err
	}
	defer r.Free() // after the completion was reaped below
	const token = 77
	r.Cb.Data = token
	r.Cb.SetResfd(efd)
	if _, err := aio.IoSubmit(ctx, []*aio.Iocb{r.Cb}); err != nil {
		return fmt.Errorf("io_submit: %w", err)
	}
	fmt.Fprintf(w, "io_submit: %s read of 4096 bytes, token %d\n", direct, token)

	events := make([]epoll.EpollEvent, 1)
	if _, err := wait(ep, events); err != nil {
		return err
	}
	n, err := epoll.EventfdRead(efd)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%v on the eventfd: %d completion(s)\n", events[0].Events, n)
	got := make([]aio.IoEvent, n)
	m, err := aio.IoGetevents(ctx, 0, got, nil)
	if err != nil || m == 0 {
		return fmt.Errorf("io_getevents: %d, %v", m, err)
	}
	ev := got[0]
	if ev.Res < 0 {
		return fmt.Errorf("the read failed: %w", unix.Errno(-ev.Res))
	}
	text, _, _ := cutNUL(r.Buf[:ev.Res])
	fmt.Fprintf(w, "io_getevents: token %d, %d bytes: %q\n", ev.Data, ev.Res, text)
	return nil
}

// cutNUL returns b up to its first NUL byte.
func cutNUL(b []byte) ([]byte, []byte, bool) {
	for i, c := range b {
		if c == 0 {
			return b[:i], b[i:], true
		}
	}
	return b, nil, false
}
