package epoll

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"

	"github.com/eventq/eventq/desc"
	"github.com/eventq/eventq/internal/desctest"
	"github.com/eventq/eventq/internal/named"
	"github.com/google/go-cmp/cmp"
)

// The JSON file, with this target's values picked out, is the Go data.
func TestDescriptionJSON(t *testing.T) {
	desctest.MatchesJSON(t, Description(), "zdesc_generated_linux.json")
}

// Every generated function is described, every generated type is described,
// and each type's values are the package's own value list.
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
	// Every named type the package generates, each with its own value list.
	values := map[string][]desc.Value{
		"CreateFlags":         valuesOf(CreateFlagsValues()),
		"CtlOp":               valuesOf(CtlOpValues()),
		"Events":              valuesOf(EventsValues()),
		"EventfdFlags":        valuesOf(EventfdFlagsValues()),
		"TimerfdFlags":        valuesOf(TimerfdFlagsValues()),
		"TimerfdSettimeFlags": valuesOf(TimerfdSettimeFlagsValues()),
		"SignalfdFlags":       valuesOf(SignalfdFlagsValues()),
		"ClockID":             valuesOf(ClockIDValues()),
		"SigmaskHow":          valuesOf(SigmaskHowValues()),
		"IoctlReq":            valuesOf(IoctlReqValues()),
	}
	declared := namedTypes(t, "zconst_generated_linux.go")
	var listed []string
	for name := range values {
		listed = append(listed, name)
	}
	slices.Sort(listed)
	if diff := cmp.Diff(declared, listed); diff != "" {
		t.Errorf("named types generated vs listed in this test (-generated +listed):\n%s", diff)
	}
	var describedTypes []string
	for _, typ := range d.Types {
		describedTypes = append(describedTypes, typ.Name)
		if diff := cmp.Diff(values[typ.Name], typ.Values); diff != "" {
			t.Errorf("%s values (-package +description):\n%s", typ.Name, diff)
		}
	}
	slices.Sort(describedTypes)
	if diff := cmp.Diff(declared, describedTypes); diff != "" {
		t.Errorf("named types generated vs described (-generated +described):\n%s", diff)
	}
}

// namedTypes returns the types declared in a generated file, sorted, Named excepted.
func namedTypes(t *testing.T, file string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, decl := range f.Decls {
		if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, spec := range g.Specs {
				if name := spec.(*ast.TypeSpec).Name.Name; name != "Named" {
					names = append(names, name)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

func valuesOf[T named.Integer](values []Named[T]) []desc.Value {
	var out []desc.Value
	for _, n := range values {
		out = append(out, desc.Value{Name: n.Name, Value: int64(n.Value)})
	}
	return out
}
