package linkeddata_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/linkeddata"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/civicgraph/civicgraph/store"
)

const base = "https://w3id.org/civicgraph"

var iris = kg.NewIRIs(base)

// MustOpenData opens a memory store with the built-in dataset.
func MustOpenData(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), "memory", func() (store.Source, error) { return loader.Load(data.FS, "data") })
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// MustServe serves the linked-data routes of st.
func MustServe(tb testing.TB, st *store.Store) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(linkeddata.NewHandler(linkeddata.Config{Store: st, IRIs: iris, Playground: true}))
	tb.Cleanup(srv.Close)
	return srv
}

// python is Debian's interpreter, which has python3-rdflib; another python3
// may come first on PATH.
const python = "/usr/bin/python3"

// rdfcheck runs testdata/rdfcheck.py, an rdflib reader, and returns its
// standard output.
func rdfcheck(t *testing.T, args ...string) []byte {
	t.Helper()
	if err := exec.Command(python, "-c", "import rdflib").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("rdflib is missing (apt-get install python3-rdflib): %v", err)
		}
		t.Skipf("rdflib is missing (apt-get install python3-rdflib): %v", err)
	}
	cmd := exec.Command(python, append([]string{"testdata/rdfcheck.py"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rdfcheck %s: %v\n%s", args[0], err, stderr.String())
	}
	return out
}

func exportTo(t *testing.T, g *store.Graph, format string) []byte {
	t.Helper()
	f, ok := rdf.Lookup(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	var buf bytes.Buffer
	w := rdf.NewWriter(&buf, f, rdf.Prefixes(kg.Model{IRIs: iris}))
	if _, err := linkeddata.Export(context.Background(), g, iris, w, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestExportParses checks that every RDF format of the export parses with
// rdflib and holds the same triples as the N-Quads export (and, where
// graphs are kept, the same quads), with no triple written twice.
func TestExportParses(t *testing.T) {
	st := MustOpenData(t)
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	dir := t.TempDir()
	args := []string{"same"}
	var nq []byte
	for _, f := range []string{"nq", "nt", "ttl", "trig", "jsonld"} {
		b := exportTo(t, g, f)
		if f == "nq" {
			nq = b
		}
		path := filepath.Join(dir, "export."+f)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f+"="+path)
	}
	var counts map[string]struct{ Triples, Quads int }
	if err := json.Unmarshal(rdfcheck(t, args...), &counts); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Count(nq, []byte("\n"))
	if counts["nq"].Quads != lines {
		t.Errorf("N-Quads export has %d lines but %d distinct quads: a quad is written twice", lines, counts["nq"].Quads)
	}
	if counts["nt"].Triples != bytes.Count(exportTo(t, g, "nt"), []byte("\n")) {
		t.Errorf("N-Triples export repeats a triple: %+v", counts)
	}
	if counts["nq"].Triples < 5000 {
		t.Errorf("export holds only %d triples", counts["nq"].Triples)
	}
	t.Logf("%+v", counts)
}

// TestHonoursOverRDF asks rdflib, by SPARQL over the exported N-Quads, for
// 马善祥's honours: nine direct triples, whose statements carry the three
// years and their quotes.
func TestHonoursOverRDF(t *testing.T) {
	st := MustOpenData(t)
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	path := filepath.Join(t.TempDir(), "export.nq")
	if err := os.WriteFile(path, exportTo(t, g, "nq"), 0o644); err != nil {
		t.Fatal(err)
	}
	q := `PREFIX cg: <` + base + `/vocab/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?name ?time ?exact WHERE {
  <` + base + `/id/person/ma-shanxiang> cg:award ?h .
  ?h rdfs:label ?name .
  ?st rdf:subject <` + base + `/id/person/ma-shanxiang> ; rdf:predicate cg:award ; rdf:object ?h ; cg:evidence ?ann .
  OPTIONAL { ?st cg:time ?time }
  ?ann oa:hasTarget/oa:hasSelector ?sel . ?sel oa:exact ?exact .
}`
	var rows [][]*string
	if err := json.Unmarshal(rdfcheck(t, "query", "nq="+path, q), &rows); err != nil {
		t.Fatal(err)
	}
	honours, years := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		honours[*r[0]] = true
		if r[1] != nil {
			years[*r[1]] = true
		}
		if r[2] == nil || *r[2] == "" {
			t.Errorf("honour %s has no quote", *r[0])
		}
	}
	if len(honours) != 9 {
		t.Errorf("honours = %v, want 9", honours)
	}
	for _, y := range []string{"2012/2014", "2013", "2020"} {
		if !years[y] {
			t.Errorf("no honour of %s in %v", y, years)
		}
	}
}

func get(t *testing.T, url, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestNegotiation is the content-negotiation table of every kind of IRI.
func TestNegotiation(t *testing.T) {
	st := MustOpenData(t)
	srv := MustServe(t, st)
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	for _, tc := range []struct {
		name, path, accept string
		status             int
		media              string
		contains           string
	}{
		{"OK/Browser", "/id/person/ma-shanxiang", browser, 200, "text/html", "马善祥"},
		{"OK/Any", "/id/person/ma-shanxiang", "*/*", 200, "text/html", "全国时代楷模"},
		{"OK/None", "/id/person/ma-shanxiang", "", 200, "text/html", "马善祥"},
		{"OK/Turtle", "/id/person/ma-shanxiang", "text/turtle", 200, "text/turtle", "cg:award"},
		{"OK/NTriples", "/id/person/ma-shanxiang", "application/n-triples", 200, "application/n-triples", "<" + base + "/vocab/award>"},
		{"OK/NQuads", "/id/person/ma-shanxiang", "application/n-quads", 200, "application/n-quads", "<" + base + "/graph/source/jiangbei-2021-05>"},
		{"OK/TriG", "/id/person/ma-shanxiang", "application/trig", 200, "application/trig", "{"},
		{"OK/JSONLD", "/id/person/ma-shanxiang", "application/ld+json", 200, "application/ld+json", `"@context"`},
		{"OK/JSON", "/id/person/ma-shanxiang", "application/json", 200, "application/ld+json", `"@graph"`},
		{"OK/QValues", "/id/person/ma-shanxiang", "text/html;q=0.5, text/turtle", 200, "text/turtle", "@prefix"},
		{"OK/FormatOverrides", "/id/person/ma-shanxiang?format=ttl", browser, 200, "text/turtle", "@prefix"},
		{"OK/FormatHTML", "/id/person/ma-shanxiang?format=html", "text/turtle", 200, "text/html", "<h1>"},
		{"OK/IdentifierLinkHTML", "/id/company/haier-zhijia", browser, 200, "text/html", `<a href="https://www.sse.com.cn/assortment/stock/list/info/company/index.shtml?COMPANY_CODE=600690"><code>600690.SH</code></a>`},
		{"OK/IdentifierURLRDF", "/id/company/haier-zhijia", "application/n-triples", 200, "application/n-triples", "<https://schema.org/url> <https://www.sse.com.cn/assortment/stock/list/info/company/index.shtml?COMPANY_CODE=600690>"},
		{"ErrNotAcceptable", "/id/person/ma-shanxiang", "image/png", 406, "text/plain", "text/turtle"},
		{"ErrBadFormat", "/id/person/ma-shanxiang?format=xml", "", 400, "text/plain", "ttl"},
		{"ErrUnknownHTML", "/id/person/ma-shanxian", browser, 404, "text/html", "person/ma-shanxiang"},
		{"ErrUnknownRDF", "/id/person/nobody", "text/turtle", 404, "text/plain", "no entity"},
		{"ErrMalformedID", "/id/persn/ma-shanxiang", "", 404, "text/html", "Not found"},
		{"OK/Predicate", "/vocab/award", "text/turtle", 200, "text/turtle", "owl:equivalentProperty schema:award"},
		{"OK/PredicateHTML", "/vocab/award", "", 200, "text/html", "获得荣誉"},
		{"OK/Class", "/vocab/Person", "text/turtle", 200, "text/turtle", "owl:Class"},
		{"ErrUnknownTerm", "/vocab/nothing", "text/turtle", 404, "text/plain", "no term"},
		{"OK/Vocabulary", "/vocab", "text/turtle", 200, "text/turtle", "owl:Ontology"},
		{"OK/VocabularyHTML", "/vocab", "", 200, "text/html", "residentOf"},
		{"OK/Source", "/id/source/jiangbei-2021-05", "text/turtle", 200, "text/turtle", "prov:Entity"},
		{"OK/SourceHTML", "/id/source/jiangbei-2021-05", "", 200, "text/html", "马善祥"},
		{"ErrUnknownSource", "/id/source/nothing", "text/turtle", 404, "text/plain", "no source"},
		{"OK/VoID", "/.well-known/void", "", 200, "text/turtle", "void:triples"},
		{"OK/VoIDHTML", "/.well-known/void", browser, 200, "text/html", "void#dataset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+tc.path, tc.accept)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.media) {
				t.Errorf("Content-Type %q, want %s", ct, tc.media)
			}
			if !strings.Contains(string(body), tc.contains) {
				t.Errorf("body lacks %q:\n%.600s", tc.contains, body)
			}
			if !slices.Contains(resp.Header.Values("Vary"), "Accept") {
				t.Errorf("Vary = %q, want Accept", resp.Header.Values("Vary"))
			}
			if resp.Header.Get("X-Graph-Version") == "" {
				t.Error("no X-Graph-Version")
			}
		})
	}
}

// TestEntityRDF dereferences 马善祥 as Turtle and reads it with rdflib: his
// nine honours as direct triples, their evidence on statement nodes.
func TestEntityRDF(t *testing.T) {
	st := MustOpenData(t)
	srv := MustServe(t, st)
	dir := t.TempDir()
	args := []string{"same"}
	for _, f := range []string{"ttl", "nt", "nq", "trig", "jsonld"} {
		_, body := get(t, srv.URL+"/id/person/ma-shanxiang?format="+f, "")
		path := filepath.Join(dir, "ma."+f)
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f+"="+path)
	}
	rdfcheck(t, args...)
	q := `PREFIX cg: <` + base + `/vocab/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?h (COUNT(?ev) AS ?n) WHERE {
  <` + base + `/id/person/ma-shanxiang> cg:award ?h .
  ?st rdf:subject <` + base + `/id/person/ma-shanxiang> ; rdf:predicate cg:award ; rdf:object ?h ; cg:evidence ?ev .
} GROUP BY ?h`
	var rows [][]*string
	if err := json.Unmarshal(rdfcheck(t, "query", "ttl="+filepath.Join(dir, "ma.ttl"), q), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 9 {
		t.Errorf("honours with evidence = %d, want 9: %v", len(rows), rows)
	}
}

// TestCSV reads the CSV export back: four files with header rows, one row
// per entity, per relation (from its subject) and per figure.
func TestCSV(t *testing.T) {
	st := MustOpenData(t)
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	var buf bytes.Buffer
	if err := linkeddata.WriteCSV(context.Background(), g, iris, &buf, nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := loader.Load(data.FS, "data")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"entities.csv": len(ds.Entities), "relations.csv": len(ds.Relations), "figures.csv": ds.FigureCount(), "sources.csv": len(ds.Sources)}
	for i, f := range zr.File {
		if f.Name != linkeddata.CSVFiles[i].Name {
			t.Errorf("file %d is %s, want %s", i, f.Name, linkeddata.CSVFiles[i].Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.HasPrefix(b, []byte("\uFEFF")) {
			t.Errorf("%s: no byte order mark", f.Name)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !slices.Equal(rows[0], linkeddata.CSVFiles[i].Header) {
			t.Errorf("%s header = %v", f.Name, rows[0])
		}
		if len(rows)-1 != want[f.Name] {
			t.Errorf("%s has %d rows, want %d", f.Name, len(rows)-1, want[f.Name])
		}
		if f.Name == "relations.csv" && !bytes.Contains(b, []byte("2012-2014年度富民兴渝贡献奖特别奖")) {
			t.Errorf("relations.csv lacks the quote of 马善祥's 2012/2014 honour")
		}
	}
}

type collect struct{ qs []kg.Quad }

func (c *collect) Write(qs ...kg.Quad) error { c.qs = append(c.qs, qs...); return nil }
func (c *collect) Close() error              { return nil }

// TestModelDeclared checks the export against its vocabulary: every term of
// ours it uses is declared at /vocab, every node it describes under /id/ is
// an entity or source (or a fragment of one), and the counts add up.
func TestModelDeclared(t *testing.T) {
	st := MustOpenData(t)
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	var c collect
	stats, err := linkeddata.Export(context.Background(), g, iris, &c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Quads != len(c.qs) {
		t.Errorf("Stats.Quads = %d, wrote %d", stats.Quads, len(c.qs))
	}
	vocab := base + "/vocab/"
	declared := func(iri string) bool {
		name, ok := strings.CutPrefix(iri, vocab)
		if !ok {
			return true // another vocabulary's
		}
		_, isPred := kg.LookupPredicate(name)
		_, isTerm := kg.LookupTerm(name)
		return isPred || isTerm
	}
	ids := map[string]bool{}
	for _, id := range append(must(g.EntityIDs(context.Background())), must(g.SourceIDs(context.Background()))...) {
		ids[iris.Entity(id)] = true
	}
	for _, q := range c.qs {
		if !declared(q.P.Value) || q.P.Value == kg.NSRDF+"type" && !declared(q.O.Value) {
			t.Errorf("undeclared term in %v", q)
		}
		if node, ok := strings.CutPrefix(q.S.Value, base+"/id/"); ok {
			doc, _, _ := strings.Cut(q.S.Value, "#")
			if !ids[doc] {
				t.Errorf("%s is described but %s does not dereference", node, doc)
			}
		}
		if q.Graph != "" && !strings.HasPrefix(q.Graph, base+"/graph/") && q.Graph != base+"/vocab" {
			t.Errorf("quad in an unexpected graph: %v", q)
		}
	}
	if stats.Entities != len(must(g.EntityIDs(context.Background()))) || stats.ByKind[kg.Person] == 0 || stats.ByPredicate["award"] == 0 {
		t.Errorf("stats = %+v", stats)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
