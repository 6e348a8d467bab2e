package epoll

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/eventq/eventq/desc"
	"github.com/eventq/eventq/internal/named"
	"github.com/google/go-cmp/cmp"
)

// The JSON file, with this target's values picked out, is the Go data.
func TestDescriptionJSON(t *testing.T) {
	b, err := os.ReadFile("zdesc_generated_linux.json")
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON desc.Package
	if err := json.Unmarshal(b, &fromJSON); err != nil {
		t.Fatal(err)
	}
	target := runtime.GOOS + "/" + runtime.GOARCH
	for i := range fromJSON.Types {
		for j := range fromJSON.Types[i].Values {
			v := &fromJSON.Types[i].Values[j]
			if n, ok := v.ByTarget[target]; ok {
				v.Value = n
			}
			v.ByTarget = nil
		}
	}
	if diff := cmp.Diff(Description(), fromJSON); diff != "" {
		t.Errorf("Description() and zdesc_generated_linux.json differ (-Go +JSON):\n%s", diff)
	}
}

// Every generated function is described, and every type's values are the
// package's own value list.
func TestDescriptionComplete(t *testing.T) {
	d := Description()
	f, err := parser.ParseFile(token.NewFileSet(), "zsyscall_generated_linux.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var funcs, described []string
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Name.IsExported() {
			funcs = append(funcs, fn.Name.Name)
		}
	}
	for _, c := range d.Calls {
		described = append(described, c.Name)
		for _, a := range append(slices.Clone(c.Args), c.Results...) {
			if a.Kind == "" || (a.Kind == "fd") != (a.FD != "") {
				t.Errorf("%s: argument %s has kind %q and fd %q", c.Name, a.Name, a.Kind, a.FD)
			}
		}
	}
	slices.Sort(funcs)
	slices.Sort(described)
	if diff := cmp.Diff(funcs, described); diff != "" {
		t.Errorf("generated functions vs described calls (-funcs +described):\n%s", diff)
	}
	values := map[string][]desc.Value{
		"Events":     valuesOf(EventsValues()),
		"CtlOp":      valuesOf(CtlOpValues()),
		"ClockID":    valuesOf(ClockIDValues()),
		"SigmaskHow": valuesOf(SigmaskHowValues()),
	}
	for _, typ := range d.Types {
		if want, ok := values[typ.Name]; ok {
			if diff := cmp.Diff(want, typ.Values); diff != "" {
				t.Errorf("%s values (-package +description):\n%s", typ.Name, diff)
			}
			delete(values, typ.Name)
		}
	}
	if len(values) > 0 {
		t.Errorf("types not described: %v", values)
	}
}

func valuesOf[T named.Integer](values []Named[T]) []desc.Value {
	var out []desc.Value
	for _, n := range values {
		out = append(out, desc.Value{Name: n.Name, Value: int64(n.Value)})
	}
	return out
}
