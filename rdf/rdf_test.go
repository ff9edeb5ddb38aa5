package rdf_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
)

var prefixes = []rdf.Prefix{{"ex", "http://example.org/"}, {"xsd", kg.NSXSD}, {"rdf", kg.NSRDF}}

func write(t *testing.T, format string, qs ...kg.Quad) string {
	t.Helper()
	f, ok := rdf.Lookup(format)
	if !ok {
		t.Fatalf("Lookup(%q) failed", format)
	}
	var buf bytes.Buffer
	w := rdf.NewWriter(&buf, f, prefixes)
	if err := w.Write(qs...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func q(s, p string, o kg.Term, g string) kg.Quad {
	return kg.Quad{S: kg.IRI(s), P: kg.IRI(p), O: o, Graph: g}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ttl", "ttl"}, {"turtle", "ttl"}, {"text/turtle", "ttl"}, {"Turtle", "ttl"},
		{"jsonld", "jsonld"}, {"json-ld", "jsonld"}, {"application/ld+json", "jsonld"},
		{"nt", "nt"}, {"n-triples", "nt"}, {"application/n-triples", "nt"},
		{"nq", "nq"}, {"nquads", "nq"}, {"application/n-quads", "nq"},
		{"trig", "trig"}, {"application/trig", "trig"},
	} {
		if f, ok := rdf.Lookup(tc.in); !ok || f.Name != tc.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tc.in, f.Name, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "xml", "rdf/xml", "text/html", "csv"} {
		if _, ok := rdf.Lookup(bad); ok {
			t.Errorf("Lookup(%q) found a format", bad)
		}
	}
}

// TestEscapes writes the characters each syntax must escape.
func TestEscapes(t *testing.T) {
	tricky := kg.Lit("a \"quote\", a \\ backslash,\nnew line\ttab\r\x01 and 中文", "zh-Hans")
	want := `"a \"quote\", a \\ backslash,\nnew line\ttab\r\u0001 and 中文"@zh-Hans`
	for _, f := range []string{"nt", "nq", "ttl", "trig"} {
		if out := write(t, f, q("http://example.org/s", "http://example.org/p", tricky, "")); !strings.Contains(out, want) {
			t.Errorf("%s: %s lacks %s", f, out, want)
		}
	}
	out := write(t, "nt", q("http://example.org/a b<c>", "http://example.org/p", kg.IRI("http://example.org/{x}"), ""))
	if !strings.Contains(out, `<http://example.org/a\u0020b\u003Cc\u003E>`) || !strings.Contains(out, `<http://example.org/\u007Bx\u007D>`) {
		t.Errorf("IRI escapes: %s", out)
	}
}

// TestTurtleShape checks prefixed names, "a", ";" and "," and that a name
// unsafe after a prefix is written whole.
func TestTurtleShape(t *testing.T) {
	out := write(t, "ttl",
		q("http://example.org/s", kg.NSRDF+"type", kg.IRI("http://example.org/Thing"), ""),
		q("http://example.org/s", "http://example.org/p", kg.Int(1), ""),
		q("http://example.org/s", "http://example.org/p", kg.IRI("http://example.org/id/x#frag"), ""),
		q("http://example.org/t", "http://example.org/p", kg.Lit("plain", ""), ""),
	)
	for _, want := range []string{
		"@prefix ex: <http://example.org/> .",
		"ex:s a ex:Thing ;\n    ex:p \"1\"^^xsd:integer, <http://example.org/id/x#frag> .",
		"ex:t ex:p \"plain\" .",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Turtle lacks %q:\n%s", want, out)
		}
	}
}

// TestGraphs checks that formats with graphs keep them and the others merge
// them, and that a subject that comes back is still written.
func TestGraphs(t *testing.T) {
	qs := []kg.Quad{
		q("http://example.org/s", "http://example.org/p", kg.Lit("default", ""), ""),
		q("http://example.org/s", "http://example.org/p", kg.Lit("named", ""), "http://example.org/g"),
		q("http://example.org/s", "http://example.org/p", kg.Lit("again", ""), ""),
	}
	for f, want := range map[string][]string{
		"nq":     {`<http://example.org/s> <http://example.org/p> "named" <http://example.org/g> .`, `"default" .`},
		"nt":     {`<http://example.org/s> <http://example.org/p> "named" .`},
		"trig":   {"<http://example.org/g> {\n  ex:s ex:p \"named\" .\n}", "ex:s ex:p \"again\" ."},
		"jsonld": {`{"@id": "http://example.org/g", "@graph": [`, `"@value":"again"`},
	} {
		out := write(t, f, qs...)
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", f, w, out)
			}
		}
	}
}

func TestGrouped(t *testing.T) {
	a := q("http://example.org/a", "http://example.org/p", kg.Int(1), "")
	b := q("http://example.org/b", "http://example.org/p", kg.Int(2), "")
	a2 := q("http://example.org/a", "http://example.org/p", kg.Int(3), "")
	ag := q("http://example.org/a", "http://example.org/p", kg.Int(4), "http://example.org/g")
	got := rdf.Grouped([]kg.Quad{a, b, ag, a2})
	want := []kg.Quad{a, a2, b, ag}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Grouped = %v, want %v", got, want)
		}
	}
}

// TestEmpty writes valid empty documents.
func TestEmpty(t *testing.T) {
	if out := write(t, "jsonld"); !strings.Contains(out, `"@graph": [`) || !strings.HasSuffix(out, "]\n}\n") {
		t.Errorf("empty JSON-LD: %s", out)
	}
	if out := write(t, "nq"); out != "" {
		t.Errorf("empty N-Quads: %q", out)
	}
}
