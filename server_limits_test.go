package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// limitServers runs one real server per set of flags, shared by the cases of
// one test and stopped when it ends.
type limitServers struct {
	tb   testing.TB
	mu   sync.Mutex
	byFl map[string]*Main
}

func newLimitServers(tb testing.TB) *limitServers {
	return &limitServers{tb: tb, byFl: map[string]*Main{}}
}

func (s *limitServers) get(args ...string) *Main {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.Join(args, " ")
	if m, ok := s.byFl[key]; ok {
		return m
	}
	m := NewMain()
	if err := m.ParseFlags(append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard); err != nil {
		s.tb.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		s.tb.Fatal(err)
	}
	s.tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			s.tb.Errorf("close: %v", err)
		}
	})
	s.byFl[key] = m
	return m
}

// gqlReply is a GraphQL response as the wire has it; HasData tells an
// absent data entry from "data": null.
type gqlReply struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
	Extensions map[string]any
	HasData    bool
}

func readReply(tb testing.TB, resp *http.Response) gqlReply {
	tb.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	var r gqlReply
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("status %d: body is not JSON: %v: %.300s", resp.StatusCode, err, b)
	}
	var keys map[string]json.RawMessage
	json.Unmarshal(b, &keys)
	_, r.HasData = keys["data"]
	return r
}

func gqlBody(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

// deepQuery nests relations { target { … } } under entity until the query
// is depth fields deep (first: 1 keeps its cost low).
func deepQuery(depth int) string {
	// entity is depth 1; relations (even depths) and target (odd) alternate
	// below it, and a scalar of the last one ends the chain.
	q := "name"
	if depth%2 == 1 {
		q = "predicate"
	}
	for d := depth - 1; d >= 2; d-- {
		if d%2 == 0 {
			q = "relations(first: 1) { " + q + " }"
		} else {
			q = "target { " + q + " }"
		}
	}
	return `{ entity(id: "person/ma-shanxiang") { ` + q + ` } }`
}

func aliasQuery(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		b.WriteString(" a" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + ": graphVersion")
	}
	return b.String() + " }"
}

const (
	jsonMedia     = "application/json"
	responseMedia = "application/graphql-response+json"
)

// TestExposureLimits sends each kind of request a public server must
// refuse, and some it must serve, to the real server over HTTP: every
// refusal is a GraphQL error with a code and the right status, never a 500,
// and every answer names the graph version.
func TestExposureLimits(t *testing.T) {
	servers := newLimitServers(t)
	huge := `{"query":"{ graphVersion }","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
	tests := []struct {
		name        string
		flags       []string
		method      string // POST when empty
		accept      string
		contentType string // application/json when empty; "-" for none
		body        string // POST body
		query       string // GET query string
		status      int
		code        string // "" for success without errors
		data        bool   // whether a data entry is expected
		allow       string // the Allow header expected
	}{
		{name: "OKPost", body: gqlBody(`{ graphVersion }`, nil), status: 200, data: true},
		{name: "OKPostGraphQLResponse", accept: responseMedia, body: gqlBody(`{ graphVersion }`, nil), status: 200, data: true},
		{name: "OKGet", method: "GET", query: "query=" + url.QueryEscape(`{ graphVersion }`), status: 200, data: true},
		{name: "OKDepthAtLimit", body: gqlBody(deepQuery(12), nil), status: 200, data: true},
		{name: "OKAliasesAtLimit", body: gqlBody(aliasQuery(30), nil), status: 200, data: true},
		{name: "OKIntrospection", body: gqlBody(`{ __schema { queryType { name } } }`, nil), status: 200, data: true},
		{name: "OKTypenameWithoutIntrospection", flags: []string{"-introspection=false"}, body: gqlBody(`{ __typename }`, nil), status: 200, data: true},
		// Body and deadline.
		{name: "ErrBodyTooLarge", body: huge, status: 413, code: "LIMIT_EXCEEDED"},
		{name: "ErrBodyTooLargeFlag", flags: []string{"-max-body", "64"}, body: gqlBody(`{ graphVersion `+strings.Repeat(" ", 64)+`}`, nil), status: 413, code: "LIMIT_EXCEEDED"},
		{name: "ErrGetTooLarge", flags: []string{"-max-body", "64"}, method: "GET", query: "query=" + url.QueryEscape(`{ graphVersion `+strings.Repeat(" ", 64)+`}`), status: 413, code: "LIMIT_EXCEEDED"},
		{name: "ErrTimeoutBeforeExecution", flags: []string{"-timeout", "1ns"}, body: gqlBody(`{ graphVersion }`, nil), status: 200, code: "TIMEOUT", data: true},
		// The walk's second level waits 50ms to gather a batch, past the
		// deadline however fast the store: the query runs, and is cut.
		{name: "ErrTimeoutDuringExecution", flags: []string{"-timeout", "5ms", "-batch-wait", "50ms", "-cache", "0", "-response-cache", "0", "-max-complexity", "0"},
			body:   gqlBody(`{ entities(first: 1000) { edges { node { name relations { target { name relations { target { name } } } } } } } }`, nil),
			status: 200, code: "TIMEOUT", data: true},
		// Query shape limits: request errors, 200 as application/json, 400
		// without data as application/graphql-response+json.
		{name: "ErrDepth", body: gqlBody(deepQuery(13), nil), status: 200, code: "LIMIT_EXCEEDED"},
		{name: "ErrDepthGraphQLResponse", accept: responseMedia, body: gqlBody(deepQuery(13), nil), status: 400, code: "LIMIT_EXCEEDED"},
		{name: "ErrDepthFlag", flags: []string{"-max-depth", "3"}, body: gqlBody(deepQuery(4), nil), status: 200, code: "LIMIT_EXCEEDED"},
		{name: "ErrAliases", body: gqlBody(aliasQuery(31), nil), status: 200, code: "LIMIT_EXCEEDED"},
		{name: "ErrAliasesGraphQLResponse", accept: responseMedia, body: gqlBody(aliasQuery(31), nil), status: 400, code: "LIMIT_EXCEEDED"},
		{name: "ErrComplexity", body: gqlBody(`{ entities(first: 1000) { edges { node { relations(first: 100) { target { relations(first: 100) { target { name } } } } } } } }`, nil), status: 200, code: "LIMIT_EXCEEDED"},
		{name: "ErrComplexityVariable", accept: responseMedia, body: gqlBody(`query($n: Int) { entities(first: $n) { edges { node { relations(first: 100) { target { name } } } } } }`, map[string]any{"n": 1000}), status: 400, code: "LIMIT_EXCEEDED"},
		{name: "ErrTokens", flags: []string{"-max-tokens", "10"}, body: gqlBody(`{ entity(id: "person/ma-shanxiang") { id name type } }`, nil), status: 200, code: "LIMIT_EXCEEDED"},
		// Too many fields: refused before validation, which would refuse
		// nope (and take a second over 3,000 copies of a field).
		{name: "ErrFields", body: gqlBody(`{`+strings.Repeat(" graphVersion", 3000)+` nope }`, nil), status: 200, code: "LIMIT_EXCEEDED"},
		{name: "ErrFieldsGraphQLResponse", accept: responseMedia, body: gqlBody(`{`+strings.Repeat(" graphVersion", 3000)+` nope }`, nil), status: 400, code: "LIMIT_EXCEEDED"},
		{name: "ErrFieldsFlag", flags: []string{"-max-fields", "3"}, body: gqlBody(`{ graphVersion graphVersion graphVersion graphVersion }`, nil), status: 200, code: "LIMIT_EXCEEDED"},
		{name: "OKFieldsOff", flags: []string{"-max-fields", "0"}, body: gqlBody(`{`+strings.Repeat(" graphVersion", 1500)+` }`, nil), status: 200, data: true},
		// Page defaults above -max-first are lowered to it; a larger first
		// passed is refused.
		{name: "OKFirstDefaultsUnderMaxFirst", flags: []string{"-max-first", "5"}, body: gqlBody(`{ entities { totalCount } search(text: "老马") { matched } }`, nil), status: 200, data: true},
		{name: "ErrFirstOverMaxFirst", flags: []string{"-max-first", "5"}, body: gqlBody(`{ entities(first: 6) { totalCount } }`, nil), status: 200, code: "LIMIT_EXCEEDED", data: true},
		// first: resolver errors, so 200 with data.
		{name: "ErrFirstTooLarge", body: gqlBody(`{ search(text: "马善祥", first: 100000) { matched } }`, nil), status: 200, code: "LIMIT_EXCEEDED", data: true},
		{name: "ErrFirstNegative", body: gqlBody(`{ search(text: "马善祥", first: -1) { matched } }`, nil), status: 200, code: "BAD_USER_INPUT", data: true},
		// Malformed requests.
		{name: "ErrParse", body: gqlBody(`{ entity(id: `, nil), status: 200, code: "BAD_USER_INPUT"},
		{name: "ErrParseGraphQLResponse", accept: responseMedia, body: gqlBody(`{ entity(id: `, nil), status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrValidation", body: gqlBody(`{ nope }`, nil), status: 200, code: "BAD_USER_INPUT"},
		{name: "ErrVariables", accept: responseMedia, body: gqlBody(`query($id: ID!) { entity(id: $id) { name } }`, nil), status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrJSON", body: `{"query": "{ graphVersion }"`, status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrMissingQuery", body: `{"variables": {}}`, status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrQueryNotString", body: `{"query": 7}`, status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrEmptyBody", body: ``, status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrNoContentType", contentType: "-", body: gqlBody(`{ graphVersion }`, nil), status: 415, code: "BAD_USER_INPUT"},
		{name: "ErrFormContentType", contentType: "application/x-www-form-urlencoded", body: "query=%7B+graphVersion+%7D", status: 415, code: "BAD_USER_INPUT"},
		{name: "ErrNotAcceptable", accept: "text/html", body: gqlBody(`{ graphVersion }`, nil), status: 406, code: "BAD_USER_INPUT"},
		{name: "ErrGetMissingQuery", method: "GET", status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrGetMutation", method: "GET", query: "query=" + url.QueryEscape(`mutation { reload }`), status: 405, code: "BAD_USER_INPUT", allow: "POST"},
		{name: "ErrPut", method: "PUT", body: gqlBody(`{ graphVersion }`, nil), status: 405, code: "BAD_USER_INPUT", allow: "GET, POST"},
		{name: "ErrDelete", method: "DELETE", status: 405, code: "BAD_USER_INPUT", allow: "GET, POST"},
		// Introspection off.
		{name: "ErrSchemaIntrospectionOff", flags: []string{"-introspection=false"}, body: gqlBody(`{ __schema { queryType { name } } }`, nil), status: 200, code: "BAD_USER_INPUT"},
		{name: "ErrTypeIntrospectionOff", flags: []string{"-introspection=false"}, accept: responseMedia, body: gqlBody(`{ x: __type(name: "Query") { name } }`, nil), status: 400, code: "BAD_USER_INPUT"},
		{name: "ErrFragmentIntrospectionOff", flags: []string{"-introspection=false"}, body: gqlBody(`{ ...F } fragment F on Query { __schema { types { name } } }`, nil), status: 200, code: "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := servers.get(tt.flags...)
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			u := m.URL() + "/graphql"
			if tt.query != "" {
				u += "?" + tt.query
			}
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequest(method, u, body)
			if err != nil {
				t.Fatal(err)
			}
			switch tt.contentType {
			case "-":
			case "":
				if method == http.MethodPost {
					req.Header.Set("Content-Type", jsonMedia)
				}
			default:
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r := readReply(t, resp)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d; errors %+v", resp.StatusCode, tt.status, r.Errors)
			}
			wantMedia := jsonMedia
			if tt.accept == responseMedia {
				wantMedia = responseMedia
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantMedia) {
				t.Errorf("Content-Type %q, want %s", ct, wantMedia)
			}
			if tt.code == "" && len(r.Errors) > 0 {
				t.Errorf("errors %+v, want none", r.Errors)
			}
			if tt.code != "" {
				if len(r.Errors) == 0 {
					t.Fatalf("no errors, want code %s; data %s", tt.code, r.Data)
				}
				for _, e := range r.Errors {
					if e.Extensions["code"] != tt.code || e.Message == "" {
						t.Errorf("error %q with code %v, want %s", e.Message, e.Extensions["code"], tt.code)
					}
				}
			}
			if r.HasData != tt.data {
				t.Errorf("data entry present: %v, want %v (%s)", r.HasData, tt.data, r.Data)
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			version := resp.Header.Get("X-Graph-Version")
			if version == "" || r.Extensions["graphVersion"] != version {
				t.Errorf("X-Graph-Version %q, extensions.graphVersion %v: want both, equal", version, r.Extensions["graphVersion"])
			}
		})
	}
}

func TestPlaygroundFlag(t *testing.T) {
	servers := newLimitServers(t)
	tests := []struct {
		name   string
		flags  []string
		status int
	}{
		{"OKOn", nil, http.StatusOK},
		{"ErrOff", []string{"-playground=false"}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Get(servers.get(tt.flags...).URL() + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("GET / %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

func TestReadyzNamesVersion(t *testing.T) {
	m := newLimitServers(t).get()
	resp, err := http.Get(m.URL() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Status, GraphVersion string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body.Status != "ready" || body.GraphVersion == "" || resp.Header.Get("X-Graph-Version") != body.GraphVersion {
		t.Errorf("status %d body %+v X-Graph-Version %q", resp.StatusCode, body, resp.Header.Get("X-Graph-Version"))
	}
}

func TestLimitFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		ok   bool
	}{
		{"OKDefaults", nil, true},
		{"OKNoLimits", []string{"-max-fields", "0", "-max-depth", "0", "-max-complexity", "0", "-max-aliases", "0", "-max-tokens", "0", "-max-body", "0", "-timeout", "0"}, true},
		{"OKDoubleDash", []string{"--max-depth", "5", "--timeout", "2s"}, true},
		{"ErrNegativeDepth", []string{"-max-depth", "-1"}, false},
		{"ErrNegativeFields", []string{"-max-fields", "-1"}, false},
		{"ErrNegativeBody", []string{"-max-body", "-1"}, false},
		{"ErrWriteTimeoutTooShort", []string{"-timeout", "30s", "-write-timeout", "30s"}, false},
		{"ErrZeroReadTimeout", []string{"-read-timeout", "0"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewMain().ParseFlags(tt.args, io.Discard)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseFlags(%q) = %v, want ok %v", tt.args, err, tt.ok)
			}
			if err != nil && !errors.Is(err, errUsage) {
				t.Errorf("error %v is not a usage error", err)
			}
		})
	}
	m := NewMain()
	if err := m.ParseFlags([]string{"--max-depth", "5", "--timeout", "2s"}, io.Discard); err != nil || m.MaxDepth != 5 || m.Timeout != 2*time.Second {
		t.Errorf("got depth %d timeout %s, err %v", m.MaxDepth, m.Timeout, err)
	}
}

func TestRecoverPanics(t *testing.T) {
	h := recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret internals") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"INTERNAL"`) || strings.Contains(w.Body.String(), "secret") {
		t.Errorf("status %d body %s", w.Code, w.Body)
	}
}

// TestGraphQLOverHTTPAudit runs the audit suite of the npm package
// graphql-http against the real server: every MUST and SHOULD audit must
// pass. It needs Node.js and npm; without them it skips, except under CI.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node, dir := nodeProject(t, "httpaudit", "the GraphQL-over-HTTP audit")

	m := newLimitServers(t).get()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "audit.mjs", m.URL()+"/graphql")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("node audit.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("GraphQL-over-HTTP audit failed: %v", err)
	}
	if !bytes.Contains(out, []byte("PASS: every MUST and SHOULD audit passed")) {
		t.Fatal("the audit did not report its result")
	}
}

// nodeProject returns node and the absolute path of test/NAME with its
// node_modules installed from its lock file. Without Node.js and npm it
// skips, except under CI, where it fails.
func nodeProject(t *testing.T, name, what string) (node, dir string) {
	t.Helper()
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node and npm are needed for %s (CI is set): %v %v", what, errNode, errNpm)
		}
		t.Skipf("node or npm not installed: skipping %s (install Node.js, or `make deps`)", what)
	}
	dir, err := filepath.Abs(filepath.Join("test", name))
	if err != nil {
		t.Fatal(err)
	}
	ensureNodeModules(t, npm, dir)
	return node, dir
}

// ensureNodeModules runs `npm ci` when node_modules is missing or was
// installed from another package-lock.json (a stamp of its hash tells).
func ensureNodeModules(t *testing.T, npm, dir string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	stamp := filepath.Join(dir, "node_modules", ".civicgraph-lock-sha256")
	if got, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(got)) == want {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
	if err := os.WriteFile(stamp, []byte(want+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
