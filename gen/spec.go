package main

// Stage 1, the spec: syntax only. A spec file becomes a tree of lines (a
// line and the lines indented under it), with includes read and fragments
// expanded. Nothing here knows what a keyword means; model.go does.

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Pos is where a line is: the file as named, and the line number.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// errorf makes an error that starts with the position.
func (p Pos) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s", p, fmt.Sprintf(format, args...))
}

// Node is one spec line and the lines indented under it.
type Node struct {
	Pos      Pos
	Words    []string // the line's words, its comment excluded; never empty
	Comment  string   // the text after " # ", or ""
	Children []*Node
}

// Keyword is the line's first word.
func (n *Node) Keyword() string { return n.Words[0] }

// Rest is the line's text after its first word.
func (n *Node) Rest() string { return strings.Join(n.Words[1:], " ") }

// line is one non-blank, non-comment line before the tree is built.
type line struct {
	pos     Pos
	indent  int
	words   []string
	comment string
}

// ReadFile reads a file named as include names it, relative to the spec.
type ReadFile func(name string) ([]byte, error)

// Parse reads the spec named name, with text src, into its top-level
// nodes. read reads the files that include lines name (relative to name's
// directory). Every error starts with file:line.
func Parse(name string, src []byte, read ReadFile) ([]*Node, error) {
	p := &specParser{read: read, fragments: map[string]*[]line{}}
	lines, err := p.lines(name, src, nil)
	if err != nil {
		return nil, err
	}
	return tree(lines)
}

type specParser struct {
	read      ReadFile
	fragments map[string]*[]line // by name: their lines, at indent 1 and deeper
}

// lines splits a file into lines, reading includes and expanding
// fragments. including is the chain of files that included this one.
func (p *specParser) lines(name string, src []byte, including []string) ([]line, error) {
	var out []line
	var frag *[]line // the body of the fragment being defined, if any
	fragName := ""
	for i, raw := range strings.Split(string(src), "\n") {
		pos := Pos{name, i + 1}
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(raw) - len(strings.TrimLeft(raw, "\t"))
		if raw[indent] == ' ' {
			return nil, pos.errorf("indent with tabs, not spaces")
		}
		text, comment := trimmed, ""
		if !strings.HasPrefix(trimmed, "doc ") { // doc text keeps its '#'
			if j := strings.Index(trimmed, " # "); j >= 0 {
				text, comment = strings.TrimSpace(trimmed[:j]), strings.TrimSpace(trimmed[j+3:])
			}
		}
		l := line{pos: pos, indent: indent, words: strings.Fields(text), comment: comment}
		if indent == 0 {
			frag, fragName = nil, ""
		}
		switch {
		case indent == 0 && l.words[0] == "include":
			if len(l.words) != 2 || comment != "" {
				return nil, pos.errorf("want: include FILE")
			}
			inc, err := p.include(pos, filepath.Join(filepath.Dir(name), l.words[1]), append(including, name))
			if err != nil {
				return nil, err
			}
			out = append(out, inc...)
		case indent == 0 && l.words[0] == "fragment":
			if len(l.words) != 2 || comment != "" {
				return nil, pos.errorf("want: fragment NAME")
			}
			if _, dup := p.fragments[l.words[1]]; dup {
				return nil, pos.errorf("fragment %s defined twice", l.words[1])
			}
			frag, fragName = new([]line), l.words[1]
			p.fragments[fragName] = frag
		case l.words[0] == "use":
			if indent == 0 || len(l.words) != 2 || comment != "" {
				return nil, pos.errorf("want: use FRAGMENT, indented in a block")
			}
			body, ok := p.fragments[l.words[1]]
			switch {
			case l.words[1] == fragName:
				return nil, pos.errorf("fragment %s uses itself", fragName)
			case !ok:
				return nil, pos.errorf("no fragment %s defined before this line", l.words[1])
			}
			for _, b := range *body {
				b.indent += indent - 1
				if frag != nil {
					*frag = append(*frag, b)
				} else {
					out = append(out, b)
				}
			}
		case frag != nil:
			*frag = append(*frag, l)
		default:
			out = append(out, l)
		}
	}
	return out, nil
}

// include reads the lines of an included file.
func (p *specParser) include(pos Pos, name string, including []string) ([]line, error) {
	for _, f := range including {
		if f == name {
			return nil, pos.errorf("%s includes itself", name)
		}
	}
	src, err := p.read(name)
	if err != nil {
		return nil, pos.errorf("include: %v", err)
	}
	return p.lines(name, src, including)
}

// tree nests each line under the line before it with one tab less.
func tree(lines []line) ([]*Node, error) {
	var top []*Node
	var stack []*Node // stack[i] is the open node at indent i
	for _, l := range lines {
		if l.indent > len(stack) {
			return nil, l.pos.errorf("indented too deep")
		}
		n := &Node{Pos: l.pos, Words: l.words, Comment: l.comment}
		stack = append(stack[:l.indent], n)
		if l.indent == 0 {
			top = append(top, n)
		} else {
			parent := stack[l.indent-1]
			parent.Children = append(parent.Children, n)
		}
	}
	return top, nil
}
