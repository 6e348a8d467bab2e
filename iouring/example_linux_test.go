package iouring_test

import (
	"fmt"
	"log"
	"os"
	"runtime"

	"github.com/eventq/eventq/iouring"
	"golang.org/x/sys/unix"
)

// wait submits what the ring holds and waits for one completion, looping
// on the EINTR that Go's preemption signal causes.
func wait(r *iouring.Ring) iouring.Cqe {
	for {
		if c := r.PeekCqe(); c != nil {
			cqe := *c
			r.CqAdvance(1)
			return cqe
		}
		if _, err := r.SubmitAndWait(1); err != nil && err != unix.EINTR {
			log.Fatal(err)
		}
	}
}

// A read into memory outside the Go heap: the kernel may write it until the
// completion arrives, and nothing moves or frees it meanwhile. The
// user_data is an integer token, never a pointer.
func Example_read() {
	r, err := iouring.Setup(8, nil)
	if err != nil {
		log.Fatal(err) // ENOSYS or EPERM where io_uring is not available
	}
	defer r.Close()
	f, err := os.CreateTemp("", "iouring-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	f.WriteString("hello, io_uring")

	buf, err := iouring.Alloc[byte](4096)
	if err != nil {
		log.Fatal(err)
	}
	defer iouring.Free(buf) // when the example returns, after the completion

	const token = 1
	r.NextSqe().PrepRead(int32(f.Fd()), buf[:64], 7, 0, token)
	cqe := wait(r)
	if cqe.Res < 0 {
		log.Fatal(unix.Errno(-cqe.Res))
	}
	fmt.Printf("token %d: %q\n", cqe.UserData, buf[:cqe.Res])
	// Output: token 1: "io_uring"
}

// Go memory the kernel holds must be pinned from the submission until the
// completion: a runtime.Pinner does it, and Unpin comes after the CQE.
func Example_pinned() {
	r, err := iouring.Setup(8, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		log.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])

	buf := make([]byte, 16) // on the Go heap
	var pin runtime.Pinner
	pin.Pin(&buf[0])
	r.NextSqe().PrepRead(int32(p[0]), buf, ^uint64(0), 0, 2)
	if _, err := r.Submit(); err != nil {
		log.Fatal(err)
	}
	unix.Write(p[1], []byte("pinned"))
	cqe := wait(r)
	pin.Unpin() // the kernel is done with buf
	fmt.Printf("token %d: %q\n", cqe.UserData, buf[:cqe.Res])
	// Output: token 2: "pinned"
}

// A timeout linked after a request cancels it when it takes too long. The
// timespec is read at submission, but lives off the heap too, as everything
// an SQE points to should.
func Example_linkTimeout() {
	r, err := iouring.Setup(8, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	var p [2]int
	unix.Pipe2(p[:], unix.O_CLOEXEC)
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	mem, _ := iouring.Alloc[byte](64)
	defer iouring.Free(mem)
	ts, _ := iouring.Alloc[iouring.KernelTimespec](1)
	defer iouring.Free(ts)
	ts[0].Nsec = 20e6 // 20 ms

	read := r.NextSqe()
	read.PrepRead(int32(p[0]), mem, ^uint64(0), 0, 10)
	read.Flags |= iouring.IOSQE_IO_LINK
	r.NextSqe().PrepLinkTimeout(&ts[0], 0, 11)
	for iter := 0; iter < 2; iter++ {
		c := wait(r)
		fmt.Printf("token %d: %v\n", c.UserData, unix.Errno(-c.Res))
	}
	// Unordered output:
	// token 10: operation canceled
	// token 11: timer expired
}
