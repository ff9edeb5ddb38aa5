package rdf

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// jsonldWriter writes JSON-LD with its context inline (prefixes only, so the
// document expands with no network): one node object per run of quads with
// the same subject, inside {"@id": graph, "@graph": […]} for a named graph.
// Values are written in expanded form, so no term definition changes what
// they mean.
//
// An IRI whose scheme is a prefix's name (cg:x, schema:y) would be read as
// that prefix's compact IRI: the node object (or graph object) holding one
// gets a context of its own that keeps the prefix from expanding anything,
// and nothing in it is compacted with that prefix.
type jsonldWriter struct {
	w        interface{ Write([]byte) (int, error) }
	prefixes []Prefix

	started bool
	inGraph bool
	graph   string
	// graphNulls are the prefixes the current graph object turns off, for
	// its nodes too.
	graphNulls map[string]bool
	subject    string
	nodes      int // node objects written in the current array
	types      []string
	props      []string             // predicate IRIs in order of first use
	values     map[string][]kg.Term // by predicate IRI
	out        errWriter
}

func (j *jsonldWriter) start() {
	j.out.w = j.w
	j.started = true
	ctx := make([]string, len(j.prefixes))
	for i, p := range j.prefixes {
		ctx[i] = "    " + jsonString(p.Name) + ": " + jsonString(p.IRI)
	}
	j.out.str("{\n  \"@context\": {\n" + strings.Join(ctx, ",\n") + "\n  },\n  \"@graph\": [")
}

func (j *jsonldWriter) Write(qs ...kg.Quad) error {
	if !j.started {
		j.start()
	}
	for _, q := range qs {
		if q.Graph != j.graph || !j.inGraph && q.Graph != "" {
			j.flush()
			if j.inGraph {
				j.out.str("\n    ]}")
				j.inGraph = false
				j.nodes = 1 // the graph object itself
			}
			j.graph = q.Graph
			j.graphNulls = nil
			if q.Graph != "" {
				j.sep()
				j.graphNulls = j.clashes(nil, q.Graph)
				j.out.str("    {" + j.offContext(j.graphNulls) + "\"@id\": " + jsonString(q.Graph) + ", \"@graph\": [")
				j.inGraph = true
				j.nodes = 0
			}
		}
		if q.S.Value != j.subject {
			j.flush()
			j.subject = q.S.Value
		}
		if q.P.Value == kg.NSRDF+"type" && q.O.IsIRI() {
			j.types = append(j.types, q.O.Value)
			continue
		}
		if j.values == nil {
			j.values = map[string][]kg.Term{}
		}
		if _, ok := j.values[q.P.Value]; !ok {
			j.props = append(j.props, q.P.Value)
		}
		j.values[q.P.Value] = append(j.values[q.P.Value], q.O)
	}
	return j.out.err
}

// clashes adds to nulls (a new set when nil and needed) the prefixes whose
// name is the scheme of one of iris, and returns it.
func (j *jsonldWriter) clashes(nulls map[string]bool, iris ...string) map[string]bool {
	for _, iri := range iris {
		scheme, _, ok := strings.Cut(iri, ":")
		if !ok {
			continue
		}
		for _, p := range j.prefixes {
			if p.Name == scheme {
				if nulls == nil {
					nulls = map[string]bool{}
				}
				nulls[scheme] = true
			}
		}
	}
	return nulls
}

// offContext is the "@context" member that keeps the prefixes named in off
// from making compact IRIs (JSON-LD 1.1's "@prefix": false; a null
// definition would do, but json-gold panics on one), "" for none.
func (j *jsonldWriter) offContext(off map[string]bool) string {
	if len(off) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\"@context\": {\"@version\": 1.1")
	for _, p := range j.prefixes {
		if off[p.Name] {
			b.WriteString(", " + jsonString(p.Name) + ": {\"@id\": " + jsonString(p.IRI) + ", \"@prefix\": false}")
		}
	}
	b.WriteString("}, ")
	return b.String()
}

// sep writes the comma and line break before a member of an array.
func (j *jsonldWriter) sep() {
	if j.nodes > 0 {
		j.out.str(",")
	}
	j.out.str("\n")
	j.nodes++
}

// flush writes the node being gathered.
func (j *jsonldWriter) flush() {
	if j.subject == "" {
		return
	}
	indent := "    "
	if j.inGraph {
		indent = "      "
	}
	j.sep()
	// The prefixes this node cannot use: the graph's, and those clashing
	// with an IRI of its own.
	var own map[string]bool
	own = j.clashes(own, j.subject)
	own = j.clashes(own, j.types...)
	own = j.clashes(own, j.props...)
	for _, vs := range j.values {
		for _, v := range vs {
			if v.IsIRI() {
				own = j.clashes(own, v.Value)
			} else if v.Datatype != "" {
				own = j.clashes(own, v.Datatype)
			}
		}
	}
	for n := range own {
		if j.graphNulls[n] {
			delete(own, n) // off already, by the graph object
		}
	}
	avoid := own
	if len(j.graphNulls) > 0 {
		avoid = maps.Clone(j.graphNulls)
		maps.Copy(avoid, own)
	}
	var b strings.Builder
	b.WriteString(indent + "{" + j.offContext(own) + "\"@id\": " + jsonString(j.subject))
	if len(j.types) > 0 {
		types := make([]string, len(j.types))
		for i, t := range j.types {
			types[i] = j.compact(t, avoid)
		}
		t, _ := json.Marshal(types)
		b.WriteString(", \"@type\": " + string(t))
	}
	for _, p := range j.props {
		vals := make([]any, len(j.values[p]))
		for i, t := range j.values[p] {
			vals[i] = j.value(t, avoid)
		}
		v, _ := json.Marshal(vals)
		b.WriteString(",\n" + indent + "  " + jsonString(j.compact(p, avoid)) + ": " + string(v))
	}
	b.WriteString("}")
	j.out.str(b.String())
	j.subject, j.types, j.props, j.values = "", nil, nil, nil
}

func (j *jsonldWriter) Close() error {
	if !j.started {
		j.start()
	}
	j.flush()
	if j.inGraph {
		j.out.str("\n    ]}")
	}
	j.out.str("\n  ]\n}\n")
	return j.out.err
}

// value is a term in expanded form.
func (j *jsonldWriter) value(t kg.Term, avoid map[string]bool) any {
	if t.IsIRI() {
		return map[string]string{"@id": t.Value}
	}
	v := map[string]string{"@value": t.Value}
	switch {
	case t.Lang != "":
		v["@language"] = t.Lang
	case t.Datatype != "" && t.Datatype != kg.NSXSD+"string":
		v["@type"] = j.compact(t.Datatype, avoid)
	}
	return v
}

// compact writes an IRI as a compact IRI where a prefix not in avoid fits,
// else whole.
func (j *jsonldWriter) compact(iri string, avoid map[string]bool) string {
	prefixes := j.prefixes
	if len(avoid) > 0 {
		prefixes = slices.DeleteFunc(slices.Clone(prefixes), func(p Prefix) bool { return avoid[p.Name] })
	}
	if c, ok := compact(prefixes, iri); ok {
		return c
	}
	return iri
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
