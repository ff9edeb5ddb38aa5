package metrics

import (
	"bufio"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape reads the exposition: each series, as written, to its value.
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", w.Code, w.Body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(w.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	reads, hits := int64(7), int64(3)
	m := New(Config{
		Operations: []string{"HonoursOfMaShanxiang"},
		Codes:      []string{"TIMEOUT"},
		Limits:     []string{"depth"},
		Store:      func() (int64, int64, int64) { return reads, hits, 1 },
		Graph:      func() (string, int, bool) { return "9cc91b27f3fea66e", 158, true },
		Clients:    func() int { return 2 },
	})
	h := m.Handler()
	before := scrape(t, h)
	m.GraphQL("HonoursOfMaShanxiang", OK, time.Millisecond)
	m.GraphQL("Mine", Error, time.Millisecond)
	m.Request("/graphql", OK, time.Millisecond)
	m.Errors("BAD_USER_INPUT", "BAD_USER_INPUT")
	m.Refused("rate")
	m.Load("reload", time.Second, nil)
	m.Load("reload", time.Second, errors.New("bad data"))
	done := m.Started()
	reads, hits = 9, 5
	after := scrape(t, h)
	done()
	tests := []struct {
		name         string
		series       string
		before, want float64
	}{
		{"OKKnownOperation", `civicgraph_graphql_requests_total{operation="HonoursOfMaShanxiang",outcome="ok"}`, 0, 1},
		{"OKOtherOperation", `civicgraph_graphql_requests_total{operation="other",outcome="error"}`, 0, 1},
		{"OKLatency", `civicgraph_graphql_request_duration_seconds_count{operation="HonoursOfMaShanxiang",outcome="ok"}`, -1, 1},
		{"OKRoute", `civicgraph_http_requests_total{outcome="ok",route="/graphql"}`, -1, 1},
		{"OKRouteLatency", `civicgraph_http_request_duration_seconds_count{outcome="ok",route="/graphql"}`, -1, 1},
		{"OKInFlight", `civicgraph_http_requests_in_flight`, 0, 1},
		{"OKErrorsByCode", `civicgraph_errors_total{code="BAD_USER_INPUT"}`, -1, 2},
		{"OKKnownCodeAtZero", `civicgraph_errors_total{code="TIMEOUT"}`, 0, 0},
		{"OKRefused", `civicgraph_refused_requests_total{limit="rate"}`, -1, 1},
		{"OKKnownLimitAtZero", `civicgraph_refused_requests_total{limit="depth"}`, 0, 0},
		{"OKLoads", `civicgraph_load_duration_seconds_count{kind="reload",outcome="ok"}`, -1, 1},
		{"OKFailedLoads", `civicgraph_load_duration_seconds_count{kind="reload",outcome="error"}`, -1, 1},
		{"OKStoreReads", `civicgraph_store_reads_total`, 7, 9},
		{"OKCacheHits", `civicgraph_cache_hits_total`, 3, 5},
		{"OKCacheMisses", `civicgraph_cache_misses_total`, 1, 1},
		{"OKGraphVersion", `civicgraph_graph_info{version="9cc91b27f3fea66e"}`, 1, 1},
		{"OKGraphEntities", `civicgraph_graph_entities`, 158, 158},
		{"OKClients", `civicgraph_ratelimit_clients`, 2, 2},
		{"OKGoRuntime", `go_goroutines`, -2, -2},
		{"OKProcess", `process_resident_memory_bytes`, -2, -2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, inBefore := before[tt.series]
			a, inAfter := after[tt.series]
			switch {
			case !inAfter:
				t.Fatalf("%s is missing", tt.series)
			case tt.before == -1 && inBefore:
				t.Errorf("%s exists before anything was counted", tt.series)
			case tt.before >= 0 && (!inBefore || b != tt.before):
				t.Errorf("%s before: %v (present %v), want %v", tt.series, b, inBefore, tt.before)
			case tt.want >= 0 && a != tt.want:
				t.Errorf("%s = %v, want %v", tt.series, a, tt.want)
			}
		})
	}
}

func TestOutcome(t *testing.T) {
	tests := []struct {
		name   string
		status int
		errs   bool
		want   string
	}{
		{"OK", 200, false, OK},
		{"OKRedirect", 303, false, OK},
		{"ErrGraphQL", 200, true, Error},
		{"ErrClient", 400, true, ClientError},
		{"ErrRate", 429, true, RateLimited},
		{"ErrServer", 503, false, ServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Outcome(tt.status, tt.errs); got != tt.want {
				t.Errorf("Outcome(%d, %v) = %s, want %s", tt.status, tt.errs, got, tt.want)
			}
		})
	}
}

func TestHandlerAccess(t *testing.T) {
	h := New(Config{}).Handler()
	tests := []struct {
		name, path, remote string
		header             map[string]string
		status             int
	}{
		{"OKMetrics", "/metrics", "192.0.2.1:1234", nil, 200},
		{"OKBrowserNavigation", "/metrics", "127.0.0.1:1234", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"ErrCrossOrigin", "/metrics", "127.0.0.1:1234", map[string]string{"Origin": "https://evil.example"}, 403},
		{"ErrCrossSite", "/metrics", "127.0.0.1:1234", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"OKPprofLoopback", "/debug/pprof/goroutine?debug=1", "127.0.0.1:1234", nil, 200},
		{"OKPprofHeap", "/debug/pprof/heap?gc=1&debug=1", "[::1]:1234", nil, 200},
		{"ErrPprofRemote", "/debug/pprof/goroutine?debug=1", "192.0.2.1:1234", nil, 403},
		{"ErrNoOtherRoutes", "/graphql", "127.0.0.1:1234", nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d: %.200s", w.Code, tt.status, w.Body)
			}
			if acao := w.Header().Get("Access-Control-Allow-Origin"); acao != "" {
				t.Errorf("Access-Control-Allow-Origin %q on the metrics listener", acao)
			}
		})
	}
}

// The response cache's counts are exported as they are read, counters and
// gauges alike.
func TestWatchResponseCache(t *testing.T) {
	m := New(Config{})
	s := ResponseCacheStats{Hits: 1, Misses: 2, Evictions: 3, Rejected: 4, Bytes: 5000, Entries: 6}
	m.WatchResponseCache(func() ResponseCacheStats { return s })
	h := m.Handler()
	before := scrape(t, h)
	s.Hits, s.Bytes = 11, 4000
	after := scrape(t, h)
	tests := []struct {
		name          string
		series        string
		before, after float64
	}{
		{"OKHits", "civicgraph_response_cache_hits_total", 1, 11},
		{"OKMisses", "civicgraph_response_cache_misses_total", 2, 2},
		{"OKEvictions", "civicgraph_response_cache_evictions_total", 3, 3},
		{"OKRejected", "civicgraph_response_cache_rejected_total", 4, 4},
		{"OKBytesFall", "civicgraph_response_cache_bytes", 5000, 4000},
		{"OKEntries", "civicgraph_response_cache_entries", 6, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, a := before[tt.series], after[tt.series]; b != tt.before || a != tt.after {
				t.Errorf("%s: %v then %v, want %v then %v", tt.series, b, a, tt.before, tt.after)
			}
		})
	}
	t.Run("ErrOffNotExported", func(t *testing.T) {
		if _, ok := scrape(t, New(Config{}).Handler())["civicgraph_response_cache_hits_total"]; ok {
			t.Error("a server without a response cache exports its metrics")
		}
	})
}
