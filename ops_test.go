package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// send makes one request and reads its answer.
func send(t *testing.T, method, target string, header map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
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

// Per-client rate limits: 429 with Retry-After, a GraphQL error at /graphql
// and plain text elsewhere, health checks exempt; a client is the remote
// address, or the rightmost untrusted address of X-Forwarded-For when the
// request comes through a trusted proxy.
func TestRateLimit(t *testing.T) {
	type step struct {
		name   string
		method string
		path   string
		xff    string
		status int
	}
	check := func(t *testing.T, m *Main, s step) {
		body := ""
		if s.method == http.MethodPost {
			body = gqlBody(`{ graphVersion }`, nil)
		}
		header := map[string]string{}
		if s.xff != "" {
			header["X-Forwarded-For"] = s.xff
		}
		resp, b := send(t, s.method, m.URL()+s.path, header, body)
		if resp.StatusCode != s.status {
			t.Fatalf("%s %s: %d %s, want %d", s.method, s.path, resp.StatusCode, b, s.status)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("no X-Request-Id on a %d", resp.StatusCode)
		}
		if s.status != http.StatusTooManyRequests {
			return
		}
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
			t.Errorf("Retry-After %q, want whole seconds, at least 1", resp.Header.Get("Retry-After"))
		}
		ct := resp.Header.Get("Content-Type")
		if s.path == "/graphql" || strings.HasPrefix(s.path, "/graphql?") {
			var body map[string]any
			if err := json.Unmarshal(b, &body); err != nil || codeOf(body) != "LIMIT_EXCEEDED" || !strings.HasPrefix(ct, "application/json") {
				t.Errorf("429 at /graphql: %s %s, want a GraphQL error with code LIMIT_EXCEEDED", ct, b)
			}
		} else if !strings.HasPrefix(ct, "text/plain") || !strings.Contains(string(b), "too many requests") {
			t.Errorf("429 at %s: %s %s, want plain text", s.path, ct, b)
		}
	}
	t.Run("Direct", func(t *testing.T) {
		m := MustRunMain(t, "-client-rate", "0.001", "-client-burst", "2")
		for _, s := range []step{
			{"OKFirst", http.MethodGet, "/graphql?query=" + url.QueryEscape("{ graphVersion }"), "", 200},
			{"OKSecond", http.MethodPost, "/graphql", "", 200},
			{"ErrGraphQL", http.MethodPost, "/graphql", "", 429},
			{"ErrLinkedData", http.MethodGet, "/id/person/ma-shanxiang", "", 429},
			{"ErrPlayground", http.MethodGet, "/", "", 429},
			{"OKHealthz", http.MethodGet, "/healthz", "", 200},
			{"OKReadyz", http.MethodGet, "/readyz", "", 200},
			// Without -trusted-proxies, X-Forwarded-For is the client's own
			// say and changes nothing.
			{"ErrForwardedForIgnored", http.MethodPost, "/graphql", "198.51.100.7", 429},
		} {
			t.Run(s.name, func(t *testing.T) { check(t, m, s) })
		}
	})
	t.Run("TrustedProxies", func(t *testing.T) {
		m := MustRunMain(t, "-client-rate", "0.001", "-client-burst", "1", "-trusted-proxies", "10.0.0.0/8,127.0.0.1")
		for _, s := range []step{
			{"OKClientA", http.MethodPost, "/graphql", "198.51.100.1", 200},
			{"ErrClientAAgain", http.MethodPost, "/graphql", "198.51.100.1", 429},
			{"ErrClientAThroughTwoProxies", http.MethodPost, "/graphql", "198.51.100.1, 10.1.2.3", 429},
			{"OKClientB", http.MethodPost, "/graphql", "198.51.100.1, 198.51.100.2", 200},
			// An address the client wrote left of its own is never believed.
			{"ErrSpoofedLeft", http.MethodPost, "/graphql", "198.51.100.9, 198.51.100.2", 429},
			{"OKProxyItself", http.MethodPost, "/graphql", "", 200},
			{"ErrProxyItselfAgain", http.MethodGet, "/vocab", "", 429},
		} {
			t.Run(s.name, func(t *testing.T) { check(t, m, s) })
		}
	})
	t.Run("ErrFlags", func(t *testing.T) {
		for _, args := range [][]string{{"-client-rate", "-1"}, {"-client-concurrency", "-1"}, {"-trusted-proxies", "proxy.example.org"}} {
			if err := NewMain().ParseFlags(args, io.Discard); err == nil {
				t.Errorf("%v accepted", args)
			}
		}
	})
}

// -client-concurrency: a client with a request in flight gets a 429 for
// the next, other clients do not, and the place is free once it is done.
func TestClientConcurrency(t *testing.T) {
	m := MustRunMain(t, "-client-concurrency", "1", "-trusted-proxies", "127.0.0.1")
	pr, pw := io.Pipe()
	slow, err := http.NewRequest(http.MethodPost, m.URL()+"/graphql", pr)
	if err != nil {
		t.Fatal(err)
	}
	slow.Header.Set("Content-Type", "application/json")
	slow.Header.Set("X-Forwarded-For", "198.51.100.1")
	done := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(slow)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	io.WriteString(pw, `{"query": "{ graph`) // the handler waits for the rest
	a := map[string]string{"X-Forwarded-For": "198.51.100.1"}
	t.Run("ErrSecondInFlight", func(t *testing.T) {
		// The slow request reaches its handler soon; until then the
		// second one passes, so try until it is refused.
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, b := send(t, http.MethodPost, m.URL()+"/graphql", a, gqlBody(`{ graphVersion }`, nil))
			if resp.StatusCode == http.StatusTooManyRequests {
				if resp.Header.Get("Retry-After") != "1" || !strings.Contains(string(b), "LIMIT_EXCEEDED") {
					t.Errorf("429: Retry-After %q, %s", resp.Header.Get("Retry-After"), b)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("never refused while a request was in flight: %d", resp.StatusCode)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("OKOtherClient", func(t *testing.T) {
		resp, b := send(t, http.MethodPost, m.URL()+"/graphql", map[string]string{"X-Forwarded-For": "198.51.100.2"}, gqlBody(`{ graphVersion }`, nil))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	io.WriteString(pw, `Version }"}`)
	pw.Close()
	if code := <-done; code != http.StatusOK {
		t.Fatalf("the slow request: %d", code)
	}
	t.Run("OKAfterDone", func(t *testing.T) {
		resp, b := send(t, http.MethodPost, m.URL()+"/graphql", a, gqlBody(`{ graphVersion }`, nil))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
}

// scrape reads the metrics listener: each series, as written, to its value.
func scrape(t *testing.T, m *Main) map[string]float64 {
	t.Helper()
	resp, b := send(t, http.MethodGet, m.MetricsURL()+"/metrics", nil, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, b)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// Metrics are served on -metrics-addr only, and move with what the server
// does: requests and latency by route, operation name (the playground's
// examples, else "other") and outcome, errors by code, refusals by limit,
// store reads, cache hits, the graph version, loads and reloads, Go's
// runtime.
func TestMetrics(t *testing.T) {
	dir := mustCopyData(t)
	m := MustRunMain(t, "-metrics-addr", "127.0.0.1:0", "-max-depth", "4", "-client-rate", "1000", "-client-burst", "1000", "-data", dir, "-write-token", "tok")
	example := examples[0].Query // query HonoursOfMaShanxiang
	before := scrape(t, m)
	post := func(query string) {
		t.Helper()
		if resp, b := send(t, http.MethodPost, m.URL()+"/graphql", nil, gqlBody(query, nil)); resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
	}
	post(example)
	post(example)
	post(`query Mine { entity(id: "person/ma-shanxiang") { name } }`)
	post(`{ nope }`)
	post(`{ entity(id: "person/ma-shanxiang") { relations { target { relations { target { name } } } } } }`)
	send(t, http.MethodGet, m.URL()+"/graphql?operationName=HonoursOfMaShanxiang&query="+url.QueryEscape(example), nil, "")
	if resp, b := send(t, http.MethodPost, m.URL()+"/admin/reload", map[string]string{"Authorization": "Bearer tok"}, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("reload: %d %s", resp.StatusCode, b)
	}
	_, ready := send(t, http.MethodGet, m.URL()+"/readyz", nil, "")
	after := scrape(t, m)
	version := regexp.MustCompile(`"graphVersion":"([0-9a-f]+)"`).FindStringSubmatch(string(ready))
	if version == nil {
		t.Fatalf("/readyz: %s", ready)
	}

	tests := []struct {
		name   string
		series string
		delta  float64 // -1: present, any value
	}{
		{"OKExampleByName", `civicgraph_graphql_requests_total{operation="HonoursOfMaShanxiang",outcome="ok"}`, 3},
		{"OKExampleLatency", `civicgraph_graphql_request_duration_seconds_count{operation="HonoursOfMaShanxiang",outcome="ok"}`, 3},
		{"OKOtherOperation", `civicgraph_graphql_requests_total{operation="other",outcome="ok"}`, 1},
		{"OKErrorOutcome", `civicgraph_graphql_requests_total{operation="other",outcome="error"}`, 2},
		{"OKRoute", `civicgraph_http_requests_total{outcome="ok",route="/graphql"}`, 4},
		{"OKRouteLatency", `civicgraph_http_request_duration_seconds_count{outcome="error",route="/graphql"}`, 2},
		{"OKReloadRoute", `civicgraph_http_requests_total{outcome="ok",route="POST /admin/reload"}`, 1},
		{"OKErrorsByCode", `civicgraph_errors_total{code="BAD_USER_INPUT"}`, 1},
		{"OKLimitErrors", `civicgraph_errors_total{code="LIMIT_EXCEEDED"}`, 1},
		{"OKRefusedByDepth", `civicgraph_refused_requests_total{limit="depth"}`, 1},
		{"OKNotRefusedByRate", `civicgraph_refused_requests_total{limit="rate"}`, 0},
		{"OKReload", `civicgraph_load_duration_seconds_count{kind="reload",outcome="ok"}`, 1},
		{"OKStart", `civicgraph_load_duration_seconds_count{kind="start",outcome="ok"}`, 0},
		{"OKGraphVersion", `civicgraph_graph_info{version="` + version[1] + `"}`, 0},
		{"OKClients", `civicgraph_ratelimit_clients`, -1},
		{"OKGoRuntime", `go_goroutines`, -1},
		{"OKGoMemory", `go_memstats_heap_alloc_bytes`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := after[tt.series]
			if !ok {
				t.Fatalf("%s is missing", tt.series)
			}
			if tt.delta >= 0 && a-before[tt.series] != tt.delta {
				t.Errorf("%s moved from %v to %v, want by %v", tt.series, before[tt.series], a, tt.delta)
			}
		})
	}
	t.Run("OKStartedOnce", func(t *testing.T) {
		if v := after[`civicgraph_load_duration_seconds_count{kind="start",outcome="ok"}`]; v != 1 {
			t.Errorf("%v loads at start, want 1", v)
		}
	})
	t.Run("OKStoreReadsAndCacheHits", func(t *testing.T) {
		for _, s := range []string{"civicgraph_store_reads_total", "civicgraph_cache_hits_total"} {
			if after[s] <= before[s] {
				t.Errorf("%s did not move: %v then %v", s, before[s], after[s])
			}
		}
	})
	t.Run("ErrNotOnMainListener", func(t *testing.T) {
		resp, b := send(t, http.MethodGet, m.URL()+"/metrics", nil, "")
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(b), "civicgraph_") {
			t.Errorf("main listener GET /metrics: %d %.100s", resp.StatusCode, b)
		}
		resp, _ = send(t, http.MethodGet, m.URL()+"/debug/pprof/heap", nil, "")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("main listener GET /debug/pprof/heap: %d", resp.StatusCode)
		}
	})
	t.Run("ErrCrossOrigin", func(t *testing.T) {
		resp, _ := send(t, http.MethodGet, m.MetricsURL()+"/metrics", map[string]string{"Origin": "https://evil.example"}, "")
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("cross-origin: %d, Access-Control-Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})
	t.Run("OKPprof", func(t *testing.T) {
		for _, p := range []string{"/debug/pprof/heap?gc=1&debug=1", "/debug/pprof/goroutine?debug=1"} {
			resp, b := send(t, http.MethodGet, m.MetricsURL()+p, nil, "")
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "profile") {
				t.Errorf("%s: %d %.100s", p, resp.StatusCode, b)
			}
		}
	})
	t.Run("OKOffByDefault", func(t *testing.T) {
		if u := MustRunMain(t).MetricsURL(); u != "" {
			t.Errorf("metrics listen at %s without -metrics-addr", u)
		}
	})
}

// Every response has an X-Request-Id: the client's when it is a short safe
// token, else a fresh one.
func TestRequestID(t *testing.T) {
	m := MustRunMain(t, "-write-token", "tok")
	fresh := regexp.MustCompile(`^[0-9a-f]{16}$`)
	tests := []struct {
		name, method, path, sent string
		keep                     bool
	}{
		{"OKEchoed", http.MethodGet, "/healthz", "client-42.a_B", true},
		{"OKEchoedOnGraphQL", http.MethodPost, "/graphql", "3f2c1a9e-5b7d-4c1e-9a2b-0d8e7f6a5b4c", true},
		{"OKGenerated", http.MethodGet, "/healthz", "", false},
		{"ErrUnsafeReplaced", http.MethodGet, "/healthz", "a b\"c", false},
		{"ErrTooLongReplaced", http.MethodGet, "/healthz", strings.Repeat("a", 65), false},
		{"OKOn404", http.MethodGet, "/id/person/nobody", "nf-1", true},
		{"OKOn405", http.MethodGet, "/admin/reload", "na-1", true},
		{"OKOn401", http.MethodPost, "/admin/reload", "un-1", true},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := map[string]string{}
			if tt.sent != "" {
				header["X-Request-Id"] = tt.sent
			}
			body := ""
			if tt.path == "/graphql" {
				body = gqlBody(`{ graphVersion }`, nil)
			}
			resp, _ := send(t, tt.method, m.URL()+tt.path, header, body)
			got := resp.Header.Get("X-Request-Id")
			switch {
			case tt.keep && got != tt.sent:
				t.Errorf("X-Request-Id %q, want %q echoed", got, tt.sent)
			case !tt.keep && (!fresh.MatchString(got) || seen[got]):
				t.Errorf("X-Request-Id %q, want 16 fresh hex digits", got)
			}
			seen[got] = true
		})
	}
}

// syncBuffer is a log the server writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLines reads JSON log lines.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for l := range strings.SplitSeq(strings.TrimSpace(log), "\n") {
		var line map[string]any
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, l)
		}
		lines = append(lines, line)
	}
	return lines
}

// runServer runs the serve command as main does, logging to a buffer, until
// the test ends.
func runServer(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	exited := make(chan int, 1)
	go func() { exited <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard, stderr) }()
	t.Cleanup(func() {
		cancel()
		if code := <-exited; code != 0 {
			t.Errorf("exit code %d: %s", code, stderr)
		}
	})
	listening := regexp.MustCompile(`"msg":"listening","addr":"(http://[^"]+)"`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], stderr
		}
		select {
		case code := <-exited:
			exited <- code
			t.Fatalf("exited with %d: %s", code, stderr)
		default:
		}
	}
	t.Fatalf("the server did not start: %s", stderr)
	return "", nil
}

// One access-log line per request, without the query string; the request id
// on every line written for a request, a refused reload's included.
func TestLogLines(t *testing.T) {
	dir := mustCopyData(t)
	base, log := runServer(t, "-log-format", "json", "-data", dir, "-write-token", "tok")
	secret := "secret-variable-value"
	send(t, http.MethodGet, base+"/graphql?query="+url.QueryEscape(`query Q($id: ID!) { entity(id: $id) { name } }`)+"&variables="+url.QueryEscape(`{"id":"`+secret+`"}`), map[string]string{"X-Request-Id": "get-1"}, "")
	send(t, http.MethodPost, base+"/graphql", map[string]string{"X-Request-Id": "post-1"}, `{"query":"query HonoursOfMaShanxiang($id: ID!) { entity(id: $id) { name } }","variables":{"id":"`+secret+`"}}`)
	people := filepath.Join(dir, "entities", "people.yaml")
	orig, err := os.ReadFile(people)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(people, []byte(strings.Replace(string(orig), "name: 马善祥", "name: \"\"", 1)), 0o644)
	if resp, _ := send(t, http.MethodPost, base+"/admin/reload", map[string]string{"Authorization": "Bearer tok", "X-Request-Id": "reload-bad"}, ""); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("reload of bad data: %d", resp.StatusCode)
	}
	os.WriteFile(people, []byte(strings.Replace(string(orig), "aliases: [老马]", "aliases: [老马, 马老师]", 1)), 0o644)
	if resp, _ := send(t, http.MethodPost, base+"/admin/reload", map[string]string{"Authorization": "Bearer tok", "X-Request-Id": "reload-ok"}, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("reload: %d", resp.StatusCode)
	}
	send(t, http.MethodGet, base+"/healthz", map[string]string{"X-Request-Id": "health-1"}, "")

	text := log.String()
	lines := logLines(t, text)
	byID := map[string][]map[string]any{}
	for _, l := range lines {
		if id, ok := l["request_id"].(string); ok {
			byID[id] = append(byID[id], l)
		}
	}
	access := func(id string) map[string]any {
		for _, l := range byID[id] {
			if l["msg"] == "request" {
				return l
			}
		}
		return nil
	}
	tests := []struct {
		name string
		id   string
		want map[string]any // fields of the access-log line
		msgs []string       // other lines the request wrote
	}{
		{"OKGet", "get-1", map[string]any{"method": "GET", "path": "/graphql", "status": 200.0, "operation": "Q", "client": "127.0.0.1"}, nil},
		{"OKPost", "post-1", map[string]any{"method": "POST", "path": "/graphql", "status": 200.0, "operation": "HonoursOfMaShanxiang"}, nil},
		{"ErrReloadRefusedLogged", "reload-bad", map[string]any{"path": "/admin/reload", "status": 422.0}, []string{"reload refused: invalid data; the served graph is unchanged"}},
		{"OKReloadLogged", "reload-ok", map[string]any{"path": "/admin/reload", "status": 200.0}, []string{"serving graph", "reloaded"}},
		{"OKHealth", "health-1", map[string]any{"path": "/healthz", "status": 200.0}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := access(tt.id)
			if a == nil {
				t.Fatalf("no access-log line with request_id %s in:\n%s", tt.id, text)
			}
			n := 0
			for _, l := range byID[tt.id] {
				if l["msg"] == "request" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d access-log lines, want 1", n)
			}
			for k, v := range tt.want {
				if a[k] != v {
					t.Errorf("%s = %v, want %v: %v", k, a[k], v, a)
				}
			}
			for _, k := range []string{"bytes", "duration_ms", "graph_version", "client"} {
				if _, ok := a[k]; !ok {
					t.Errorf("the access-log line lacks %s: %v", k, a)
				}
			}
			for _, msg := range tt.msgs {
				found := false
				for _, l := range byID[tt.id] {
					found = found || l["msg"] == msg
				}
				if !found {
					t.Errorf("no line %q with request_id %s in:\n%s", msg, tt.id, text)
				}
			}
		})
	}
	t.Run("ErrNoVariablesLogged", func(t *testing.T) {
		if strings.Contains(text, secret) {
			t.Errorf("a variable reached the log:\n%s", text)
		}
	})
}
