package aio

import (
	"testing"

	"github.com/eventq/eventq/internal/desctest"
	"github.com/google/go-cmp/cmp"
)

// The JSON file, with this target's values picked out, is the Go data.
func TestDescriptionJSON(t *testing.T) {
	desctest.MatchesJSON(t, Description(), "zdesc_generated_linux.json")
}

// The description names the four calls and, for every opcode, a setter and

// The description names every call of the Linux spec, and every type.
func TestDescriptionLinux(t *testing.T) {
	d := Description()
	var calls, types []string
	for _, c := range d.Calls {
		calls = append(calls, c.Name)
	}
	for _, ty := range d.Types {
		types = append(types, ty.Name)
	}
	want := []string{"IoSetup", "IoDestroy", "IoSubmit", "IoCancel", "IoGetevents", "IoPgetevents"}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"IocbCmd", "IocbFlags", "RWFlags"}, types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
}
