package rdf

import (
	"encoding/json"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// jsonldWriter writes JSON-LD with its context inline (prefixes only, so the
// document expands with no network): one node object per run of quads with
// the same subject, inside {"@id": graph, "@graph": […]} for a named graph.
// Values are written in expanded form, so no term definition changes what
// they mean.
type jsonldWriter struct {
	w        interface{ Write([]byte) (int, error) }
	prefixes []Prefix

	started bool
	inGraph bool
	graph   string
	subject string
	nodes   int // node objects written in the current array
	types   []string
	props   []string         // predicate keys in order of first use
	values  map[string][]any // by key
	out     errWriter
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
			if q.Graph != "" {
				j.sep()
				j.out.str("    {\"@id\": " + jsonString(q.Graph) + ", \"@graph\": [")
				j.inGraph = true
				j.nodes = 0
			}
		}
		if q.S.Value != j.subject {
			j.flush()
			j.subject = q.S.Value
		}
		if q.P.Value == kg.NSRDF+"type" && q.O.IsIRI() {
			j.types = append(j.types, j.compact(q.O.Value))
			continue
		}
		key := j.compact(q.P.Value)
		if j.values == nil {
			j.values = map[string][]any{}
		}
		if _, ok := j.values[key]; !ok {
			j.props = append(j.props, key)
		}
		j.values[key] = append(j.values[key], j.value(q.O))
	}
	return j.out.err
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
	var b strings.Builder
	b.WriteString(indent + "{\"@id\": " + jsonString(j.subject))
	if len(j.types) > 0 {
		t, _ := json.Marshal(j.types)
		b.WriteString(", \"@type\": " + string(t))
	}
	for _, k := range j.props {
		v, _ := json.Marshal(j.values[k])
		b.WriteString(",\n" + indent + "  " + jsonString(k) + ": " + string(v))
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
func (j *jsonldWriter) value(t kg.Term) any {
	if t.IsIRI() {
		return map[string]string{"@id": t.Value}
	}
	v := map[string]string{"@value": t.Value}
	switch {
	case t.Lang != "":
		v["@language"] = t.Lang
	case t.Datatype != "" && t.Datatype != kg.NSXSD+"string":
		v["@type"] = j.compact(t.Datatype)
	}
	return v
}

// compact writes an IRI as a compact IRI where a prefix fits, else whole.
func (j *jsonldWriter) compact(iri string) string {
	if c, ok := compact(j.prefixes, iri); ok {
		return c
	}
	return iri
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
