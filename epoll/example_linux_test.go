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
