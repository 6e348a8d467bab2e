package iouring

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/eventq/eventq/desc"
	"github.com/eventq/eventq/internal/desctest"
)

// The JSON file, with this target's values picked out, is the Go data.
func TestDescriptionJSON(t *testing.T) {
	desctest.MatchesJSON(t, Description(), "zdesc_generated_linux.json")
}

// The description names the four calls and, for every opcode, a setter and
// the SQE fields it sets: each a field or a view with a Set method of Sqe or
// Sqe128, or one reached through a field (Sqe.Opcode of an Sqe128), and
// every setter is a method of its struct.
func TestDescriptionSetters(t *testing.T) {
	d := Description()
	var calls []string
	for _, c := range d.Calls {
		calls = append(calls, c.Name)
	}
	if want := []string{"IoUringSetup", "IoUringEnter", "IoUringEnterArg", "IoUringRegister"}; !slices.Equal(calls, want) {
		t.Errorf("calls %v; want %v", calls, want)
	}
	structs := map[string]reflect.Type{"Sqe": reflect.TypeOf(&Sqe{}), "Sqe128": reflect.TypeOf(&Sqe128{})}
	// member reports whether path names a field, or a view with its Set
	// method, of the struct ptr points to, through struct fields.
	var member func(ptr reflect.Type, path string) bool
	member = func(ptr reflect.Type, path string) bool {
		head, rest, ok := strings.Cut(path, ".")
		f, isField := ptr.Elem().FieldByName(head)
		if ok {
			return isField && f.Type.Kind() == reflect.Struct && member(reflect.PointerTo(f.Type), rest)
		}
		_, isView := ptr.MethodByName("Set" + path)
		return isField || isView
	}
	byOp := map[string][]string{}
	for _, s := range d.Setters {
		st := structs[s.Struct]
		if st == nil {
			t.Errorf("setter %s.%s: not of Sqe or Sqe128", s.Struct, s.Name)
			continue
		}
		m, ok := st.MethodByName(s.Name)
		if !ok {
			t.Errorf("setter %s.%s is not a method of *%s", s.Struct, s.Name, s.Struct)
			continue
		}
		var params []string
		for _, set := range s.Sets {
			if !member(st, set.Field) {
				t.Errorf("%s sets %s, neither a field nor a view of %s", s.Name, set.Field, s.Struct)
			}
			if strings.TrimPrefix(set.Field, "Sqe.") == "Opcode" {
				byOp[set.Value] = append(byOp[set.Value], s.Name)
			}
			if set.Param != "" {
				params = append(params, set.Param)
			}
		}
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

// io_uring_register's table has a case for every opcode, and each case's
// argument is nil, a Go type, or a struct whose layout the description has.
func TestDescriptionRegisterTable(t *testing.T) {
	d := Description()
	var sw *desc.Switch
	for _, c := range d.Calls {
		if c.Name == "IoUringRegister" {
			sw = c.Switch
		}
	}
	if sw == nil {
		t.Fatal("IoUringRegister has no switch")
	}
	structs := map[string]bool{}
	for _, st := range d.Structs {
		structs[st.Name] = true
	}
	cases := map[string]bool{}
	for _, k := range sw.Cases {
		cases[k.Value] = true
		elem := strings.TrimLeft(k.ArgType, "*[]")
		switch {
		case k.ArgType == "nil", strings.HasPrefix(elem, "unix."), elem == "int32", elem == "uint32", elem == "uint8":
		case !structs[elem]:
			t.Errorf("%s takes %s, whose layout the description lacks", k.Value, k.ArgType)
		}
	}
	for _, v := range RegisterOpValues() {
		if !cases[v.Name] && !slices.Contains(sw.Flags, v.Name) {
			t.Errorf("no case for %s", v.Name)
		}
	}
}
