package check

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/civicgraph/civicgraph/internal/yamlnode"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/loader"
	"go.yaml.in/yaml/v3"
)

// WaiversFile is the name of the waivers file in a data folder.
const WaiversFile = "waivers.yaml"

// Waiver accepts the likely misses inside the occurrences of Text: spans of
// the source that look like facts but are deliberately not quoted. Or, when
// Relation is set instead of Text, it accepts the warning that the relation
// so named ("subject predicate object") has quotes that name neither end.
type Waiver struct {
	Text     string
	Relation string
	Reason   string
	Source   string // empty: every source
	// Occurrence picks one occurrence of Text, counted from 1 in source and
	// offset order; 0 means all of them.
	Occurrence int
	// Offset picks the occurrence that starts at this code point; -1 means
	// none is picked this way.
	Offset int

	File                                       string
	Line, textLine, occurrenceLine, offsetLine int
	Waived                                     []*Miss    // the likely misses it accepted
	WaivedRelations                            []*Unnamed // the warnings it accepted
}

// LoadWaivers reads WaiversFile from the data folder fsys; root only names
// the folder in errors. A folder without the file has no waivers. Every
// problem is reported, as a loader.Errors naming file:line and field.
func LoadWaivers(fsys fs.FS, root string) ([]*Waiver, error) {
	display := path.Join(root, WaiversFile)
	b, err := fs.ReadFile(fsys, WaiversFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", display, err)
	}
	return ParseWaivers(b, display)
}

// ParseWaivers reads a waivers file's content; file names it in errors.
func ParseWaivers(b []byte, file string) ([]*Waiver, error) {
	p := &parser{file: file}
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && len(doc.Content) == 0 {
		// An empty file waives nothing, which is fine.
		return nil, nil
	}
	if err != nil {
		line := 1
		fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &line)
		return nil, loader.Errors{{File: file, Line: line, Msg: err.Error()}}
	}
	m := p.fields(doc.Content[0], "", "waivers")
	list, ok := m["waivers"]
	if !ok {
		p.errorf(doc.Content[0], "waivers", "missing: the file holds `waivers:`, a list of {text, reason}")
	} else if list.Kind != yaml.SequenceNode {
		p.errorf(list, "waivers", "want a list of {text, reason}, got %s", yamlnode.Describe(list))
	}
	var out []*Waiver
	if list != nil && list.Kind == yaml.SequenceNode {
		for i, n := range list.Content {
			if w := p.waiver(n, fmt.Sprintf("waivers[%d]", i)); w != nil {
				out = append(out, w)
			}
		}
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return out, nil
}

type parser struct {
	file string
	errs loader.Errors
}

func (p *parser) errorf(n *yaml.Node, field, format string, args ...any) {
	p.errs = append(p.errs, &loader.Error{File: p.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// fields returns the values of mapping n by key, reporting unknown and
// repeated keys.
func (p *parser) fields(n *yaml.Node, prefix string, known ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, prefix, "want a mapping, got %s", yamlnode.Describe(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f := field(prefix, k.Value)
		switch {
		case !slices.Contains(known, k.Value):
			p.errorf(k, f, "unknown field (want one of %s)", strings.Join(known, ", "))
		case out[k.Value] != nil:
			p.errorf(k, f, "field given twice")
		default:
			out[k.Value] = v
		}
	}
	return out
}

func (p *parser) waiver(n *yaml.Node, prefix string) *Waiver {
	before := len(p.errs)
	m := p.fields(n, prefix, "text", "relation", "reason", "source", "occurrence", "offset")
	w := &Waiver{File: p.file, Line: n.Line, textLine: n.Line, Offset: -1}
	if rel, ok := m["relation"]; ok {
		w.Relation = p.str(n, m, "relation", prefix, "the relation it accepts: subject predicate object")
		w.textLine = rel.Line
		if w.Relation != "" && len(strings.Fields(w.Relation)) != 3 {
			p.errorf(rel, field(prefix, "relation"), "want subject, predicate and object separated by spaces (person/chen-yuanxiu residentOf place/hongtudi-shequ), got %q", w.Relation)
		}
		w.Relation = strings.Join(strings.Fields(w.Relation), " ")
		for _, k := range []string{"text", "source", "occurrence", "offset"} {
			if t, both := m[k]; both {
				p.errorf(t, field(prefix, k), "a waiver of a relation takes no %s: give text or relation, not both", k)
			}
		}
		w.Reason = p.str(n, m, "reason", prefix, "say why the link is stated though its quotes name neither end")
		if len(p.errs) > before {
			return nil
		}
		return w
	}
	w.Text = p.str(n, m, "text", prefix, "the span of the source it accepts, verbatim (or relation: subject predicate object)")
	if t := m["text"]; t != nil {
		w.textLine = t.Line
	}
	w.Reason = p.str(n, m, "reason", prefix, "say why the span is not a fact to quote")
	if s, ok := m["source"]; ok {
		w.Source = p.str(n, m, "source", prefix, "")
		if w.Source != "" && !strings.HasPrefix(w.Source, "source/") {
			p.errorf(s, field(prefix, "source"), "want a source id like source/jiangbei-2021-05, got %q", w.Source)
		}
	}
	if o, ok := m["occurrence"]; ok {
		w.Occurrence = p.int(o, field(prefix, "occurrence"), 1)
		w.occurrenceLine = o.Line
	}
	if o, ok := m["offset"]; ok {
		w.Offset = p.int(o, field(prefix, "offset"), 0)
		w.offsetLine = o.Line
		if _, both := m["occurrence"]; both {
			p.errorf(o, field(prefix, "offset"), "give occurrence or offset, not both")
		}
	}
	if len(p.errs) > before {
		return nil
	}
	return w
}

// str reads a required non-empty string; hint says what belongs there.
func (p *parser) str(owner *yaml.Node, m map[string]*yaml.Node, key, prefix, hint string) string {
	f := field(prefix, key)
	n, ok := m[key]
	if !ok {
		p.errorf(owner, f, "missing: %s", hint)
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, f, "want a string, got %s", yamlnode.Describe(n))
		return ""
	}
	v := strings.TrimSpace(n.Value)
	if v == "" {
		p.errorf(n, f, "empty: %s", hint)
	}
	return v
}

func (p *parser) int(n *yaml.Node, f string, least int) int {
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if n.Kind != yaml.ScalarNode || err != nil || v < least {
		p.errorf(n, f, "want a whole number of at least %d, got %s", least, yamlnode.Describe(n))
		return 0
	}
	return v
}

func field(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// applyWaivers lets each waiver, in file order, accept the open misses inside
// the occurrences of its text it picks. A waiver whose text is not in the
// source, whose pick does not exist, or that accepts nothing is an error: a
// stale waiver would hide the next real miss at that place.
func (r *Report) applyWaivers(texts map[string][]rune) {
	var sources []string
	for id := range texts {
		sources = append(sources, id)
	}
	sort.Strings(sources)
	type occ struct {
		source string
		start  int
	}
	for i, w := range r.Waivers {
		prefix := fmt.Sprintf("waivers[%d]", i)
		fail := func(line int, f, format string, args ...any) {
			r.WaiverErrors = append(r.WaiverErrors, &loader.Error{File: w.File, Line: line, Field: field(prefix, f), Msg: fmt.Sprintf(format, args...)})
		}
		if w.Relation != "" {
			r.applyRelationWaiver(w, func(format string, args ...any) { fail(w.textLine, "relation", format, args...) })
			continue
		}
		in := sources
		if w.Source != "" {
			if _, ok := texts[w.Source]; !ok {
				fail(w.Line, "source", "unknown source %q", w.Source)
				continue
			}
			in = []string{w.Source}
		}
		var all []occ
		for _, s := range in {
			for _, o := range occurrences(texts[s], w.Text) {
				all = append(all, occ{s, o})
			}
		}
		picked := all
		switch {
		case len(all) == 0:
			fail(w.textLine, "text", "%q is not in the normalised text of %s", w.Text, strings.Join(in, ", "))
			continue
		case w.Occurrence > len(all):
			fail(w.occurrenceLine, "occurrence", "%d, but %q occurs %d time(s)", w.Occurrence, w.Text, len(all))
			continue
		case w.Occurrence > 0:
			picked = all[w.Occurrence-1 : w.Occurrence]
		case w.Offset >= 0:
			picked = nil
			var at []string
			for _, o := range all {
				if o.start == w.Offset {
					picked = append(picked, o)
				}
				at = append(at, strconv.Itoa(o.start))
			}
			if len(picked) == 0 {
				fail(w.offsetLine, "offset", "%q does not start at %d; it starts at %s", w.Text, w.Offset, strings.Join(at, ", "))
				continue
			}
		}
		n := len([]rune(w.Text))
		for _, o := range picked {
			for _, m := range r.Misses {
				if m.Source == o.source && !m.Quoted && m.Waiver == nil && o.start <= m.Start && m.End <= o.start+n {
					m.Waiver = w
					w.Waived = append(w.Waived, m)
				}
			}
		}
		if len(w.Waived) == 0 {
			fail(w.textLine, "text", "%q matches no open warning: any likely miss in it is quoted, or waived by a waiver above; remove this one", w.Text)
		}
	}
}

// applyRelationWaiver lets w accept the open warnings of the relations its
// key names. A key that names no relation, or only relations without an
// open warning, is an error.
func (r *Report) applyRelationWaiver(w *Waiver, fail func(format string, args ...any)) {
	for _, u := range r.Unnamed {
		if u.Key == w.Relation && u.Waiver == nil {
			u.Waiver = w
			w.WaivedRelations = append(w.WaivedRelations, u)
		}
	}
	if len(w.WaivedRelations) > 0 {
		return
	}
	if !slices.Contains(r.relationKeys, w.Relation) {
		fail("%q names no relation of the data (subject predicate object)", w.Relation)
		return
	}
	fail("%q matches no open warning: its quotes name an end, it is marked inferred, or a waiver above accepts it; remove this one", w.Relation)
}
