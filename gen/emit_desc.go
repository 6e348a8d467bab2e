package main

// Emitting the description of a package for fuzzers and tools (see package
// desc): as Go data, whose constant values are the built target's, and as
// JSON, which lists every target's values.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/eventq/eventq/desc"
)

const descImport = "github.com/eventq/eventq/desc"

func (m *Model) describe() *desc.Package {
	d := &desc.Package{Name: m.Package, AsOf: m.AsOf}
	for _, t := range m.Targets {
		d.Targets = append(d.Targets, t.String())
	}
	for _, td := range m.Types {
		dt := desc.Type{Name: td.Name, Kind: td.Kind(), Underlying: td.Underlying}
		for _, c := range td.Consts {
			v := desc.Value{Name: c.Name, Value: c.Values[0], Since: c.Since}
			for i, n := range c.Values[1:] {
				if n != v.Value {
					if v.ByTarget == nil {
						v.ByTarget = map[string]int64{}
					}
					v.ByTarget[m.Targets[i+1].String()] = n
				}
			}
			dt.Values = append(dt.Values, v)
		}
		d.Types = append(d.Types, dt)
	}
	for _, c := range m.Calls {
		d.Calls = append(d.Calls, m.describeCall(c))
	}
	for _, st := range m.Setters {
		ds := desc.Setter{Name: st.Name, Struct: st.Struct.Name}
		for _, a := range st.Sets {
			set := desc.Set{Field: a.Field, Value: a.Text, Or: a.Or, Len: a.Len}
			if a.Param != nil {
				set.Param, set.GoType = a.Param.Name, a.Param.Type
			}
			set.Kind = [...]string{SetConst: "const", SetValue: "value", SetSlice: "slice", SetPointer: "pointer"}[a.Kind]
			ds.Sets = append(ds.Sets, set)
		}
		d.Setters = append(d.Setters, ds)
	}
	return d
}

func (m *Model) describeCall(c *Call) desc.Call {
	lens := map[*Param]string{} // slice -> "count" or "bytes"
	for _, a := range c.Args {
		switch a.Kind {
		case ArgLen:
			lens[a.Param] = "count"
		case ArgBytes:
			lens[a.Param] = "bytes"
		}
	}
	dc := desc.Call{Name: c.Name, C: c.CProto, Syscall: c.Entry, DLL: c.DLL, Libc: m.Libc, Cloexec: c.Cloexec, ForkLock: c.ForkLock,
		Man: c.Man, ManURL: m.manURL(c.Man), Blocks: c.Block.Kind}
	for _, ml := range c.MinLen {
		dc.MinLen = append(dc.MinLen, ml[0].Name+" "+ml[1].Name)
	}
	if c.Block.Kind == "unless" {
		dc.Blocks = "unless-zero-timeout"
		for _, cl := range c.Block.Clauses {
			var conds []string
			for _, k := range cl {
				cond := k.Param.Name + " " + k.Kind
				if k.Const != "" {
					cond += " " + k.Const
				}
				conds = append(conds, cond)
			}
			dc.Unless = append(dc.Unless, strings.Join(conds, " and "))
		}
	}
	arg := func(p *Param, dir string) desc.Arg {
		a := desc.Arg{Name: p.Name, GoType: p.Type, Dir: dir, FD: p.FD}
		switch {
		case a.FD != "":
			a.Kind = "fd"
		case p.slice():
			a.Kind, a.Type, a.Len = "slice", p.elem(), lens[p]
		case p.pointer():
			a.Kind, a.Type = "pointer", p.elem()
		case p.Type == "bool":
			a.Kind = "bool"
		case m.typeNamed(p.Type) != nil:
			a.Kind, a.Type = m.typeNamed(p.Type).Kind(), p.Type
		default:
			a.Kind = "int"
		}
		if p.Out {
			a.Dir = "out"
		}
		return a
	}
	for _, p := range c.Params {
		dc.Args = append(dc.Args, arg(p, "in"))
	}
	for _, r := range c.Results {
		dc.Results = append(dc.Results, arg(r, "out"))
	}
	return dc
}

// descJSON renders the description as indented JSON. Its types are plain
// data that encoding/json cannot fail on.
func descJSON(d *desc.Package) []byte {
	b, err := json.MarshalIndent(d, "", "\t")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// descGo renders the description as a Go function returning desc.Package.
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
			since := ""
			if v.Since != "" {
				since = fmt.Sprintf(", Since: %q", v.Since)
			}
			if t.Underlying == "uint64" { // a value above MaxInt64 cannot be converted as a constant
				fmt.Fprintf(&b, "{Name: %q, Value: desc.Bits(uint64(%s))%s},\n", v.Name, v.Name, since)
				continue
			}
			fmt.Fprintf(&b, "{Name: %q, Value: int64(%s)%s},\n", v.Name, v.Name, since)
		}
		b.WriteString("}},\n")
	}
	b.WriteString("},\nCalls: []desc.Call{\n")
	for _, c := range d.Calls {
		forklock := ""
		if c.ForkLock {
			forklock = "ForkLock: true, "
		}
		fmt.Fprintf(&b, "{Name: %q, C: %q, Syscall: %q, Blocks: %q, Cloexec: %q, %sMan: %q, ManURL: %q,\n",
			c.Name, c.C, c.Syscall, c.Blocks, c.Cloexec, forklock, c.Man, c.ManURL)
		if c.DLL != "" {
			fmt.Fprintf(&b, "DLL: %q,\n", c.DLL)
		}
		if c.Libc != "" {
			fmt.Fprintf(&b, "Libc: %q,\n", c.Libc)
		}
		if len(c.MinLen) > 0 {
			fmt.Fprintf(&b, "MinLen: []string{%s},\n", quoteAll(c.MinLen))
		}
		if len(c.Unless) > 0 {
			fmt.Fprintf(&b, "Unless: []string{%s},\n", quoteAll(c.Unless))
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
	b.WriteString("},\n")
	if len(d.Setters) > 0 {
		b.WriteString("Setters: []desc.Setter{\n")
		for _, st := range d.Setters {
			fmt.Fprintf(&b, "{Name: %q, Struct: %q, Sets: []desc.Set{\n", st.Name, st.Struct)
			for _, a := range st.Sets {
				fmt.Fprintf(&b, "{Field: %q, Kind: %q, Param: %q, GoType: %q, Value: %q, Or: %q, Len: %q},\n",
					a.Field, a.Kind, a.Param, a.GoType, a.Value, a.Or, a.Len)
			}
			b.WriteString("}},\n")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n}\n")
	return b.String()
}

func quoteAll(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, strconv.Quote(s))
	}
	return strings.Join(q, ", ")
}
