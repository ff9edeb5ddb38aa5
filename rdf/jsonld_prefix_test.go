package rdf_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/piprate/json-gold/ld"
)

// An IRI whose scheme is the name of a prefix of the JSON-LD context (cg:x,
// schema:y) is written so that a JSON-LD processor reads it back as it is,
// not as a compact IRI, in a node, as a type, a datatype, a value and a
// named graph; the IRIs around it still read the same.
func TestJSONLDSchemeIsPrefix(t *testing.T) {
	m := kg.Model{IRIs: kg.NewIRIs("https://w3id.org/civicgraph")}
	vocab := m.Vocab("")
	tests := []struct {
		name string
		qs   []kg.Quad
	}{
		{"OKPlain", []kg.Quad{{S: kg.IRI("https://a.org/s"), P: kg.IRI(vocab + "name"), O: kg.Lit("x", "zh")}}},
		{"OKSubject", []kg.Quad{{S: kg.IRI("cg:s"), P: kg.IRI(vocab + "name"), O: kg.IRI(vocab + "x")}}},
		{"OKPredicateTypeDatatype", []kg.Quad{
			{S: kg.IRI("https://a.org/s"), P: kg.IRI("schema:p"), O: kg.Typed("1", "xsd:int")},
			{S: kg.IRI("https://a.org/s"), P: kg.IRI(kg.NSRDF + "type"), O: kg.IRI("cg:T")},
			{S: kg.IRI("https://a.org/s"), P: kg.IRI(kg.NSRDF + "type"), O: kg.IRI(vocab + "Person")},
		}},
		{"OKGraph", []kg.Quad{
			{S: kg.IRI("https://a.org/s"), P: kg.IRI(vocab + "p"), O: kg.IRI("cg:o"), Graph: "cg:g"},
			{S: kg.IRI("cg:s2"), P: kg.IRI("schema:q"), O: kg.Lit("y", ""), Graph: "cg:g"},
			{S: kg.IRI("https://a.org/s3"), P: kg.IRI(vocab + "p"), O: kg.Lit("z", ""), Graph: "https://a.org/g"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := rdf.Lookup("jsonld")
			var b bytes.Buffer
			w := rdf.NewWriter(&b, f, rdf.Prefixes(m))
			if err := w.Write(tt.qs...); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatalf("%v\n%s", err, b.String())
			}
			opts := ld.NewJsonLdOptions("")
			opts.Format = "application/n-quads"
			out, err := ld.NewJsonLdProcessor().ToRDF(doc, opts)
			if err != nil {
				t.Fatalf("%v\n%s", err, b.String())
			}
			got := strings.Split(strings.TrimSpace(out.(string)), "\n")
			nqFormat, _ := rdf.Lookup("nq")
			var want []string
			for _, q := range tt.qs {
				var nq bytes.Buffer
				nw := rdf.NewWriter(&nq, nqFormat, nil)
				nw.Write(q)
				want = append(want, strings.TrimSpace(nq.String()))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("read back\n%s\nwant\n%s\nfrom\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), b.String())
			}
		})
	}
}
