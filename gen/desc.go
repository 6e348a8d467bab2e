package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/eventq/eventq/desc"
)

// The description of a package for fuzzers and tools (see package desc):
// rendered as Go data, whose constant values are the built target's, and as
// JSON, which lists every target's values.

const descImport = "github.com/eventq/eventq/desc"

func (s *Spec) describe() (*desc.Package, error) {
	d := &desc.Package{Name: s.Package, AsOf: s.AsOf}
	for _, t := range s.Targets {
		d.Targets = append(d.Targets, t.String())
	}
	for _, td := range s.Types {
		dt := desc.Type{Name: td.Name, Kind: td.Kind, Underlying: td.Underlying}
		for _, c := range td.Consts {
			v := desc.Value{Name: c.Name}
			for i, t := range s.Targets {
				str, err := s.resolve(c.Value, t)
				if err != nil {
					return nil, err
				}
				n, err := parseInt(str)
				if err != nil {
					return nil, err
				}
				if i == 0 {
					v.Value = n
				} else if n != v.Value {
					if v.ByTarget == nil {
						v.ByTarget = map[string]int64{}
					}
					v.ByTarget[t.String()] = n
				}
			}
			dt.Values = append(dt.Values, v)
		}
		d.Types = append(d.Types, dt)
	}
	for _, c := range s.Calls {
		dc, err := s.describeCall(c)
		if err != nil {
			return nil, fmt.Errorf("call %s: %v", c.Name, err)
		}
		d.Calls = append(d.Calls, dc)
	}
	return d, nil
}

func (s *Spec) describeCall(c *Call) (desc.Call, error) {
	params, results, sys, err := parseCall(c)
	if err != nil {
		return desc.Call{}, err
	}
	lens := map[string]string{} // slice -> "count" or "bytes"
	for _, a := range sys.Args {
		if call, ok := a.(*ast.CallExpr); ok {
			x := types.ExprString(call.Args[0])
			switch types.ExprString(call.Fun) {
			case "len":
				lens[x] = "count"
			case "sizeof":
				lens[x] = "bytes"
			}
		}
	}
	dc := desc.Call{Name: c.Name, C: c.CProto, Syscall: types.ExprString(sys.Fun), DLL: c.DLL, Cloexec: c.Cloexec,
		Man: c.Man, ManURL: s.manURL(c.Man), Blocks: c.Block}
	if c.Block != "never" && c.Block != "always" {
		dc.Blocks = "unless-zero-timeout"
	}
	for name, kind := range c.FDs {
		if _, ok := find(append(params, results...), name); !ok {
			return dc, fmt.Errorf("fd %s:%s names no parameter or result", name, kind)
		}
	}
	for _, o := range c.Outs {
		if _, ok := find(params, o); !ok {
			return dc, fmt.Errorf("out %s names no parameter", o)
		}
	}
	arg := func(p param, dir string) desc.Arg {
		a := desc.Arg{Name: p.name, GoType: p.typ, Dir: dir, FD: c.FDs[p.name]}
		base := strings.TrimLeft(p.typ, "[]*")
		switch {
		case a.FD != "":
			a.Kind = "fd"
		case strings.HasPrefix(p.typ, "[]"):
			a.Kind, a.Type, a.Len = "slice", base, lens[p.name]
		case strings.HasPrefix(p.typ, "*"):
			a.Kind, a.Type = "pointer", base
		case p.typ == "bool":
			a.Kind = "bool"
		default:
			a.Kind = "int"
			for _, td := range s.Types {
				if td.Name == p.typ {
					a.Kind, a.Type = td.Kind, td.Name
				}
			}
		}
		if slices.Contains(c.Outs, p.name) {
			a.Dir = "out"
		}
		return a
	}
	for _, p := range params {
		dc.Args = append(dc.Args, arg(p, "in"))
	}
	for _, r := range results {
		dc.Results = append(dc.Results, arg(r, "out"))
	}
	return dc, nil
}

func descJSON(d *desc.Package) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "\t")
	return append(b, '\n'), err
}

// goData renders the description as a Go function returning desc.Package.
// Constant values are written as the constants themselves, so each build
// gets its own target's values.
func descGo(d *desc.Package, jsonName string) string {
	var b strings.Builder
	b.WriteString("// Description returns the machine-readable description of this package's\n" +
		"// calls and types (see package desc), with the values of the target it was\n" +
		"// built for. " + jsonName + " holds it with every target's values.\n" +
		"func Description() desc.Package {\nreturn desc.Package{\n")
	fmt.Fprintf(&b, "Name: %q,\nAsOf: %q,\nTargets: []string{%s},\nTypes: []desc.Type{\n", d.Name, d.AsOf, quoteAll(d.Targets))
	for _, t := range d.Types {
		fmt.Fprintf(&b, "{Name: %q, Kind: %q, Underlying: %q, Values: []desc.Value{\n", t.Name, t.Kind, t.Underlying)
		for _, v := range t.Values {
			fmt.Fprintf(&b, "{Name: %q, Value: int64(%s)},\n", v.Name, v.Name)
		}
		b.WriteString("}},\n")
	}
	b.WriteString("},\nCalls: []desc.Call{\n")
	for _, c := range d.Calls {
		fmt.Fprintf(&b, "{Name: %q, C: %q, Syscall: %q, Blocks: %q, Cloexec: %q, Man: %q, ManURL: %q,\n",
			c.Name, c.C, c.Syscall, c.Blocks, c.Cloexec, c.Man, c.ManURL)
		if c.DLL != "" {
			fmt.Fprintf(&b, "DLL: %q,\n", c.DLL)
		}
		for _, list := range []struct {
			field string
			args  []desc.Arg
		}{{"Args", c.Args}, {"Results", c.Results}} {
			if len(list.args) == 0 {
				continue
			}
			fmt.Fprintf(&b, "%s: []desc.Arg{\n", list.field)
			for _, a := range list.args {
				fmt.Fprintf(&b, "{Name: %q, GoType: %q, Kind: %q, FD: %q, Type: %q, Dir: %q, Len: %q},\n",
					a.Name, a.GoType, a.Kind, a.FD, a.Type, a.Dir, a.Len)
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	b.WriteString("},\n}\n}\n")
	return b.String()
}

func quoteAll(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, strconv.Quote(s))
	}
	return strings.Join(q, ", ")
}
