package gqlhttp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/respcache"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// MustCacheHandler is the endpoint with a response cache of 1 MiB and a
// max-age of 60s (changed by edit) over a store of its own holding fixture
// v1, which the test may load v2 into.
func MustCacheHandler(tb testing.TB, edit func(*Config)) (*Handler, *store.Store) {
	tb.Helper()
	st := storetest.MustOpenMemory(tb, storetest.Fixture(tb, "v1"))
	cfg := Config{
		Store: st, IRIs: kg.NewIRIs("http://civicgraph.test"), MaxFirst: 1000, Introspection: true,
		Limits:        Limits{MaxFields: 1000, MaxDepth: 12, MaxComplexity: 50000, MaxAliases: 30, MaxTokens: 10000},
		ResponseCache: 1 << 20, MaxAge: time.Minute,
	}
	if edit != nil {
		edit(&cfg)
	}
	return NewHandler(cfg), st
}

// MustLoad makes src the version st serves.
func MustLoad(tb testing.TB, st *store.Store, fixture string) string {
	tb.Helper()
	v, err := st.Load(context.Background(), storetest.Fixture(tb, fixture))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// gqlRequest is one GraphQL-over-HTTP request to /graphql.
type gqlRequest struct {
	post     bool
	host     string // civicgraph.test when empty
	accept   string
	query    string
	op       string
	vars     string // JSON
	ext      string // JSON
	hashOnly bool   // send the query's hash as a persisted query, without the query
	header   map[string]string
}

func (q gqlRequest) http() *http.Request {
	ext := q.ext
	query := q.query
	if q.hashOnly {
		sum := sha256.Sum256([]byte(q.query))
		ext = `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
		query = ""
	}
	var r *http.Request
	if q.post {
		body := map[string]any{"operationName": q.op}
		if query != "" {
			body["query"] = query
		}
		if q.vars != "" {
			body["variables"] = json.RawMessage(q.vars)
		}
		if ext != "" {
			body["extensions"] = json.RawMessage(ext)
		}
		b, _ := json.Marshal(body)
		r = httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(b)))
		r.Header.Set("Content-Type", "application/json")
	} else {
		v := url.Values{}
		for k, s := range map[string]string{"query": query, "operationName": q.op, "variables": q.vars, "extensions": ext} {
			if s != "" {
				v.Set(k, s)
			}
		}
		r = httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
	}
	r.Host = q.host
	if r.Host == "" {
		r.Host = "civicgraph.test"
	}
	if q.accept != "" {
		r.Header.Set("Accept", q.accept)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	return r
}

// answer is what the endpoint sent.
type answer struct {
	status int
	header http.Header
	body   string
	reply  testReply
}

func serveRequest(tb testing.TB, h http.Handler, q gqlRequest) answer {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, q.http())
	a := answer{status: w.Code, header: w.Header(), body: w.Body.String()}
	if w.Code != http.StatusNotModified {
		if err := json.Unmarshal(w.Body.Bytes(), &a.reply); err != nil {
			tb.Fatalf("status %d: %v: %.300s", w.Code, err, w.Body)
		}
	}
	return a
}

func (a answer) code() string {
	if len(a.reply.Errors) == 0 {
		return ""
	}
	c, _ := a.reply.Errors[0].Extensions["code"].(string)
	return c
}

// entityField reads data.entity[field], "<null>" when entity is null.
func (a answer) entityField(field string) string {
	e, _ := a.reply.Data["entity"].(map[string]any)
	if e == nil {
		return "<null>"
	}
	return fmt.Sprint(e[field])
}

// The cache key holds everything an answer depends on: the same request is
// a hit, wherever it differs in what a resolver reads it is a miss. Hits
// carry the bytes and ETag of the miss that filled them.
func TestResponseCacheKey(t *testing.T) {
	h, st := MustCacheHandler(t, nil)
	const q = `query Named($id: ID!, $n: Int) { entity(id: $id) { name description relations(first: $n) { predicate } } }
query Other($id: ID!) { entity(id: $id) { id } }`
	// An IRI under the serving host names the entity only on that host.
	base := gqlRequest{host: "a.test", query: q, op: "Named", vars: `{"id":"http://a.test/id/person/ma-shanxiang","n":2}`}
	with := func(edit func(*gqlRequest)) gqlRequest {
		r := base
		edit(&r)
		return r
	}
	var first answer
	tests := []struct {
		name   string
		before func(t *testing.T)
		req    gqlRequest
		hit    bool
		check  func(t *testing.T, a answer)
	}{
		{name: "OKFirstMisses", req: base, check: func(t *testing.T, a answer) {
			first = a
			if a.entityField("name") != "马善祥" || a.entityField("description") != "老马工作室负责人。" {
				t.Errorf("data %v", a.reply.Data)
			}
		}},
		{name: "OKSameHits", req: base, hit: true},
		{name: "OKVariablesCanonical", req: with(func(r *gqlRequest) { r.vars = `{ "n": 2,  "id": "http://a.test/id/person/ma-shanxiang" }` }), hit: true},
		{name: "OKPostShares", req: with(func(r *gqlRequest) { r.post = true }), hit: true},
		{name: "OKPersistedHashShares", req: with(func(r *gqlRequest) { r.hashOnly = true }), hit: true},
		{name: "OKAcceptAnyIsJSON", req: with(func(r *gqlRequest) { r.accept = "*/*" }), hit: true},
		{name: "ErrOtherHost", req: with(func(r *gqlRequest) { r.host = "b.test" }), check: func(t *testing.T, a answer) {
			if a.entityField("name") != "<null>" {
				t.Errorf("b.test answered for an IRI under a.test: %v", a.reply.Data)
			}
		}},
		{name: "ErrOtherVariable", req: with(func(r *gqlRequest) { r.vars = `{"id":"http://a.test/id/person/ma-shanxiang","n":1}` })},
		{name: "ErrOtherOperation", req: with(func(r *gqlRequest) { r.op = "Other" })},
		{name: "ErrOtherAccept", req: with(func(r *gqlRequest) { r.accept = mediaGraphQLResponse }), check: func(t *testing.T, a answer) {
			if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, mediaGraphQLResponse) {
				t.Errorf("Content-Type %q", ct)
			}
		}},
		{name: "ErrOtherVersion", before: func(t *testing.T) { MustLoad(t, st, "v2") }, req: base, check: func(t *testing.T, a answer) {
			if a.entityField("description") != "红土地社区居民，老马工作室负责人。" {
				t.Errorf("after the switch to v2: %v", a.reply.Data)
			}
			if a.header.Get("ETag") == first.header.Get("ETag") {
				t.Errorf("v2's answer has v1's ETag %s", a.header.Get("ETag"))
			}
		}},
		{name: "OKNewVersionHits", req: base, hit: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before(t)
			}
			before, _ := h.CacheStats()
			a := serveRequest(t, h, tt.req)
			after, _ := h.CacheStats()
			if a.status != http.StatusOK || len(a.reply.Errors) > 0 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			hits, misses := after.Hits-before.Hits, after.Misses-before.Misses
			if tt.hit && (hits != 1 || misses != 0) || !tt.hit && (hits != 0 || misses != 1) {
				t.Errorf("%d hits and %d misses, want a hit: %v", hits, misses, tt.hit)
			}
			if tt.hit && tt.name != "OKNewVersionHits" && (a.body != first.body || a.header.Get("ETag") != first.header.Get("ETag") && !tt.req.post) {
				t.Errorf("hit answered %s (ETag %s), the miss %s (ETag %s)", a.body, a.header.Get("ETag"), first.body, first.header.Get("ETag"))
			}
			if tt.check != nil {
				tt.check(t, a)
			}
		})
	}
}

// A version switch empties the cache: the entries read from the old
// version are dropped, not merely out of reach.
func TestResponseCacheVersionSwitch(t *testing.T) {
	h, st := MustCacheHandler(t, nil)
	for _, id := range []string{"person/ma-shanxiang", "person/li-yuzhen", "place/jiangbei-qu"} {
		serveRequest(t, h, gqlRequest{query: `query($id: ID!) { entity(id: $id) { name } }`, vars: `{"id":"` + id + `"}`})
	}
	if s, _ := h.CacheStats(); s.Entries != 3 {
		t.Fatalf("stats %+v, want 3 entries", s)
	}
	MustLoad(t, st, "v2")
	a := serveRequest(t, h, gqlRequest{query: `{ entity(id: "person/wang-hong") { name } }`})
	t.Run("OKNewVersionAnswered", func(t *testing.T) {
		if a.entityField("name") != "王红" {
			t.Errorf("data %v", a.reply.Data)
		}
	})
	t.Run("OKOldEntriesDropped", func(t *testing.T) {
		if s, _ := h.CacheStats(); s.Entries != 1 || s.Bytes > int64(len(a.body))+1024 {
			t.Errorf("stats %+v, want v2's one entry only", s)
		}
	})
}

// Answers with errors are never kept, whether the request failed before
// executing or a resolver failed; nor are they stored by HTTP caches.
func TestResponseCacheErrors(t *testing.T) {
	h, _ := MustCacheHandler(t, nil)
	tests := []struct {
		name string
		req  gqlRequest
		code string
	}{
		{"ErrValidation", gqlRequest{query: `{ entity(id: "person/ma-shanxiang") { nope } }`}, "BAD_USER_INPUT"},
		{"ErrValidationPost", gqlRequest{post: true, query: `{ entity(id: "person/ma-shanxiang") { nope } }`}, "BAD_USER_INPUT"},
		{"ErrResolver", gqlRequest{query: `{ entities(first: 5000) { totalCount } }`}, "LIMIT_EXCEEDED"},
		{"ErrVariables", gqlRequest{query: `query($n: Int) { entities(first: $n) { totalCount } }`, vars: `{"n": "many"}`}, "BAD_USER_INPUT"},
		{"ErrDepth", gqlRequest{query: "{ entity(id: \"person/ma-shanxiang\") { " + strings.Repeat("relations { target { ", 6) + "name" + strings.Repeat(" } }", 6) + " } }"}, "LIMIT_EXCEEDED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 {
				a := serveRequest(t, h, tt.req)
				if a.code() != tt.code {
					t.Fatalf("status %d: %s, want code %s", a.status, a.body, tt.code)
				}
				if cc, etag := a.header.Get("Cache-Control"), a.header.Get("ETag"); cc != "no-store" || etag != "" {
					t.Errorf("Cache-Control %q, ETag %q: want no-store and none", cc, etag)
				}
			}
			if s, _ := h.CacheStats(); s.Entries != 0 || s.Hits != 0 {
				t.Errorf("stats %+v: an error was kept", s)
			}
		})
	}
}

// The cache stays within its budget, dropping the least recently used, and
// keeps no answer over an eighth of it.
func TestResponseCacheBound(t *testing.T) {
	const budget = 16 << 10
	h, _ := MustCacheHandler(t, func(c *Config) { c.ResponseCache = budget })
	for i := range 100 {
		a := serveRequest(t, h, gqlRequest{query: `query($t: String!) { search(text: $t) { entity { id name } } }`, vars: fmt.Sprintf(`{"t":"马%d"}`, i)})
		if a.status != http.StatusOK || len(a.reply.Errors) > 0 {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		if s, _ := h.CacheStats(); s.Bytes > budget {
			t.Fatalf("after %d answers: %d bytes held, over %d", i+1, s.Bytes, budget)
		}
	}
	t.Run("OKEvicted", func(t *testing.T) {
		if s, _ := h.CacheStats(); s.Evictions == 0 || s.Entries == 0 || s.Entries >= 100 {
			t.Errorf("stats %+v: want evictions, and some entries held", s)
		}
	})
	t.Run("ErrTooLargeNotKept", func(t *testing.T) {
		before, _ := h.CacheStats()
		a := serveRequest(t, h, gqlRequest{query: introspectionQuery})
		after, _ := h.CacheStats()
		if len(a.body) <= budget/respcache.MaxEntryFraction {
			t.Fatalf("the introspection answer is %d bytes: not over an eighth of %d", len(a.body), budget)
		}
		if after.Rejected != before.Rejected+1 {
			t.Errorf("stats %+v then %+v: want the answer rejected", before, after)
		}
		if a.header.Get("ETag") == "" {
			t.Error("a GET answer too large to keep has no ETag")
		}
	})
}

// Concurrent identical misses are answered by one execution: the first
// runs the query, the others wait for it and share its answer.
func TestResponseCacheCoalesces(t *testing.T) {
	const query = `{ entity(id: "person/ma-shanxiang") { name relations { target { name } } } }`
	// What one execution reads, on a store of its own.
	alone, st1 := MustCacheHandler(t, func(c *Config) { c.ResponseCache = 0 })
	g1 := storetest.MustAcquire(t, st1)
	serveRequest(t, alone, gqlRequest{query: query})
	one := g1.Calls()

	h, st := MustCacheHandler(t, nil)
	g := storetest.MustAcquire(t, st)
	const n = 16
	answers := make(chan answer, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			w := httptest.NewRecorder()
			h.ServeHTTP(w, gqlRequest{query: query}.http())
			answers <- answer{status: w.Code, body: w.Body.String()}
		}()
	}
	close(start)
	var bodies []string
	for range n {
		a := <-answers
		if a.status != http.StatusOK {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		bodies = append(bodies, a.body)
	}
	t.Run("OKSameAnswers", func(t *testing.T) {
		for _, b := range bodies {
			if b != bodies[0] {
				t.Fatalf("answers differ: %s and %s", b, bodies[0])
			}
		}
	})
	t.Run("OKOneExecution", func(t *testing.T) {
		if s, _ := h.CacheStats(); s.Misses != 1 || s.Hits != n-1 {
			t.Errorf("stats %+v: want 1 miss and %d hits", s, n-1)
		}
		// Batches may split differently from one run to the next, but
		// sixteen executions would read at least sixteen times as much.
		if reads := g.Calls(); reads == 0 || reads > 2*one {
			t.Errorf("%d store reads for %d identical requests, %d for one alone", reads, n, one)
		}
	})
}
