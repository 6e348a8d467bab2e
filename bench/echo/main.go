//go:build linux

// Command echo answers the question an event-loop author asks first: on this
// machine, is an io_uring echo server faster than an epoll one? It runs a
// TCP echo server over loopback, one with epoll and one with io_uring (both
// this module's, each on one locked OS thread, the way a thread-per-core
// loop runs), drives each with the same clients (64 connections, each
// sending a message and waiting for its echo, over and over), and prints
// round trips per second and the 50th and 99th percentile latency.
//
//	go run ./bench/echo [-conns 64] [-sizes 64,4096] [-time 3s]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eventq/eventq/epoll"
	"github.com/eventq/eventq/iouring"
	"golang.org/x/sys/unix"
)

func main() {
	conns := flag.Int("conns", 64, "client connections")
	sizes := flag.String("sizes", "64,4096", "message sizes in bytes")
	dur := flag.Duration("time", 3*time.Second, "time per server and size")
	flag.Parse()
	fmt.Printf("echo over loopback TCP, %d connections, %v per run, GOMAXPROCS %d, %d CPUs\n\n",
		*conns, *dur, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Printf("| server | message | round trips/s | p50 | p99 |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, s := range strings.Split(*sizes, ",") {
		size, err := strconv.Atoi(s)
		if err != nil || size <= 0 || size > 65536 {
			fmt.Fprintf(os.Stderr, "bad size %q\n", s)
			os.Exit(2)
		}
		for _, srv := range []struct {
			name string
			run  func(ln int, stop *atomic.Bool) error
		}{{"epoll", epollServer}, {"io_uring", uringServer}} {
			r, err := measure(srv.run, *conns, size, *dur)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s, %d bytes: %v\n", srv.name, size, err)
				os.Exit(1)
			}
			fmt.Printf("| %s | %d B | %.0f | %v | %v |\n", srv.name, size, r.rate, r.p50, r.p99)
		}
	}
}

type result struct {
	rate     float64
	p50, p99 time.Duration
}

// measure starts a server on a listening socket and runs the clients against it.
func measure(server func(ln int, stop *atomic.Bool) error, conns, size int, dur time.Duration) (result, error) {
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return result{}, err
	}
	unix.SetsockoptInt(ln, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return result{}, err
	}
	if err := unix.Listen(ln, 1024); err != nil {
		return result{}, err
	}
	sa, _ := unix.Getsockname(ln)
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	var stop atomic.Bool
	serr := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		serr <- server(ln, &stop)
	}()
	defer func() {
		stop.Store(true)
		// Wake the server with one more connection, so that it sees stop.
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
		}
		<-serr
		unix.Close(ln)
	}()

	var wg sync.WaitGroup
	lat := make([][]time.Duration, conns)
	errs := make([]error, conns)
	start := make(chan struct{})
	var deadline time.Time
	for i := 0; i < conns; i++ {
		i := i // each goroutine its own i (the module declares Go 1.21)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			msg, got := make([]byte, size), make([]byte, size)
			for j := range msg {
				msg[j] = byte(i + j)
			}
			<-start
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if _, err := c.Write(msg); err != nil {
					errs[i] = err
					return
				}
				if _, err := io.ReadFull(c, got); err != nil {
					errs[i] = err
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}()
	}
	// Every client is connected: run for dur.
	t0 := time.Now()
	deadline = t0.Add(dur)
	close(start)
	wg.Wait()
	elapsed := time.Since(t0)
	var all []time.Duration
	for i := 0; i < conns; i++ {
		if errs[i] != nil {
			return result{}, fmt.Errorf("client %d: %w", i, errs[i])
		}
		all = append(all, lat[i]...)
	}
	if len(all) == 0 {
		return result{}, errors.New("no round trip completed")
	}
	slices.Sort(all)
	return result{
		rate: float64(len(all)) / elapsed.Seconds(),
		p50:  all[len(all)/2].Round(time.Microsecond),
		p99:  all[len(all)*99/100].Round(time.Microsecond),
	}, nil
}

// epollServer echoes with epoll: level-triggered, non-blocking sockets,
// read whatever arrived and write it straight back.
func epollServer(ln int, stop *atomic.Bool) error {
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)
	if err := epoll.EpollCtl(ep, epoll.EPOLL_CTL_ADD, ln, epoll.EventFd(epoll.EPOLLIN, ln)); err != nil {
		return err
	}
	buf := make([]byte, 65536)
	events := make([]epoll.EpollEvent, 128)
	conns := map[int]bool{}
	defer func() {
		for fd := range conns {
			unix.Close(fd)
		}
	}()
	for !stop.Load() {
		n, err := epoll.EpollWait(ep, events, 100)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		for _, ev := range events[:n] {
			fd := ev.Fd()
			if fd == ln {
				c, _, err := unix.Accept4(ln, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
				if err != nil {
					continue
				}
				unix.SetsockoptInt(c, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
				conns[c] = true
				epoll.EpollCtl(ep, epoll.EPOLL_CTL_ADD, c, epoll.EventFd(epoll.EPOLLIN, c))
				continue
			}
			m, err := unix.Read(fd, buf)
			if m <= 0 {
				if err != unix.EAGAIN {
					unix.Close(fd)
					delete(conns, fd)
				}
				continue
			}
			// Loopback writes of a message this small do not block.
			for off := 0; off < m; {
				w, err := unix.Write(fd, buf[off:m])
				if err == unix.EAGAIN {
					continue
				}
				if err != nil {
					break
				}
				off += w
			}
		}
	}
	return nil
}

// uringServer echoes with io_uring: a multishot accept, then per connection
// a recv into its own off-heap buffer, a send of what arrived, and the next
// recv. The user_data is the kind of request and the connection's slot.
func uringServer(ln int, stop *atomic.Bool) error {
	r, err := iouring.Setup(512, &iouring.Params{Flags: iouring.IORING_SETUP_SINGLE_ISSUER | iouring.IORING_SETUP_DEFER_TASKRUN})
	if err != nil {
		return err
	}
	defer r.Close()
	const maxConns, bufSize = 1024, 65536
	mem, err := iouring.Alloc[byte](maxConns * bufSize)
	if err != nil {
		return err
	}
	defer iouring.Free(mem)
	ts, err := iouring.Alloc[iouring.KernelTimespec](1)
	if err != nil {
		return err
	}
	defer iouring.Free(ts)
	arg, err := iouring.Alloc[iouring.GeteventsArg](1)
	if err != nil {
		return err
	}
	defer iouring.Free(arg)
	ts[0].Nsec = 100e6
	arg[0].Ts = uint64(uintptrOf(&ts[0]))

	const kAccept, kRecv, kSend = 1, 2, 3
	fds := make([]int, 0, maxConns)
	pending := make([][2]int32, maxConns) // per slot: bytes sent, bytes to send
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	bufOf := func(slot int) []byte { return mem[slot*bufSize : (slot+1)*bufSize] }
	sqe := func() *iouring.Sqe {
		s := r.NextSqe()
		for s == nil {
			r.Submit()
			s = r.NextSqe()
		}
		return s
	}
	ud := func(kind, slot int) uint64 { return uint64(kind)<<32 | uint64(slot) }
	sqe().PrepAccept(int32(ln), nil, nil, unix.SOCK_CLOEXEC, iouring.IORING_ACCEPT_MULTISHOT, ud(kAccept, 0))
	for !stop.Load() {
		n := r.Flush()
		_, err := iouring.IoUringEnterArg(r.Fd, n, 1, iouring.IORING_ENTER_GETEVENTS|iouring.IORING_ENTER_EXT_ARG, &arg[0])
		if err != nil && err != unix.EINTR && err != unix.ETIME {
			return err
		}
		for c := r.PeekCqe(); c != nil; c = r.PeekCqe() {
			kind, slot, res := int(c.UserData>>32), int(uint32(c.UserData)), c.Res
			more := c.Flags&iouring.IORING_CQE_F_MORE != 0
			r.CqAdvance(1)
			switch kind {
			case kAccept:
				if res >= 0 && len(fds) < maxConns {
					unix.SetsockoptInt(int(res), unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
					fds = append(fds, int(res))
					s := len(fds) - 1
					sqe().PrepRecv(int32(res), bufOf(s), 0, 0, ud(kRecv, s))
				}
				if !more {
					sqe().PrepAccept(int32(ln), nil, nil, unix.SOCK_CLOEXEC, iouring.IORING_ACCEPT_MULTISHOT, ud(kAccept, 0))
				}
			case kRecv:
				if res <= 0 {
					continue // the client closed; the descriptor is closed at the end
				}
				pending[slot] = [2]int32{0, res}
				sqe().PrepSend(int32(fds[slot]), bufOf(slot)[:res], 0, 0, ud(kSend, slot))
			case kSend:
				if res < 0 {
					continue
				}
				p := &pending[slot]
				if p[0] += res; p[0] < p[1] { // a short send: send the rest
					sqe().PrepSend(int32(fds[slot]), bufOf(slot)[p[0]:p[1]], 0, 0, ud(kSend, slot))
					continue
				}
				sqe().PrepRecv(int32(fds[slot]), bufOf(slot), 0, 0, ud(kRecv, slot))
			}
		}
	}
	return nil
}
