package rdf

import (
	"regexp"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// turtleWriter writes Turtle, or TriG when trig is set: prefixes first, then
// one block per run of quads with the same subject (predicates joined with
// ";", objects of one predicate with ","), inside a graph block in TriG.
type turtleWriter struct {
	w        interface{ Write([]byte) (int, error) }
	trig     bool
	prefixes []Prefix

	started   bool
	inGraph   bool   // a TriG graph block is open
	graph     string // the open block's graph
	subject   string // the open subject, "" when none
	predicate string
	out       errWriter
}

func (t *turtleWriter) start() {
	t.out.w = t.w
	t.started = true
	for _, p := range t.prefixes {
		t.out.str("@prefix " + p.Name + ": " + ntIRI(p.IRI) + " .\n")
	}
	t.out.str("\n")
}

func (t *turtleWriter) Write(qs ...kg.Quad) error {
	if !t.started {
		t.start()
	}
	for _, q := range qs {
		if t.trig && (q.Graph != t.graph || !t.inGraph && q.Graph != "") {
			t.endSubject()
			if t.inGraph {
				t.out.str("}\n\n")
				t.inGraph = false
			}
			t.graph = q.Graph
			if q.Graph != "" {
				t.out.str(ntIRI(q.Graph) + " {\n")
				t.inGraph = true
			}
		}
		p := t.predicateName(q.P.Value)
		switch {
		case q.S.Value != t.subject:
			t.endSubject()
			t.subject = q.S.Value
			t.out.str(t.indent() + t.name(q.S.Value) + " " + p + " ")
		case q.P.Value != t.predicate:
			t.out.str(" ;\n" + t.indent() + "    " + p + " ")
		default:
			t.out.str(", ")
		}
		t.predicate = q.P.Value
		t.out.str(t.term(q.O))
		if t.out.err != nil {
			return t.out.err
		}
	}
	return nil
}

func (t *turtleWriter) indent() string {
	if t.inGraph {
		return "  "
	}
	return ""
}

func (t *turtleWriter) endSubject() {
	if t.subject != "" {
		t.out.str(" .\n")
		if !t.inGraph {
			t.out.str("\n")
		}
		t.subject, t.predicate = "", ""
	}
}

func (t *turtleWriter) Close() error {
	if !t.started {
		t.start()
	}
	t.endSubject()
	if t.inGraph {
		t.out.str("}\n")
		t.inGraph = false
	}
	return t.out.err
}

func (t *turtleWriter) predicateName(iri string) string {
	if iri == kg.NSRDF+"type" {
		return "a"
	}
	return t.name(iri)
}

func (t *turtleWriter) term(v kg.Term) string {
	if v.IsIRI() {
		return t.name(v.Value)
	}
	s := quoteString(v.Value)
	switch {
	case v.Lang != "":
		return s + "@" + v.Lang
	case v.Datatype != "" && v.Datatype != kg.NSXSD+"string":
		return s + "^^" + t.name(v.Datatype)
	}
	return s
}

// localName is what this writer lets stand after a prefix: a safe subset
// of Turtle's PN_LOCAL, with no escapes needed.
var localName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// name writes an IRI as prefix:local where a prefix fits, else in full.
func (t *turtleWriter) name(iri string) string {
	if c, ok := compact(t.prefixes, iri); ok {
		return c
	}
	return ntIRI(iri)
}

// compact writes iri as prefix:local with the longest prefix whose
// remainder is a safe local name, if any.
func compact(prefixes []Prefix, iri string) (string, bool) {
	best := -1
	for i, p := range prefixes {
		if strings.HasPrefix(iri, p.IRI) && localName.MatchString(iri[len(p.IRI):]) {
			if best < 0 || len(p.IRI) > len(prefixes[best].IRI) {
				best = i
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return prefixes[best].Name + ":" + iri[len(prefixes[best].IRI):], true
}
