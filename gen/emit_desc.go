package main

// Emitting the description of a package for fuzzers and tools (see package
// desc): as Go data, whose constant values are the built target's, and as
// JSON, which lists every target's values.

import (
	"encoding/json"
	"fmt"
	"slices"
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
	for _, st := range m.Structs {
		d.Structs = append(d.Structs, m.describeStruct(st))
	}
	for _, st := range m.Setters {
		ds := desc.Setter{Name: st.Name, Struct: st.Struct.Name, Makes: st.Makes, MakesField: st.MakesField}
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
	d.Resources = resources(d)
	return d
}

// fieldKind is what a field or view of Go type typ holds: the struct's
// kind line for it, or what its type says.
func (m *Model) fieldKind(st *Struct, name, typ string) desc.Field {
	f := desc.Field{Name: name, GoType: typ, Kind: "int"}
	switch {
	case m.typeNamed(typ) != nil:
		f.Kind, f.Type = m.typeNamed(typ).Kind(), typ
	case m.structNamed(typ) != nil:
		f.Kind, f.Type = "struct", typ
	case strings.HasPrefix(typ, "["):
		f.Kind, f.Type = "array", typ[strings.Index(typ, "]")+1:]
	case strings.HasPrefix(typ, "*"):
		f.Kind, f.Type, f.Dir = "pointer", typ[1:], "in"
	}
	if k := st.Kinds[name]; k != nil {
		f.Kind, f.Resource, f.Of, f.Unit = k.Kind, k.Resource, k.Of, k.Unit
		switch k.Kind {
		case "pointer":
			f.Dir, f.Type = k.Dir, k.Type
		case "flags", "enum":
			f.Type = k.Type
		}
		if k.Kind == "range" {
			f.Range = []int64{k.Min, k.Max}
		}
	}
	return f
}

// namedFields are a layout's fields without its padding.
func namedFields(l *Layout) []Field {
	var out []Field
	for _, f := range l.Fields {
		if f.Name != "_" {
			out = append(out, f)
		}
	}
	return out
}

// describeStruct describes a struct with every target's layout: the first
// target's, and where another differs, its own in ByTarget.
func (m *Model) describeStruct(st *Struct) desc.Struct {
	first := st.Layouts[0]
	ds := desc.Struct{Name: st.Name, Size: first.Size, Align: first.Align}
	for i, l := range st.Layouts[1:] {
		if l.Size != first.Size || l.Align != first.Align {
			if ds.ByTarget == nil {
				ds.ByTarget = map[string]desc.Extent{}
			}
			ds.ByTarget[m.Targets[i+1].String()] = desc.Extent{Size: l.Size, Align: l.Align}
		}
	}
	for _, f := range namedFields(first) {
		df := m.fieldKind(st, f.Name, f.Type)
		df.Offset, df.Size = f.Offset, f.Size
		for i, l := range st.Layouts[1:] {
			j := slices.IndexFunc(l.Fields, func(g Field) bool { return g.Name == f.Name })
			g := l.Fields[j]
			if g.Offset != f.Offset || g.Size != f.Size || g.Type != f.Type {
				if df.ByTarget == nil {
					df.ByTarget = map[string]desc.Extent{}
				}
				e := desc.Extent{Offset: g.Offset, Size: g.Size}
				if g.Type != f.Type {
					e.GoType = g.Type
				}
				df.ByTarget[m.Targets[i+1].String()] = e
			}
		}
		ds.Fields = append(ds.Fields, df)
	}
	for _, v := range st.Views {
		df := m.fieldKind(st, v.Name, v.Type)
		df.Offset, df.Size, df.View, df.Halves = v.Offset, v.Size, true, v.Halves
		ds.Fields = append(ds.Fields, df)
	}
	return ds
}

// resources lists the descriptors and other kernel objects of a
// description: which call results make each, and which call parameters
// and struct fields take it, by name (Call.param, Struct.Field).
func resources(d *desc.Package) []desc.Resource {
	var out []desc.Resource
	at := func(name, kind string) *desc.Resource {
		for i := range out {
			if out[i].Name == name {
				return &out[i]
			}
		}
		out = append(out, desc.Resource{Name: name, Kind: kind})
		return &out[len(out)-1]
	}
	// add records who, a call's argument or result, as taking or making
	// its descriptor or resource.
	add := func(a desc.Arg, who string, makes bool) {
		for _, r := range []struct{ name, kind string }{{a.FD, "fd"}, {a.Resource, "resource"}} {
			if r.name == "" {
				continue
			}
			res := at(r.name, r.kind)
			if makes {
				res.Producers = append(res.Producers, who)
			} else {
				res.Consumers = append(res.Consumers, who)
			}
		}
	}
	for _, c := range d.Calls {
		for _, a := range c.Results {
			add(a, c.Name+"."+a.Name, true)
		}
		for _, a := range c.Args {
			if a.Destroys {
				r := at(a.Resource, "resource")
				r.Destructors = append(r.Destructors, c.Name+"."+a.Name)
			}
		}
		if c.Switch != nil {
			for _, k := range c.Switch.Cases {
				add(desc.Arg{Resource: k.Makes}, c.Name+"("+k.Value+")", true)
				add(desc.Arg{Resource: k.Takes, FD: k.ElemFD}, c.Name+"("+k.Value+")", false)
			}
		}
		for _, a := range c.Args {
			add(a, c.Name+"."+a.Name, false)
		}
	}
	for _, s := range d.Setters {
		switch {
		case s.Makes == "fd": // a descriptor of no kind the package names
			r := at("any", "fd")
			r.Producers = append(r.Producers, s.Struct+"."+s.Name)
		case s.Makes != "":
			r := at(s.Makes, "resource")
			r.Producers = append(r.Producers, s.Struct+"."+s.Name+"."+s.MakesField)
		}
	}
	for _, st := range d.Structs {
		for _, f := range st.Fields {
			if f.Kind == "fd" || f.Kind == "resource" {
				r := at(f.Resource, f.Kind)
				r.Consumers = append(r.Consumers, st.Name+"."+f.Name)
			}
		}
	}
	return out
}

// structDescGo renders, for target i, a function returning the description
// of struct st with that target's layout: sizes and offsets as the
// compiler's own, so a build gets its target's; field order and Go types
// as on target i.
func (m *Model) structDescGo(st *Struct, i int) string {
	ds := m.describeStruct(st)
	var b strings.Builder
	fmt.Fprintf(&b, "// %s describes struct %s on the built target.\nfunc %s() desc.Struct {\n", structDescFunc(st), st.Name, structDescFunc(st))
	fmt.Fprintf(&b, "return desc.Struct{Name: %q, Size: int64(unsafe.Sizeof(%[2]s{})), Align: int64(unsafe.Alignof(%[2]s{})), Fields: []desc.Field{\n", st.Name, st.Name)
	for _, f := range ds.Fields {
		typ := f.GoType
		var place string
		if f.View {
			place = fmt.Sprintf("Offset: %d, Size: %d, View: true", f.Offset, f.Size)
			if f.Halves {
				place += ", Halves: true"
			}
		} else {
			if e, ok := f.ByTarget[m.Targets[i].String()]; ok && e.GoType != "" {
				typ = e.GoType
			}
			place = fmt.Sprintf("Offset: int64(unsafe.Offsetof(%[1]s{}.%[2]s)), Size: int64(unsafe.Sizeof(%[1]s{}.%[2]s))", st.Name, f.Name)
		}
		fmt.Fprintf(&b, "{Name: %q, GoType: %q, %s, Kind: %q", f.Name, typ, place, f.Kind)
		for _, kv := range [][2]string{{"Type", f.Type}, {"Dir", f.Dir}, {"Resource", f.Resource}, {"Of", f.Of}, {"Unit", f.Unit}} {
			if kv[1] != "" {
				fmt.Fprintf(&b, ", %s: %q", kv[0], kv[1])
			}
		}
		if f.Range != nil {
			fmt.Fprintf(&b, ", Range: []int64{%d, %d}", f.Range[0], f.Range[1])
		}
		b.WriteString("},\n")
	}
	b.WriteString("}}\n}\n")
	return b.String()
}

func structDescFunc(st *Struct) string { return descFuncName(st.Name) }

// descFuncName names the function describing struct name (a struct of
// another package, unix.Iovec, gets descStruct_unix_Iovec).
func descFuncName(name string) string {
	if strings.Contains(name, ".") {
		return "descStruct_" + strings.ReplaceAll(name, ".", "_")
	}
	return "descStruct" + name
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
	if sw := c.Switch; sw != nil {
		dc.Switch = &desc.Switch{Selector: sw.Selector.Name, Arg: sw.Arg.Name, Count: sw.Count.Name, Flags: sw.Flags}
		for _, k := range sw.Cases {
			dc.Switch.Cases = append(dc.Switch.Cases, desc.Case{Value: k.Value, ArgType: k.ArgType, Count: k.Count,
				Dir: k.Dir, Makes: k.Makes, Takes: k.Takes, ElemFD: k.ElemFD})
		}
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
		a := desc.Arg{Name: p.Name, GoType: p.Type, Dir: dir, FD: p.FD, Resource: p.Resource, Destroys: p.Destroys}
		switch {
		case a.FD != "":
			a.Kind = "fd"
		case a.Resource != "":
			a.Kind = "resource"
		case p.slice():
			a.Kind, a.Type, a.Len = "slice", p.elem(), lens[p]
		case p.pointer():
			a.Kind, a.Type = "pointer", p.elem()
		case p.Type == "bool":
			a.Kind = "bool"
		case m.typeNamed(p.Type) != nil:
			a.Kind, a.Type = m.typeNamed(p.Type).Kind(), p.Type
		case p.Range != nil:
			a.Kind, a.Range = "range", p.Range
		default:
			a.Kind = "int"
		}
		if p.Out {
			a.Dir = "out"
		}
		if p.InOut {
			a.Dir = "inout"
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
		if sw := c.Switch; sw != nil {
			fmt.Fprintf(&b, "Switch: &desc.Switch{Selector: %q, Arg: %q, Count: %q,", sw.Selector, sw.Arg, sw.Count)
			if len(sw.Flags) > 0 {
				fmt.Fprintf(&b, " Flags: []string{%s},", quoteAll(sw.Flags))
			}
			b.WriteString(" Cases: []desc.Case{\n")
			for _, k := range sw.Cases {
				elem := ""
				if k.ElemFD != "" {
					elem = fmt.Sprintf(", ElemFD: %q", k.ElemFD)
				}
				fmt.Fprintf(&b, "{Value: %q, ArgType: %q, Count: %q, Dir: %q, Makes: %q, Takes: %q%s},\n",
					k.Value, k.ArgType, k.Count, k.Dir, k.Makes, k.Takes, elem)
			}
			b.WriteString("}},\n")
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
				resource := ""
				if a.Resource != "" {
					resource = fmt.Sprintf(", Resource: %q", a.Resource)
				}
				if a.Destroys {
					resource += ", Destroys: true"
				}
				if a.Range != nil {
					resource += fmt.Sprintf(", Range: []int64{%d, %d}", a.Range[0], a.Range[1])
				}
				fmt.Fprintf(&b, "{Name: %q, GoType: %q, Kind: %q, FD: %q%s, Type: %q, Dir: %q, Len: %q},\n",
					a.Name, a.GoType, a.Kind, a.FD, resource, a.Type, a.Dir, a.Len)
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	b.WriteString("},\n")
	if len(d.Resources) > 0 {
		b.WriteString("Resources: []desc.Resource{\n")
		for _, r := range d.Resources {
			fmt.Fprintf(&b, "{Name: %q, Kind: %q", r.Name, r.Kind)
			if len(r.Producers) > 0 {
				fmt.Fprintf(&b, ", Producers: []string{%s}", quoteAll(r.Producers))
			}
			if len(r.Consumers) > 0 {
				fmt.Fprintf(&b, ", Consumers: []string{%s}", quoteAll(r.Consumers))
			}
			if len(r.Destructors) > 0 {
				fmt.Fprintf(&b, ", Destructors: []string{%s}", quoteAll(r.Destructors))
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	if len(d.Structs) > 0 {
		b.WriteString("Structs: []desc.Struct{\n")
		for _, st := range d.Structs {
			fmt.Fprintf(&b, "%s(),\n", descFuncName(st.Name))
		}
		b.WriteString("},\n")
	}
	if len(d.Setters) > 0 {
		b.WriteString("Setters: []desc.Setter{\n")
		for _, st := range d.Setters {
			fmt.Fprintf(&b, "{Name: %q, Struct: %q, ", st.Name, st.Struct)
			if st.Makes != "" {
				fmt.Fprintf(&b, "Makes: %q, MakesField: %q, ", st.Makes, st.MakesField)
			}
			b.WriteString("Sets: []desc.Set{\n")
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
