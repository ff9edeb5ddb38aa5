package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const canonical = "https://w3id.org/civicgraph"

func httpDo(t *testing.T, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
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

// TestIRIsStayPut serves the dataset on two ports: the IRIs and the export
// bytes are the same, and entity(id:) takes the short id, the canonical IRI
// and an IRI under the serving host, but not one under another host.
func TestIRIsStayPut(t *testing.T) {
	a, b := MustRunMain(t), MustRunMain(t)
	if a.URL() == b.URL() {
		t.Fatal("both servers on one address")
	}
	var exports [2][]byte
	for i, m := range []*Main{a, b} {
		resp, body := httpDo(t, http.MethodGet, m.URL()+"/export?format=nq", nil)
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Fatalf("%s/export: %d", m.URL(), resp.StatusCode)
		}
		exports[i] = body
		_, r := postQuery(t, m, `{ entity(id:"person/ma-shanxiang") { iri } }`)
		if !strings.Contains(string(r.Data), canonical+"/id/person/ma-shanxiang") {
			t.Errorf("%s: iri = %s", m.URL(), r.Data)
		}
	}
	if !bytes.Equal(exports[0], exports[1]) {
		t.Error("the two servers export different bytes")
	}
	if bytes.Contains(exports[0], []byte("127.0.0.1")) {
		t.Error("the export names the serving host")
	}
	for _, tc := range []struct {
		name, id string
		found    bool
	}{
		{"OK/ID", "person/ma-shanxiang", true},
		{"OK/Canonical", canonical + "/id/person/ma-shanxiang", true},
		{"OK/ServingHost", a.URL() + "/id/person/ma-shanxiang", true},
		{"OK/ServingHostHTTPS", strings.Replace(a.URL(), "http://", "https://", 1) + "/id/person/ma-shanxiang", true},
		{"ErrOtherHost", b.URL() + "/id/person/ma-shanxiang", false},
		{"ErrOtherBase", "https://example.org/id/person/ma-shanxiang", false},
		{"ErrUnknown", canonical + "/id/person/nobody", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := postQuery(t, a, `{ entity(id:"`+tc.id+`") { name } }`)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %v", r.Errors)
			}
			if got := strings.Contains(string(r.Data), "马善祥"); got != tc.found {
				t.Errorf("entity(id:%q) = %s, want found %v", tc.id, r.Data, tc.found)
			}
		})
	}
}

// TestCORS sends a preflight and a simple request to every read route: each
// is open to any origin without credentials; the admin route is not.
func TestCORS(t *testing.T) {
	m := MustRunMain(t, "-write-token", "secret")
	const origin = "https://elsewhere.example"
	for _, tc := range []struct {
		path, method, headers string
	}{
		{"/graphql?query=%7B__typename%7D", http.MethodGet, ""},
		{"/graphql", http.MethodPost, "content-type"},
		{"/id/person/ma-shanxiang", http.MethodGet, ""},
		{"/id/source/jiangbei-2021-05", http.MethodGet, "accept"},
		{"/vocab", http.MethodGet, ""},
		{"/vocab/award", http.MethodGet, ""},
		{"/export?format=nt", http.MethodGet, ""},
		{"/.well-known/void", http.MethodGet, ""},
		{"/fragments?predicate=https%3A%2F%2Fw3id.org%2Fcivicgraph%2Fvocab%2Faward", http.MethodGet, "accept"},
	} {
		t.Run("OK"+tc.path, func(t *testing.T) {
			pre := map[string]string{"Origin": origin, "Access-Control-Request-Method": tc.method}
			if tc.headers != "" {
				pre["Access-Control-Request-Headers"] = tc.headers
			}
			resp, _ := httpDo(t, http.MethodOptions, m.URL()+tc.path, pre)
			if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), tc.method) {
				t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
			}
			if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("preflight allows credentials")
			}
			if tc.method == http.MethodGet {
				resp, _ = httpDo(t, http.MethodGet, m.URL()+tc.path, map[string]string{"Origin": origin})
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
					!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "X-Graph-Version") {
					t.Errorf("GET: %d %v", resp.StatusCode, resp.Header)
				}
			}
		})
	}
	t.Run("ErrAdmin", func(t *testing.T) {
		resp, _ := httpDo(t, http.MethodOptions, m.URL()+"/admin/reload", map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"})
		if resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.StatusCode/100 == 2 {
			t.Errorf("preflight of /admin/reload: %d %v", resp.StatusCode, resp.Header)
		}
		resp, _ = httpDo(t, http.MethodPost, m.URL()+"/admin/reload", map[string]string{"Origin": origin, "Authorization": "Bearer secret"})
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("POST /admin/reload answered cross-origin: %v", resp.Header)
		}
	})
	t.Run("ErrWriteMethod", func(t *testing.T) {
		resp, _ := httpDo(t, http.MethodOptions, m.URL()+"/id/person/ma-shanxiang", map[string]string{"Origin": origin, "Access-Control-Request-Method": "DELETE"})
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight of DELETE allowed: %v", resp.Header)
		}
	})
	t.Run("ErrCredentialsHeader", func(t *testing.T) {
		resp, _ := httpDo(t, http.MethodOptions, m.URL()+"/graphql", map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"})
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight with Authorization allowed: %v", resp.Header)
		}
	})
}

// TestExportCommand runs `civicgraph export`: every format, to standard
// output and to a file, equal to GET /export, quiet when not on a terminal.
func TestExportCommand(t *testing.T) {
	m := MustRunMain(t)
	dir := t.TempDir()
	for _, f := range []string{"nq", "nt", "ttl", "trig", "jsonld", "csv"} {
		t.Run("OK/"+f, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), []string{"export", "-format", f}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if stderr.Len() > 0 {
				t.Errorf("stderr not quiet when piped: %q", stderr.String())
			}
			_, served := httpDo(t, http.MethodGet, m.URL()+"/export?format="+f, nil)
			if !bytes.Equal(stdout.Bytes(), served) {
				t.Errorf("export -format %s differs from GET /export (%d and %d bytes)", f, stdout.Len(), len(served))
			}
			path := filepath.Join(dir, "graph."+f)
			if code := run(context.Background(), []string{"export", "-format", f, "-o", path}, io.Discard, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, stdout.Bytes()) {
				t.Errorf("-o %s: %v, %d bytes", path, err, len(b))
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrFormat", []string{"export", "-format", "xml"}, "unknown -format"},
		{"ErrBase", []string{"export", "-base-iri", "ftp://x"}, "-base-iri"},
		{"ErrArgument", []string{"export", "extra"}, "unexpected argument"},
		{"ErrDataWithStore", []string{"export", "-store", "bolt:" + dir, "-data", "data"}, "-data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tc.args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tc.want)
			}
		})
	}
	t.Run("ErrOutputKept", func(t *testing.T) {
		path := filepath.Join(dir, "kept.nq")
		os.WriteFile(path, []byte("old\n"), 0o644)
		var stderr bytes.Buffer
		if code := run(context.Background(), []string{"export", "-o", path, "-data", filepath.Join(dir, "missing")}, io.Discard, &stderr); code == 0 {
			t.Fatal("export of a missing data folder succeeded")
		}
		if b, _ := os.ReadFile(path); string(b) != "old\n" {
			t.Errorf("a failed export replaced %s", path)
		}
	})
}

// TestVoID reads the dataset description: counts that match the export,
// the licence, and where the export is.
func TestVoID(t *testing.T) {
	m := MustRunMain(t)
	_, nq := httpDo(t, http.MethodGet, m.URL()+"/export?format=nq", nil)
	lines := bytes.Count(nq, []byte("\n"))
	_, body := httpDo(t, http.MethodGet, m.URL()+"/.well-known/void?format=jsonld", nil)
	var doc struct {
		Graph []map[string]json.RawMessage `json:"@graph"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	var ds map[string]json.RawMessage
	for _, n := range doc.Graph {
		if string(n["@id"]) == `"`+canonical+`/.well-known/void#dataset"` {
			ds = n
		}
	}
	if ds == nil {
		t.Fatalf("no dataset node in %s", body)
	}
	for key, want := range map[string]string{
		"void:triples":    `"` + itoa(lines) + `"`,
		"dcterms:license": "creativecommons.org/licenses/by/4.0",
		"void:dataDump":   canonical + "/export?format=nq",
		"void:uriSpace":   canonical + "/id/",
	} {
		if !strings.Contains(string(ds[key]), want) {
			t.Errorf("%s = %s, want %s", key, ds[key], want)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestBaseIRIOverride: a private deployment mints its IRIs under -base-iri
// and still serves /id/ and /vocab/ at the root of whatever host reaches it.
func TestBaseIRIOverride(t *testing.T) {
	const private = "https://data.example.org/cg"
	m := MustRunMain(t, "-base-iri", private+"/")
	_, r := postQuery(t, m, `{ entity(id:"`+private+`/id/person/ma-shanxiang") { iri } }`)
	if !strings.Contains(string(r.Data), `"`+private+`/id/person/ma-shanxiang"`) {
		t.Errorf("iri under -base-iri: %s", r.Data)
	}
	_, r = postQuery(t, m, `{ entity(id:"`+canonical+`/id/person/ma-shanxiang") { iri } }`)
	if string(r.Data) != `{"entity":null}` {
		t.Errorf("the canonical IRI still resolves under another base: %s", r.Data)
	}
	resp, body := httpDo(t, http.MethodGet, m.URL()+"/id/person/ma-shanxiang", map[string]string{"Accept": "application/n-triples"})
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<"+private+"/vocab/award>") || strings.Contains(string(body), canonical) {
		t.Errorf("/id/ under -base-iri: %d\n%.300s", resp.StatusCode, body)
	}
	for _, bad := range []string{"ftp://x.org", "https://", "https://x.org/?q=1", "https://x.org/#f", "x.org"} {
		if err := NewMain().ParseFlags([]string{"-base-iri", bad}, io.Discard); err == nil {
			t.Errorf("-base-iri %q accepted", bad)
		}
	}
}

// TestExportDeadline: an export is not cut by the server's write timeout,
// which does cut other responses.
func TestExportDeadline(t *testing.T) {
	m := MustRunMain(t, "-timeout", "0", "-write-timeout", "1ns")
	if _, err := http.Get(m.URL() + "/vocab"); err == nil {
		t.Fatal("a 1ns write timeout did not cut GET /vocab: the test proves nothing")
	}
	resp, body := httpDo(t, http.MethodGet, m.URL()+"/export?format=nt", nil)
	if resp.StatusCode != http.StatusOK || bytes.Count(body, []byte("\n")) < 5000 {
		t.Errorf("export under a 1ns write timeout: %d, %d bytes", resp.StatusCode, len(body))
	}
}
