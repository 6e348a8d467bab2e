package epoll

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestString(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{EPOLLIN, "EPOLLIN"},
		{EPOLLIN | EPOLLOUT | EPOLLET, "EPOLLIN|EPOLLOUT|EPOLLET"},
		{EPOLLET, "EPOLLET"}, // bit 31 of an unsigned type: never negative
		{EPOLLIN | Events(1<<20), "EPOLLIN|0x100000"},
		{Events(1<<20 | 1<<21), "0x300000"},
		{Events(0), "0"},
		{EPOLL_CTL_MOD, "EPOLL_CTL_MOD"},
		{CtlOp(0), "CtlOp(0)"},
		{CtlOp(-3), "CtlOp(-3)"},
		{EFD_SEMAPHORE | EFD_CLOEXEC, "EFD_SEMAPHORE|EFD_CLOEXEC"},
		{EventfdFlags(-1 << 31), "0x80000000"}, // signed: shown in the type's width
		{TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, "TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET"},
		{CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
		{ClockID(42), "ClockID(42)"},
		{SIG_SETMASK, "SIG_SETMASK"},
		{SFD_NONBLOCK | SFD_CLOEXEC, "SFD_NONBLOCK|SFD_CLOEXEC"},
		{TFD_NONBLOCK, "TFD_NONBLOCK"},
		{EPOLL_CLOEXEC, "EPOLL_CLOEXEC"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T(%#x).String() = %q; want %q", tt.v, tt.v, got, tt.want)
		}
	}
}

// Every named value prints as its own name, and the lists are copies.
func TestValueLists(t *testing.T) {
	var names []string
	for _, n := range EventsValues() {
		names = append(names, n.Name)
	}
	want := []string{"EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLNVAL",
		"EPOLLRDNORM", "EPOLLRDBAND", "EPOLLWRNORM", "EPOLLWRBAND", "EPOLLMSG", "EPOLLRDHUP",
		"EPOLL_URING_WAKE", "EPOLLEXCLUSIVE", "EPOLLWAKEUP", "EPOLLONESHOT", "EPOLLET"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("EventsValues names (-want +got):\n%s", diff)
	}
	checkNames(t, EventsValues())
	checkNames(t, CreateFlagsValues())
	checkNames(t, CtlOpValues())
	checkNames(t, EventfdFlagsValues())
	checkNames(t, TimerfdFlagsValues())
	checkNames(t, TimerfdSettimeFlagsValues())
	checkNames(t, SignalfdFlagsValues())
	checkNames(t, ClockIDValues())
	checkNames(t, SigmaskHowValues())
	checkNames(t, IoctlReqValues())

	v := CtlOpValues()
	v[0].Name = "changed"
	if CtlOpValues()[0].Name != "EPOLL_CTL_ADD" {
		t.Error("CtlOpValues returned the package's own table")
	}
}

func checkNames[T fmt.Stringer](t *testing.T, values []Named[T]) {
	t.Helper()
	if len(values) == 0 {
		t.Errorf("%T: no values", values)
	}
	for _, n := range values {
		if s := n.Value.String(); s != n.Name {
			t.Errorf("%T value %s prints as %q", n.Value, n.Name, s)
		}
	}
}
