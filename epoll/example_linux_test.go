package epoll_test

import (
	"fmt"
	"log"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

// Register an eventfd with an integer token in the event's data, signal it,
// and receive the event.
func ExampleEpollWait() {
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(ep)
	efd, err := epoll.Eventfd(0, epoll.EFD_NONBLOCK)
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(efd)

	// 42 is a token naming the object, never a Go pointer.
	if err := epoll.EpollCtl(ep, epoll.EPOLL_CTL_ADD, efd, epoll.EventU64(epoll.EPOLLIN|epoll.EPOLLET, 42)); err != nil {
		log.Fatal(err)
	}
	if err := epoll.EventfdWrite(efd, 7); err != nil {
		log.Fatal(err)
	}

	events := make([]epoll.EpollEvent, 8)
	n, err := epoll.EpollWait(ep, events, -1)
	for err == unix.EINTR { // a blocking wait may be interrupted: loop
		n, err = epoll.EpollWait(ep, events, -1)
	}
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range events[:n] {
		v, _ := epoll.EventfdRead(efd)
		fmt.Println(e.Events, e.U64(), v)
	}
	// Output: EPOLLIN 42 7
}

func ExampleEvents_String() {
	fmt.Println(epoll.EPOLLIN | epoll.EPOLLRDHUP | epoll.EPOLLET)
	fmt.Println(epoll.EPOLLIN | epoll.Events(1<<22))
	// Output:
	// EPOLLIN|EPOLLRDHUP|EPOLLET
	// EPOLLIN|0x400000
}

func ExampleSigset() {
	var set epoll.Sigset
	set.Add(unix.SIGUSR1)
	set.Add(unix.SIGTERM)
	fmt.Println(set.IsMember(unix.SIGUSR1), set.IsMember(unix.SIGINT))
	// Output: true false
}

// Name each registered object by an index into a table of Go objects, never
// by a pointer in the event data: the table keeps the objects reachable,
// and the event carries only the index.
func Example_objectTable() {
	type conn struct {
		name string
		fd   int
	}
	var table []*conn // the index is the token
	register := func(ep int, c *conn) error {
		table = append(table, c)
		return epoll.EpollCtl(ep, epoll.EPOLL_CTL_ADD, c.fd, epoll.EventU64(epoll.EPOLLIN, uint64(len(table)-1)))
	}

	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		log.Fatal(err)
	}
	defer unix.Close(ep)
	for _, name := range []string{"first", "second"} {
		efd, err := epoll.Eventfd(0, epoll.EFD_NONBLOCK)
		if err != nil {
			log.Fatal(err)
		}
		defer unix.Close(efd)
		if err := register(ep, &conn{name: name, fd: efd}); err != nil {
			log.Fatal(err)
		}
	}
	if err := epoll.EventfdWrite(table[1].fd, 1); err != nil {
		log.Fatal(err)
	}

	events := make([]epoll.EpollEvent, 4)
	n, err := epoll.EpollWait(ep, events, 1000)
	for err == unix.EINTR {
		n, err = epoll.EpollWait(ep, events, 1000)
	}
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range events[:n] {
		c := table[e.U64()]
		fmt.Println(c.name, e.Events)
	}
	// Output: second EPOLLIN
}
