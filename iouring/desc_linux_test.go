package iouring

import (
	"os"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/eventq/eventq/desc"
	"github.com/google/go-cmp/cmp"
)

// The JSON file, with this target's values picked out, is the Go data.
func TestDescriptionJSON(t *testing.T) {
	b, err := os.ReadFile("zdesc_generated_linux.json")
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := desc.FromJSON(b, runtime.GOOS+"/"+runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Description(), fromJSON); diff != "" {
		t.Errorf("Description() and zdesc_generated_linux.json differ (-Go +JSON):\n%s", diff)
	}
}

// The description names the four calls and, for every opcode, a setter and
// the SQE fields it sets: each a field of Sqe or a view with a Set method,
// and every setter is a method of Sqe.
func TestDescriptionSetters(t *testing.T) {
	d := Description()
	var calls []string
	for _, c := range d.Calls {
		calls = append(calls, c.Name)
	}
	if want := []string{"IoUringSetup", "IoUringEnter", "IoUringEnterArg", "IoUringRegister"}; !slices.Equal(calls, want) {
		t.Errorf("calls %v; want %v", calls, want)
	}
	sqe := reflect.TypeOf(&Sqe{})
	byOp := map[string][]string{}
	for _, s := range d.Setters {
		if _, ok := sqe.MethodByName(s.Name); !ok || s.Struct != "Sqe" {
			t.Errorf("setter %s.%s is not a method of *Sqe", s.Struct, s.Name)
		}
		var params []string
		for _, set := range s.Sets {
			_, isField := sqe.Elem().FieldByName(set.Field)
			_, isView := sqe.MethodByName("Set" + set.Field)
			if !isField && !isView {
				t.Errorf("%s sets %s, neither a field nor a view of Sqe", s.Name, set.Field)
			}
			if set.Field == "Opcode" {
				byOp[set.Value] = append(byOp[set.Value], s.Name)
			}
			if set.Param != "" {
				params = append(params, set.Param)
			}
		}
		m, _ := sqe.MethodByName(s.Name)
		if got := m.Type.NumIn() - 1; got != len(params) || params[len(params)-1] != "userData" {
			t.Errorf("%s: %d parameters, described %v; want the same, user_data last", s.Name, got, params)
		}
	}
	for _, op := range OpValues() {
		if len(byOp[op.Name]) == 0 {
			t.Errorf("no setter for %s", op.Name)
		}
	}
	if len(byOp) != len(OpValues()) {
		t.Errorf("setters for %d opcodes; the package has %d", len(byOp), len(OpValues()))
	}
}
