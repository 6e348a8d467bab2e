package seed

import (
	"fmt"
	"io"

	"github.com/eventq/eventq/epoll"
	"golang.org/x/sys/unix"
)

// epollStale shows the stale-event problem and its fix. One epoll_wait
// returns a batch of events; handling one of them may close an object whose
// event comes later in the same batch. If the event's data were a pointer,
// that would be a use after free (and Go's garbage collector does not see
// pointers the kernel holds); if it were the bare descriptor number, the
// number may already belong to a new object. The fix: the data is an integer
// token, a slot index and the slot's generation, and a slot's generation
// changes whenever the slot is reused. An event whose generation is not the
// slot's current one is stale and is skipped.
func epollStale(w io.Writer) error {
	ep, err := epoll.EpollCreate1(0)
	if err != nil {
		return err
	}
	defer unix.Close(ep)

	type slot struct {
		fd  int
		gen uint32
	}
	slots := make([]slot, 2)
	defer func() {
		for _, s := range slots {
			unix.Close(s.fd)
		}
	}()
	token := func(i int) uint64 { return uint64(slots[i].gen)<<32 | uint64(i) }
	// open puts a new eventfd with counter initval in slot i, with the next generation.
	open := func(i int, initval uint32) error {
		fd, err := epoll.Eventfd(initval, epoll.EFD_NONBLOCK)
		if err != nil {
			return err
		}
		slots[i].fd, slots[i].gen = fd, slots[i].gen+1
		return register(ep, fd, epoll.EPOLLIN, token(i))
	}
	// Two objects, both ready: one batch holds an event for each.
	for i := range slots {
		if err := open(i, 1); err != nil {
			return err
		}
	}
	events := make([]epoll.EpollEvent, len(slots))
	n, err := wait(ep, events)
	if err != nil {
		return err
	}
	if n != len(slots) {
		return fmt.Errorf("got %d events in the batch; want %d", n, len(slots))
	}
	handled, stale := 0, 0
	for _, ev := range events[:n] {
		i, gen := int(uint32(ev.U64())), uint32(ev.U64()>>32)
		if slots[i].gen != gen {
			fmt.Fprintf(w, "event for slot %d generation %d is stale (the slot is at generation %d): skipped\n", i, gen, slots[i].gen)
			stale++
			continue
		}
		fmt.Fprintf(w, "event for slot %d generation %d (fd %d): handled\n", i, gen, slots[i].fd)
		if _, err := epoll.EventfdRead(slots[i].fd); err != nil {
			return err
		}
		handled++
		if handled == 1 {
			// Handling this event closes the other object, and its slot is
			// reused at once, as a busy server would.
			j := 1 - i
			oldFd := slots[j].fd
			unix.Close(oldFd)
			if err := open(j, 0); err != nil {
				return err
			}
			fmt.Fprintf(w, "closed slot %d (fd %d) and reused it: generation %d, fd %d\n", j, oldFd, slots[j].gen, slots[j].fd)
		}
	}
	fmt.Fprintf(w, "%d event handled, %d stale event skipped\n", handled, stale)
	return nil
}
