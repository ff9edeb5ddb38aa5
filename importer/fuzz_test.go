package importer_test

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/importer"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
)

// FuzzParseNQuads: Parse never panics on N-Quads; it refuses the input
// with ErrInvalid, or gives an import whose triples, written back with the
// rdf package's N-Quads writer, parse again into the same import (lines
// apart, since the file is rewritten a triple a line).
func FuzzParseNQuads(f *testing.F) {
	for _, file := range []string{"testdata/small.nq", "testdata/small.nt"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"<http://a/s> <http://a/p> \"x\"@zh-hans .\n",
		"_:b <http://a/p> \"01\"^^<http://www.w3.org/2001/XMLSchema#integer> _:g .\n",
		"<http://a/s> <https://schema.org/identifier> _:i .\n_:i <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/PropertyValue> .\n_:i <https://schema.org/propertyID> \"stockCode\" .\n_:i <https://schema.org/value> \"000625\" .\n",
		"<http://a/s> <http://a/p> \"\\u0000\\t\\\"\" . # c\r\n",
		"<http://a/\\u0020> <http://a/p> <rel> .\n",
		"<http://a/s> <http://a/p> \"unterminated .\n",
		"_:b.1 <http://a/p> _:b.1 .\n<https://w3id.org/civicgraph/import/fuzz/.well-known/genid/b.1> <http://a/p> \"x\" .\n",
	} {
		f.Add([]byte(s))
	}
	nq, _ := rdf.Lookup("nq")
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := importer.Parse(bytes.NewReader(data), "fuzz.nq", "nq", nil, base, "fuzz")
		if err != nil {
			if !errors.Is(err, importer.ErrInvalid) || imp != nil {
				t.Fatalf("Parse = %v, %v; want nil and an ErrInvalid", imp, err)
			}
			return
		}
		var b bytes.Buffer
		w := rdf.NewWriter(&b, nq, nil)
		if err := w.Write(imp.Triples...); err != nil {
			t.Fatal(err)
		}
		again, err := importer.Parse(&b, "fuzz.nq", "nq", nil, base, "fuzz")
		if err != nil {
			t.Fatalf("the import's triples, written back, do not parse: %v\n%s", err, b.String())
		}
		if !slices.Equal(again.Triples, imp.Triples) {
			t.Fatalf("triples changed:\n%v\n%v", imp.Triples, again.Triples)
		}
		if len(again.Records) != len(imp.Records) {
			t.Fatalf("%d records, then %d", len(imp.Records), len(again.Records))
		}
		for i, r := range imp.Records {
			r2 := again.Records[i]
			r.Line, r2.Line = 0, 0
			if !equalRecords(r, r2) {
				t.Fatalf("record changed:\n%+v\n%+v", r, r2)
			}
		}
		for _, q := range imp.Triples {
			if q.Graph != "" || !q.S.IsIRI() || !q.P.IsIRI() || q.S.Kind != kg.TermIRI {
				t.Fatalf("triple %v: not an IRI subject and predicate in the default graph", q)
			}
		}
	})
}

// FuzzParseJSONLD: Parse never panics on JSON-LD; it refuses the input
// with ErrInvalid or gives triples of IRIs, in the default graph.
func FuzzParseJSONLD(f *testing.F) {
	b, err := os.ReadFile("testdata/small.jsonld")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, s := range []string{
		`{"@id": "http://a/s", "http://a/p": [{"@list": [1, {"@id": "_:x"}]}], "@reverse": {"http://a/q": {"@id": "http://a/o"}}}`,
		`{"@context": {"@vocab": "http://a/", "@language": "zh"}, "@graph": [{"name": "x", "@type": "T"}, {"@id": "_:b", "p": {"@value": "1", "@type": "@json"}}]}`,
		`[{"@context": "http://a/ctx"}]`,
		`{"@context": {"p": {"@id": "http://a/p", "@container": "@index"}}, "p": {"k": "v"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := importer.Parse(bytes.NewReader(data), "fuzz.jsonld", "jsonld", nil, base, "fuzz")
		if err != nil {
			if !errors.Is(err, importer.ErrInvalid) || imp != nil {
				t.Fatalf("Parse = %v, %v; want nil and an ErrInvalid", imp, err)
			}
			return
		}
		for _, q := range imp.Triples {
			if q.Graph != "" || !q.S.IsIRI() || !q.P.IsIRI() {
				t.Fatalf("triple %v: not an IRI subject and predicate in the default graph", q)
			}
		}
	})
}
