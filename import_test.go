package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/pgtest"
)

const (
	exampleCSV     = "importer/testdata/chongqing/companies.csv"
	exampleMapping = "importer/testdata/chongqing/mapping.yaml"
	writeToken     = "import-secret"
)

// postImport sends a file (and a mapping) to POST /admin/imports.
func postImport(t *testing.T, m *Main, name, file string, data []byte, mapping []byte) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("name", name)
	fw, _ := mw.CreateFormFile("file", filepath.Base(file))
	fw.Write(data)
	if mapping != nil {
		fw, _ := mw.CreateFormFile("mapping", "mapping.yaml")
		fw.Write(mapping)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, m.URL()+"/admin/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+writeToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func graphVersionOf(t *testing.T, m *Main) string {
	t.Helper()
	resp, _ := postQuery(t, m, `{ __typename }`)
	return resp.Header.Get("X-Graph-Version")
}

// ntLines are the triples of an N-Quads export, graphs dropped.
func ntLines(nq []byte) map[string]bool {
	out := map[string]bool{}
	for l := range strings.SplitSeq(strings.TrimSpace(string(nq)), "\n") {
		l = strings.TrimSuffix(l, " .")
		// A graph term is the last <…> after the object; drop it.
		if i := strings.LastIndex(l, " <"); i > 0 && strings.HasSuffix(l, ">") && strings.Count(l[:i], " ") >= 2 {
			if s := strings.Fields(l[:i]); len(s) >= 3 {
				l = l[:i]
			}
		}
		out[l] = true
	}
	return out
}

// TestImportRoundTrip exports the graph as N-Quads and imports it into an
// empty server: it holds the same triples, in the import's graph, plus the
// import's provenance.
func TestImportRoundTrip(t *testing.T) {
	src := MustRunMain(t)
	_, nq := httpDo(t, http.MethodGet, src.URL()+"/export?format=nq", nil)
	empty := MustRunMain(t, "-empty", "-write-token", writeToken)
	resp, body := postImport(t, empty, "roundtrip", "export.nq", nq, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	_, back := httpDo(t, http.MethodGet, empty.URL()+"/export?format=nq", nil)
	want, got := ntLines(nq), ntLines(back)
	missing := 0
	for l := range want {
		if !got[l] {
			if missing++; missing < 4 {
				t.Errorf("lost in the round trip: %s", l)
			}
		}
	}
	graph := "<" + canonical + "/graph/import/roundtrip>"
	for l := range got {
		if !want[l] && !strings.HasPrefix(l, graph+" ") {
			t.Errorf("the round trip added: %s", l)
			break
		}
	}
	if !bytes.Contains(back, []byte(graph+" .")) {
		t.Error("the imported triples are not in the import's graph")
	}
}

// TestImportFailures: each refused import or removal leaves the served
// graph and its version as they were.
func TestImportFailures(t *testing.T) {
	m := MustRunMain(t, "-write-token", writeToken)
	csv, mapping := mustRead(t, exampleCSV), mustRead(t, exampleMapping)
	if resp, body := postImport(t, m, "taken", "example.csv", csv, mapping); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the example import: %d %s", resp.StatusCode, body)
	}
	before := graphVersionOf(t, m)
	badLine := []byte("<http://example.org/a> <http://example.org/b> \"c\" .\n<http://example.org/a> <http://example.org/b> .\n")
	for _, tc := range []struct {
		name          string
		file          string
		data, mapping []byte
		status        int
		want          string
	}{
		{"ErrBadLine", "bad.nq", badLine, nil, 422, "bad.nq:2"},
		{"ErrBadMapping", "example.csv", csv, []byte("label: 名称\nnonsense: 1\n"), 422, "nonsense"},
		{"ErrUnknownColumn", "example.csv", csv, []byte("label: 名字\n"), 422, "名字"},
		{"ErrIdentifier", "bad.csv", []byte("名称,代码\n某公司,12345\n"), []byte("label: 名称\ntype: company\nidentifiers:\n  - column: 代码\n    scheme: stockCode\n"), 422, "bad.csv:2"},
		{"ErrDuplicateName", "example.csv", csv, mapping, 409, "taken"},
		{"ErrBadName", "example.csv", csv, mapping, 400, "import name"},
		{"ErrNoMapping", "example.csv", csv, nil, 400, "mapping"},
		{"ErrFormat", "data.xml", []byte("<x/>"), nil, 400, "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "new"
			switch tc.name {
			case "ErrDuplicateName":
				name = "taken"
			case "ErrBadName":
				name = "Bad Name"
			}
			resp, body := postImport(t, m, name, tc.file, tc.data, tc.mapping)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
				t.Errorf("status %d, want %d with %q: %s", resp.StatusCode, tc.status, tc.want, body)
			}
			if v := graphVersionOf(t, m); v != before {
				t.Errorf("a refused import changed the graph version %s to %s", before, v)
			}
		})
	}
	t.Run("ErrRemoveUnknown", func(t *testing.T) {
		resp, body := httpDo(t, http.MethodDelete, m.URL()+"/admin/imports/nothing", map[string]string{"Authorization": "Bearer " + writeToken})
		if resp.StatusCode != http.StatusNotFound || graphVersionOf(t, m) != before {
			t.Errorf("removing an unknown import: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("ErrNoToken", func(t *testing.T) {
		resp, _ := httpDo(t, http.MethodGet, m.URL()+"/admin/imports", nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /admin/imports without the token: %d", resp.StatusCode)
		}
	})
}

// exampleLinks reads the link table of the example CSV from its README:
// record key → "entity HOW"; rows not linked are left out.
func exampleLinks(t *testing.T) map[string]string {
	t.Helper()
	how := map[string]string{"identifier": "IDENTIFIER", "sameAs": "SAME_AS", "reconcile": "RECONCILED"}
	out := map[string]string{}
	for l := range strings.SplitSeq(string(mustRead(t, "importer/testdata/chongqing/README.md")), "\n") {
		cells := strings.Split(l, "|")
		if len(cells) != 9 {
			continue
		}
		key, link, to := strings.TrimSpace(cells[2]), strings.TrimSpace(cells[5]), strings.TrimSpace(cells[6])
		if h, ok := how[link]; ok {
			out[key] = to + " " + h
		}
	}
	if len(out) < 5 {
		t.Fatalf("the example's README gives %d links", len(out))
	}
	return out
}

// TestImportExample imports the example CSV: the records link as the table
// says (ambiguous names such as 观音桥 never link by themselves), 江北区
// shows its linked record, and removing the import restores the graph.
func TestImportExample(t *testing.T) {
	m := MustRunMain(t, "-write-token", writeToken)
	before := graphVersionOf(t, m)
	resp, body := postImport(t, m, "chongqing", "companies.csv", mustRead(t, exampleCSV), mustRead(t, exampleMapping))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	var rep struct {
		Records, Linked int
		Links           []struct{ Record, Entity, How string }
		Undecided       []struct{ Record, Label string }
	}
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	want := exampleLinks(t)
	got := map[string]string{}
	for _, l := range rep.Links {
		key := l.Record[strings.LastIndex(l.Record, "/")+1:]
		got[key] = l.Entity + " " + l.How
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("record %s linked to %q, want %q", k, got[k], want[k])
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("record %s linked to %s, want no link", k, v)
		}
	}
	undecided := map[string]bool{}
	for _, u := range rep.Undecided {
		undecided[u.Record[strings.LastIndex(u.Record, "/")+1:]] = true
	}
	for _, k := range []string{"p04", "p06", "p07", "p08"} { // pinyin, typos, 观音桥: offered, never linked
		if !undecided[k] {
			t.Errorf("record %s is not reported undecided with candidates: %v", k, rep.Undecided)
		}
	}
	if rep.Records != 32 || rep.Linked != len(want) {
		t.Errorf("%d records, %d linked; want 32 and %d", rep.Records, rep.Linked, len(want))
	}
	_, r := postQuery(t, m, `{ entity(id:"place/jiangbei-qu") { linkedRecords { iri label linkedBy score detail import { name recordCount linkedCount } properties { predicate value } } }
  imports { name source format licence recordCount linkedCount records(first: 2) { iri label line cursor } } }`)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	for _, want := range []string{`"linkedBy":"IDENTIFIER"`, `"detail":"divisionCode 500105"`, `"label":"重庆市江北区"`, `"name":"chongqing"`,
		`"recordCount":32`, `"licence":"https://creativecommons.org/publicdomain/zero/1.0/"`, `"line":2`} {
		if !strings.Contains(string(r.Data), want) {
			t.Errorf("GraphQL lacks %s: %s", want, r.Data)
		}
	}
	_, nq := httpDo(t, http.MethodGet, m.URL()+"/export?format=nq", nil)
	if !bytes.Contains(nq, []byte("<"+canonical+"/graph/import/chongqing> .")) {
		t.Error("the export lacks the import's graph")
	}
	resp, body = httpDo(t, http.MethodDelete, m.URL()+"/admin/imports/chongqing", map[string]string{"Authorization": "Bearer " + writeToken})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("remove: %d %s", resp.StatusCode, body)
	}
	if v := graphVersionOf(t, m); v != before {
		t.Errorf("after removal the version is %s, want %s as before the import", v, before)
	}
	_, r = postQuery(t, m, `{ entity(id:"place/jiangbei-qu") { linkedRecords { iri } } imports { name } }`)
	if !slices.Contains([]string{`{"entity":{"linkedRecords":[]},"imports":[]}`}, string(r.Data)) {
		t.Errorf("after removal: %s", r.Data)
	}
}

// TestImportCommand imports the example from the command line into bolt
// and PostgreSQL, lists it, and removes it.
func TestImportCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec func(t *testing.T) string
	}{
		{"OK/Bolt", func(t *testing.T) string { return "bolt:" + t.TempDir() }},
		{"OK/Postgres", func(t *testing.T) string { return pgtest.MustCreateDB(t, pgtest.MustStart(t), "import_command") }},
	} {
		t.Run(tc.name, func(t *testing.T) { testImportCommand(t, tc.spec(t)) })
	}
	t.Run("ErrMemory", func(t *testing.T) {
		var errb bytes.Buffer
		if code := run(context.Background(), []string{"import", "-store", "memory", "-name", "x", exampleCSV}, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "persistent") {
			t.Errorf("import into memory: %d %s", code, errb.String())
		}
	})
}

func testImportCommand(t *testing.T, spec string) {
	cli := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, &out, &errb)
		return out.String(), errb.String(), code
	}
	if _, e, code := cli("load", "-store", spec); code != 0 {
		t.Fatalf("load: %s", e)
	}
	out, e, code := cli("import", "-store", spec, "-name", "chongqing", "-mapping", exampleMapping, exampleCSV)
	if code != 0 || !strings.Contains(out, "imported chongqing: 32 records, 10 linked") {
		t.Fatalf("import: %d %s %s", code, out, e)
	}
	// A server on the store shows the links.
	m := MustRunMain(t, "-store", spec)
	_, r := postQuery(t, m, `{ entity(id:"company/zhifei-shengwu") { linkedRecords { label linkedBy detail } } }`)
	if !strings.Contains(string(r.Data), `"detail":"stockCode 300122.SZ"`) {
		t.Errorf("智飞生物's linked records: %s %v", r.Data, r.Errors)
	}
	out, _, code = cli("imports", "-store", spec)
	if code != 0 || !strings.Contains(out, "chongqing") || !strings.Contains(out, "companies.csv") {
		t.Errorf("imports: %d %s", code, out)
	}
	if _, e, code := cli("import", "-store", spec, "-name", "chongqing", "-mapping", exampleMapping, exampleCSV); code == 0 || !strings.Contains(e, "exists") {
		t.Errorf("a second import of the name: %d %s", code, e)
	}
	if out, e, code := cli("import", "-store", spec, "-remove", "chongqing"); code != 0 || !strings.Contains(out, "removed import chongqing") {
		t.Errorf("remove: %d %s %s", code, out, e)
	}
	if out, _, _ := cli("imports", "-store", spec); strings.Contains(out, "chongqing") {
		t.Errorf("after removal: %s", out)
	}
}

// README's import example shows the command's real output, the graph
// version aside (it hashes the import's time too).
func TestREADMEImport(t *testing.T) {
	b := mustRead(t, "README.md")
	m := regexp.MustCompile("(?s)importer/testdata/chongqing/companies.csv\n```\n\n```\n(imported chongqing.*?)\n```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README has no import example")
	}
	spec := "bolt:" + t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"load", "-store", spec}, io.Discard, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	if code := run(context.Background(), []string{"import", "-store", spec, "-name", "chongqing", "-mapping", exampleMapping, exampleCSV}, &out, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	version := regexp.MustCompile(`graph version [0-9a-f]+`)
	norm := func(s string) string {
		var lines []string
		for l := range strings.SplitSeq(strings.TrimSpace(version.ReplaceAllString(s, "graph version V")), "\n") {
			lines = append(lines, strings.TrimRight(l, " "))
		}
		return strings.Join(lines, "\n")
	}
	if got, want := norm(out.String()), norm(string(m[1])); got != want {
		t.Errorf("README shows\n%s\nthe command prints\n%s", want, got)
	}
}
