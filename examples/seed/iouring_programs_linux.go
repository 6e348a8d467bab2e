package seed

import (
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"unsafe"

	"github.com/eventq/eventq/iouring"
	"golang.org/x/sys/unix"
)

// iouringAccept accepts a connection with IORING_OP_ACCEPT and reads from it
// with IORING_OP_RECV. The peer address, its length and the receive buffer
// are written by the kernel after submission: they live off the Go heap.
func iouringAccept(w io.Writer) error {
	u, err := newUring(8)
	if err != nil {
		return err
	}
	defer u.Close()
	ln, port, err := listen()
	if err != nil {
		return err
	}
	defer unix.Close(ln)
	fmt.Fprintf(w, "listening on 127.0.0.1:%d\n", port)
	peer, err := offheap[unix.RawSockaddrAny](u, 1)
	if err != nil {
		return err
	}
	peerLen, err := offheap[uint32](u, 1)
	if err != nil {
		return err
	}
	buf, err := offheap[byte](u, 64)
	if err != nil {
		return err
	}

	peerLen[0] = uint32(unsafe.Sizeof(peer[0]))
	u.next().PrepAccept(int32(ln), &peer[0], &peerLen[0], unix.SOCK_CLOEXEC, 0, 1)
	client, err := dial(port) // the client would be another process
	if err != nil {
		return err
	}
	defer unix.Close(client)
	conn, err := u.wait("accept", 1)
	if err != nil {
		return err
	}
	defer unix.Close(conn)
	in := (*unix.RawSockaddrInet4)(unsafe.Pointer(&peer[0]))
	fmt.Fprintf(w, "IORING_OP_ACCEPT: a connection from %v:%d (fd %d)\n", net.IP(in.Addr[:]), portOf(&peer[0]), conn)

	u.next().PrepRecv(int32(conn), buf, 0, 0, 2)
	if err := writeWhenConnected(client, "hello from the client"); err != nil {
		return err
	}
	n, err := u.wait("recv", 2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "IORING_OP_RECV: read %q\n", buf[:n])
	return nil
}

// writeWhenConnected writes s on a non-blocking socket once its connect has
// completed.
func writeWhenConnected(fd int, s string) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		n, err := unix.Poll(fds, int(waitLimit.Milliseconds()))
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return fmt.Errorf("waiting to write: %v", err)
		}
		_, err = unix.Write(fd, []byte(s))
		return err
	}
}

// iouringConnect connects with IORING_OP_CONNECT to an HTTP server the
// program starts, sends a request with IORING_OP_SEND and reads the reply
// with IORING_OP_RECV until the server closes.
func iouringConnect(w io.Writer) error {
	port, stop, err := helloServer()
	if err != nil {
		return err
	}
	defer stop()
	u, err := newUring(8)
	if err != nil {
		return err
	}
	defer u.Close()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	sa, err := offheap[unix.RawSockaddrAny](u, 1)
	if err != nil {
		return err
	}
	buf, err := offheap[byte](u, 4096)
	if err != nil {
		return err
	}

	u.next().PrepConnect(int32(fd), &sa[0], sockaddr4(&sa[0], port), 1)
	if _, err := u.wait("connect", 1); err != nil {
		return err
	}
	fmt.Fprintf(w, "IORING_OP_CONNECT: connected to 127.0.0.1:%d\n", port)
	req := copy(buf, "GET /iouring HTTP/1.0\r\nHost: localhost\r\n\r\n")
	u.next().PrepSend(int32(fd), buf[:req], 0, 0, 2)
	if _, err := u.wait("send", 2); err != nil {
		return err
	}
	var reply []byte
	for {
		u.next().PrepRecv(int32(fd), buf, 0, 0, 3)
		n, err := u.wait("recv", 3)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		reply = append(reply, buf[:n]...)
	}
	printReply(w, reply)
	return nil
}

// iouringTimer arms a multishot timeout that fires every 10 ms, three
// times, and a one-shot timeout of 25 ms. No descriptor is needed. A kernel
// without IORING_TIMEOUT_MULTISHOT (before Linux 6.4) completes that
// timeout at once with -EINVAL: the program then re-arms a one-shot timeout
// after each expiry instead, as programs did before, and says so.
func iouringTimer(w io.Writer) error {
	u, err := newUring(8)
	if err != nil {
		return err
	}
	defer u.Close()
	ts, err := offheap[iouring.KernelTimespec](u, 2)
	if err != nil {
		return err
	}
	ts[0].Nsec = 10e6
	ts[1].Nsec = 25e6
	u.next().PrepTimeout(&ts[0], 3, iouring.IORING_TIMEOUT_MULTISHOT, 1)
	u.next().PrepTimeout(&ts[1], 0, 0, 2)
	periodic, oneShot, multishot := 0, false, true
	for periodic < 3 || !oneShot {
		cqes, err := u.reap()
		if err != nil {
			return err
		}
		for _, c := range cqes {
			if c.UserData == 1 && c.Res == -int32(unix.EINVAL) && multishot && periodic == 0 {
				multishot = false
				fmt.Fprintln(w, "timeout 1: IORING_TIMEOUT_MULTISHOT: EINVAL (a kernel before 6.4): re-armed as a one-shot timeout after each expiry")
				u.next().PrepTimeout(&ts[0], 0, 0, 1)
				continue
			}
			if c.Res != -int32(unix.ETIME) {
				return fmt.Errorf("timeout %d: res %d; want -ETIME", c.UserData, c.Res)
			}
			switch c.UserData {
			case 1:
				periodic++
				fmt.Fprintf(w, "timeout 1: expiry %d of 3 (IORING_CQE_F_MORE: %v)\n", periodic, c.Flags&iouring.IORING_CQE_F_MORE != 0)
				if !multishot && periodic < 3 {
					u.next().PrepTimeout(&ts[0], 0, 0, 1)
				}
			case 2:
				oneShot = true
				fmt.Fprintln(w, "timeout 2: the one-shot timeout fired")
			}
		}
	}
	return nil
}

// iouringUser sends a user event from one ring to another with
// IORING_OP_MSG_RING: the target ring gets a CQE with the user_data and res
// the sender chose. A kernel without MSG_RING (before 5.18) gets a NOP with
// user_data on the same ring instead, and the program says so.
func iouringUser(w io.Writer) error {
	a, err := newUring(4)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := newUring(4)
	if err != nil {
		return err
	}
	defer b.Close()
	var probe iouring.Probe
	if err := a.Probe(&probe); err != nil {
		return err
	}
	if !probe.Supports(iouring.IORING_OP_MSG_RING) {
		fmt.Fprintln(w, "this kernel lacks IORING_OP_MSG_RING: a NOP with user_data 7 stands in for the user event")
		a.next().PrepNop(0, 7)
		c, err := a.one(7)
		fmt.Fprintf(w, "ring A got user_data %d\n", c.UserData)
		return err
	}
	const token, value = 7, 42
	a.next().PrepMsgRing(int32(b.Fd), value, token, 0, 1)
	if _, err := a.wait("msg_ring", 1); err != nil {
		return err
	}
	fmt.Fprintln(w, "ring A: IORING_OP_MSG_RING sent")
	c, err := b.one(token)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "ring B: user event with user_data %d, res %d\n", c.UserData, c.Res)
	return nil
}

// iouringFile reads a file at an offset into a buffer the kernel may write
// until the completion: memory outside the Go heap.
func iouringFile(w io.Writer) error {
	u, err := newUring(4)
	if err != nil {
		return err
	}
	defer u.Close()
	f, err := os.CreateTemp("", "iouring-file")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.WriteString("skip: a file read through io_uring\n"); err != nil {
		return err
	}
	buf, err := offheap[byte](u, 4096)
	if err != nil {
		return err
	}
	u.next().PrepRead(int32(f.Fd()), buf, 6, 0, 1)
	n, err := u.wait("read", 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "IORING_OP_READ at offset 6: %d bytes, %q\n", n, buf[:n])
	return nil
}

// iouringStale shows the stale-completion problem and its fix. One reap
// returns a batch of completions; handling one may close an object whose
// completion comes later in the same batch, or is still in flight. The
// user_data is an integer token, a slot index and the slot's generation; a
// slot's generation changes whenever it is reused. Closing an object also
// cancels its requests still in flight (IORING_OP_ASYNC_CANCEL), and any
// completion whose generation is not the slot's is stale and skipped.
func iouringStale(w io.Writer) error {
	u, err := newUring(8)
	if err != nil {
		return err
	}
	defer u.Close()
	type slot struct {
		rd, wr int
		gen    uint32
	}
	slots := make([]slot, 2)
	defer func() {
		for _, s := range slots {
			unix.Close(s.rd)
			unix.Close(s.wr)
		}
	}()
	token := func(i int) uint64 { return uint64(slots[i].gen)<<32 | uint64(i) }
	// open puts a new pipe in slot i, with the next generation, and polls its read end.
	open := func(i int) error {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			return err
		}
		slots[i] = slot{rd: p[0], wr: p[1], gen: slots[i].gen + 1}
		u.next().PrepPollAdd(int32(p[0]), iouring.POLLIN, 0, token(i))
		return nil
	}
	for i := range slots {
		if err := open(i); err != nil {
			return err
		}
	}
	u.Submit()
	// Both objects become ready: one reap holds a completion for each.
	for _, s := range slots {
		unix.Write(s.wr, []byte("x"))
	}
	var batch []iouring.Cqe
	for len(batch) < len(slots) {
		cqes, err := u.reap()
		if err != nil {
			return err
		}
		batch = append(batch, cqes...)
	}
	handled, stale := 0, 0
	const cancelTag = 1 << 63
	var cancelled uint64 // the user_data of the cancel
	for _, c := range batch {
		i, gen := int(uint32(c.UserData)), uint32(c.UserData>>32)
		if slots[i].gen != gen {
			fmt.Fprintf(w, "completion for slot %d generation %d is stale (the slot is at generation %d): skipped\n", i, gen, slots[i].gen)
			stale++
			continue
		}
		fmt.Fprintf(w, "completion for slot %d generation %d (fd %d): handled\n", i, gen, slots[i].rd)
		handled++
		if handled == 1 {
			// Handling this completion closes the other object: cancel its
			// requests in flight, close it, and reuse its slot at once.
			j := 1 - i
			cancelled = cancelTag | token(j)
			u.next().PrepAsyncCancel(token(j), 0, cancelled)
			unix.Close(slots[j].rd)
			unix.Close(slots[j].wr)
			old := slots[j].rd
			if err := open(j); err != nil {
				return err
			}
			fmt.Fprintf(w, "closed slot %d (fd %d), cancelled its poll, reused it: generation %d, fd %d\n", j, old, slots[j].gen, slots[j].rd)
		}
	}
	// The cancel finds nothing: the closed object's completion was already
	// in the batch. Had it been in flight, it would come back -ECANCELED
	// with the old generation, and be skipped the same way.
	c, err := u.one(cancelled)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "async cancel of the closed object's poll: %v\n", unix.Errno(-c.Res))
	fmt.Fprintf(w, "%d completion handled, %d stale completion skipped\n", handled, stale)
	return nil
}

// iouringEcho is a small TCP echo server: one multishot accept takes every
// connection, one multishot recv per connection fills buffers from a buffer
// ring, and each buffer goes back to the ring once its echo is sent. Two
// clients each send a message and read the echo.
func iouringEcho(w io.Writer) error {
	u, err := newUring(64)
	if err != nil {
		return err
	}
	defer u.Close()
	ln, port, err := listen()
	if err != nil {
		return err
	}
	defer unix.Close(ln)
	const (
		nbufs, bufSize, group = 16, 256, 1
		kAccept, kRecv, kSend = 1, 2, 3
	)
	br, err := u.RegisterBufRing(nbufs, group, 0)
	if err != nil {
		return fmt.Errorf("register buffer ring: %w", err)
	}
	defer br.Unregister()
	pool, err := offheap[byte](u, nbufs*bufSize)
	if err != nil {
		return err
	}
	buffer := func(id uint16) []byte { return pool[int(id)*bufSize : int(id+1)*bufSize] }
	for i := 0; i < nbufs; i++ {
		br.Add(buffer(uint16(i)), uint16(i), i)
	}
	br.Advance(nbufs)
	// user_data: the kind of request, the connection's descriptor, and for
	// a send the buffer it sends from.
	tok := func(kind, fd int, bid uint16) uint64 { return uint64(kind)<<56 | uint64(bid)<<32 | uint64(uint32(fd)) }
	recv := func(fd int) {
		s := u.next()
		s.PrepRecv(int32(fd), nil, 0, iouring.IORING_RECV_MULTISHOT, tok(kRecv, fd, 0))
		s.Flags |= iouring.IOSQE_BUFFER_SELECT
		s.SetBufGroup(group)
	}
	u.next().PrepAccept(int32(ln), nil, nil, unix.SOCK_CLOEXEC, iouring.IORING_ACCEPT_MULTISHOT, tok(kAccept, ln, 0))

	const clients = 2
	var wg sync.WaitGroup
	echoes := make([]string, clients)
	errs := make([]error, clients)
	for i := 0; i < clients; i++ {
		i := i // each goroutine its own i (the module declares Go 1.21)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), waitLimit)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			msg := fmt.Sprintf("message %d", i)
			c.Write([]byte(msg))
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil {
				errs[i] = err
				return
			}
			echoes[i] = string(got)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	served := 0
	for served < clients {
		cqes, err := u.reap()
		if err != nil {
			return err
		}
		for _, c := range cqes {
			kind, fd, bid := int(c.UserData>>56), int(uint32(c.UserData)), uint16(c.UserData>>32)
			switch {
			case kind == kAccept && c.Res >= 0:
				fmt.Fprintln(w, "multishot accept: a connection")
				recv(int(c.Res))
			case kind == kAccept:
				return fmt.Errorf("accept: %v", unix.Errno(-c.Res))
			case kind == kRecv && c.Res > 0:
				id := c.BufferID()
				fmt.Fprintf(w, "multishot recv: %q in buffer %d\n", buffer(id)[:c.Res], id)
				u.next().PrepSend(int32(fd), buffer(id)[:c.Res], 0, 0, tok(kSend, fd, id))
				if c.Flags&iouring.IORING_CQE_F_MORE == 0 {
					recv(fd) // the multishot recv ended (no buffer left): re-arm it
				}
			case kind == kRecv && c.Res == 0:
				unix.Close(fd)
				served++
			case kind == kRecv && c.Res == -int32(unix.ENOBUFS):
				recv(fd)
			case kind == kRecv:
				return fmt.Errorf("recv: %v", unix.Errno(-c.Res))
			case kind == kSend:
				fmt.Fprintf(w, "echo %q sent\n", buffer(bid)[:max(c.Res, 0)])
				br.Add(buffer(bid), bid, 0) // the buffer goes back to the ring
				br.Advance(1)
			}
		}
	}
	<-done
	for i := 0; i < clients; i++ {
		if errs[i] != nil {
			return fmt.Errorf("client %d: %w", i, errs[i])
		}
		fmt.Fprintf(w, "client %d got its echo: %q\n", i, echoes[i])
	}
	fmt.Fprintf(w, "%d clients served\n", served)
	return nil
}
