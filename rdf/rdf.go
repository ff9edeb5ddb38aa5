// Package rdf writes quads of civicgraph's public RDF model (kg.Quad) in the
// standard RDF formats — N-Triples, N-Quads, Turtle, TriG and JSON-LD with
// its context inline — as a stream: a writer holds one subject at a time, so
// an export of any size needs no more memory than its largest node.
package rdf

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// Format is one RDF serialisation.
type Format struct {
	Name      string // the ?format= and -format value
	MediaType string
	Ext       string // file extension, without the dot
	Graphs    bool   // keeps named graphs; the others merge them
}

// Formats lists the RDF formats in order of preference, Turtle first.
var Formats = []Format{
	{Name: "ttl", MediaType: "text/turtle", Ext: "ttl"},
	{Name: "jsonld", MediaType: "application/ld+json", Ext: "jsonld", Graphs: true},
	{Name: "nt", MediaType: "application/n-triples", Ext: "nt"},
	{Name: "nq", MediaType: "application/n-quads", Ext: "nq", Graphs: true},
	{Name: "trig", MediaType: "application/trig", Ext: "trig", Graphs: true},
}

// aliases are other names people use for a format.
var aliases = map[string]string{
	"turtle": "ttl", "json-ld": "jsonld", "ntriples": "nt", "n-triples": "nt",
	"nquads": "nq", "n-quads": "nq",
}

// Lookup finds a format by name, alias or media type.
func Lookup(s string) (Format, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if a, ok := aliases[s]; ok {
		s = a
	}
	for _, f := range Formats {
		if s == f.Name || s == f.MediaType {
			return f, true
		}
	}
	return Format{}, false
}

// Names lists the format names, for messages.
func Names() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.Name
	}
	return out
}

// Prefix binds a short name to a namespace in Turtle, TriG and JSON-LD.
type Prefix struct{ Name, IRI string }

// Prefixes are the namespaces of the public model, with cg bound to the
// vocabulary under base.
func Prefixes(m kg.Model) []Prefix {
	return []Prefix{
		{"cg", m.Vocab("")},
		{"schema", kg.NSSchema},
		{"rdf", kg.NSRDF},
		{"rdfs", kg.NSRDFS},
		{"owl", kg.NSOWL},
		{"xsd", kg.NSXSD},
		{"prov", kg.NSProv},
		{"oa", kg.NSOA},
		{"dcterms", kg.NSDCT},
		{"void", kg.NSVoID},
		{"dcat", kg.NSDCAT},
		{"foaf", kg.NSFOAF},
		{"hydra", kg.NSHydra},
	}
}

// Writer writes quads in one format. Quads of one subject (and, where
// graphs are kept, of one graph) should come together: each run becomes one
// node, and a subject that comes back starts another, which is still valid.
type Writer interface {
	Write(qs ...kg.Quad) error
	// Close ends the document; it does not close the underlying writer.
	Close() error
}

// NewWriter returns a writer of format f to w.
func NewWriter(w io.Writer, f Format, prefixes []Prefix) Writer {
	switch f.Name {
	case "nt", "nq":
		return &lineWriter{w: w, quads: f.Name == "nq"}
	case "ttl", "trig":
		return &turtleWriter{w: w, trig: f.Name == "trig", prefixes: prefixes}
	case "jsonld":
		return &jsonldWriter{w: w, prefixes: prefixes}
	}
	panic(fmt.Sprintf("rdf: unknown format %q", f.Name))
}

// errWriter keeps the first write error, so that writers can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) str(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// lineWriter writes N-Triples or N-Quads, one statement a line.
type lineWriter struct {
	w     io.Writer
	quads bool
	b     strings.Builder
}

func (l *lineWriter) Write(qs ...kg.Quad) error {
	for _, q := range qs {
		l.b.Reset()
		l.b.WriteString(ntTerm(q.S))
		l.b.WriteByte(' ')
		l.b.WriteString(ntTerm(q.P))
		l.b.WriteByte(' ')
		l.b.WriteString(ntTerm(q.O))
		if l.quads && q.Graph != "" {
			l.b.WriteByte(' ')
			l.b.WriteString(ntIRI(q.Graph))
		}
		l.b.WriteString(" .\n")
		if _, err := io.WriteString(l.w, l.b.String()); err != nil {
			return err
		}
	}
	return nil
}

func (l *lineWriter) Close() error { return nil }

// ntTerm writes a term as N-Triples does: full IRIs, escaped literals.
func ntTerm(t kg.Term) string {
	if t.IsIRI() {
		return ntIRI(t.Value)
	}
	s := quoteString(t.Value)
	switch {
	case t.Lang != "":
		return s + "@" + t.Lang
	case t.Datatype != "" && t.Datatype != kg.NSXSD+"string":
		return s + "^^" + ntIRI(t.Datatype)
	}
	return s
}

// ntIRI writes <iri>, escaping what an IRIREF may not hold.
func ntIRI(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('<')
	for _, r := range s {
		if r <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", r) {
			fmt.Fprintf(&b, "\\u%04X", r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('>')
	return b.String()
}

// quoteString writes a string literal with the escapes N-Triples, Turtle
// and TriG share; other characters stay as UTF-8.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, "\\u%04X", r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Grouped returns qs with the quads of each graph and subject together, in
// the order each first appears, so that each becomes one node; it is for
// documents held whole, not for a stream.
func Grouped(qs []kg.Quad) []kg.Quad {
	type key struct{ graph, subject string }
	order := map[key]int{}
	for _, q := range qs {
		k := key{q.Graph, q.S.Value}
		if _, ok := order[k]; !ok {
			order[k] = len(order)
		}
	}
	out := slices.Clone(qs)
	slices.SortStableFunc(out, func(a, b kg.Quad) int {
		return order[key{a.Graph, a.S.Value}] - order[key{b.Graph, b.S.Value}]
	})
	return out
}
