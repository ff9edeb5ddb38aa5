package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// getGraphQL is the URL of a GET /graphql with these parameters.
func getGraphQL(m *Main, params map[string]string) string {
	v := url.Values{}
	for k, s := range params {
		v.Set(k, s)
	}
	return m.URL() + "/graphql?" + v.Encode()
}

// errorCode is the code of an answer's first error, "" when it has none.
func errorCode(tb testing.TB, body []byte) string {
	tb.Helper()
	var r struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal(body, &r); err != nil {
		tb.Fatalf("%v: %s", err, body)
	}
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// The real server over HTTP: GET answers carry an ETag and a public
// Cache-Control, If-None-Match gets 304 without a body, a reload is a new
// ETag and a full answer, and the response cache's metrics move.
func TestHTTPCachingServer(t *testing.T) {
	dir := mustCopyData(t)
	m := MustRunMain(t, "-data", dir, "-write-token", "tok", "-metrics-addr", "127.0.0.1:0")
	target := getGraphQL(m, map[string]string{"query": headline})
	before := scrape(t, m)
	resp, body := send(t, http.MethodGet, target, nil, "")
	etag, version := resp.Header.Get("ETag"), resp.Header.Get("X-Graph-Version")
	tests := []struct {
		name   string
		before func(t *testing.T)
		header map[string]string
		status int
		check  func(t *testing.T, resp *http.Response, body []byte)
	}{
		{name: "OKFirst", status: 200, check: func(t *testing.T, resp *http.Response, b []byte) {
			h := resp.Header
			if etag == "" || h.Get("Cache-Control") != "public, max-age=60" || !strings.Contains(h.Get("Vary"), "Accept") || !strings.Contains(h.Get("Vary"), "Origin") {
				t.Errorf("headers %v", h)
			}
			if !strings.Contains(string(body), "感动重庆十大人物") {
				t.Errorf("body %s", body)
			}
		}},
		{name: "OKRepeatedSame", status: 200, check: func(t *testing.T, resp *http.Response, b []byte) {
			if resp.Header.Get("ETag") != etag || string(b) != string(body) {
				t.Errorf("ETag %s, body %s: want %s and the first body", resp.Header.Get("ETag"), b, etag)
			}
		}},
		{name: "OKNotModified", header: map[string]string{"If-None-Match": etag}, status: 304, check: func(t *testing.T, resp *http.Response, b []byte) {
			if len(b) != 0 || resp.Header.Get("ETag") != etag || resp.Header.Get("X-Graph-Version") != version || resp.Header.Get("Cache-Control") != "public, max-age=60" {
				t.Errorf("304 with headers %v, body %q", resp.Header, b)
			}
		}},
		{name: "OKNotModifiedCrossOrigin", header: map[string]string{"If-None-Match": "W/" + etag, "Origin": "https://elsewhere.example"}, status: 304,
			check: func(t *testing.T, resp *http.Response, b []byte) {
				// A page's script revalidates by itself: it may read the
				// ETag and send If-None-Match.
				if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
					t.Errorf("304 to a cross-origin request: headers %v", resp.Header)
				}
			}},
		{name: "OKReloadedNewETag", before: func(t *testing.T) {
			people := filepath.Join(dir, "entities", "people.yaml")
			orig, err := os.ReadFile(people)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(people, []byte(strings.Replace(string(orig), "aliases: [老马]", "aliases: [老马, 马老师]", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, r := reload(t, m, "tok"); code != http.StatusOK || r["graphVersion"] == version {
				t.Fatalf("reload: %d %v", code, r)
			}
		}, header: map[string]string{"If-None-Match": etag}, status: 200, check: func(t *testing.T, resp *http.Response, b []byte) {
			if e := resp.Header.Get("ETag"); e == "" || e == etag || resp.Header.Get("X-Graph-Version") == version || len(b) == 0 {
				t.Errorf("after a reload: ETag %s (before %s), version %s (before %s), %d bytes", e, etag, resp.Header.Get("X-Graph-Version"), version, len(b))
			}
		}},
		{name: "ErrNoStore", before: func(t *testing.T) { target = getGraphQL(m, map[string]string{"query": "{ nope }"}) }, status: 200,
			check: func(t *testing.T, resp *http.Response, b []byte) {
				if errorCode(t, b) != "BAD_USER_INPUT" || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("ETag") != "" {
					t.Errorf("error answer: headers %v, body %s", resp.Header, b)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before(t)
			}
			resp, b := send(t, http.MethodGet, target, tt.header, "")
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			tt.check(t, resp, b)
		})
	}
	t.Run("OKPostNotStored", func(t *testing.T) {
		resp, b := send(t, http.MethodPost, m.URL()+"/graphql", nil, gqlBody(headline, nil))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("ETag") != "" {
			t.Errorf("POST: %d, headers %v, %.100s", resp.StatusCode, resp.Header, b)
		}
	})
	t.Run("OKMetrics", func(t *testing.T) {
		after := scrape(t, m)
		// One miss and one hit before the reload (the 304s included), one
		// miss after it, a hit for the POST.
		for _, s := range []string{"civicgraph_response_cache_hits_total", "civicgraph_response_cache_misses_total"} {
			if after[s]-before[s] < 2 {
				t.Errorf("%s moved from %v to %v, want by 2 or more", s, before[s], after[s])
			}
		}
		if after["civicgraph_response_cache_entries"] != 1 || after["civicgraph_response_cache_bytes"] < float64(len(body)) {
			t.Errorf("entries %v, bytes %v: want the new version's one answer", after["civicgraph_response_cache_entries"], after["civicgraph_response_cache_bytes"])
		}
	})
}

// Automatic persisted queries over HTTP, as Apollo's clients send them: the
// hash alone is PERSISTED_QUERY_NOT_FOUND, then registered by a POST with
// the query, then a short GET URL answers and revalidates, with the
// response cache on or off.
func TestPersistedQueriesServer(t *testing.T) {
	sum := sha256.Sum256([]byte(headline))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	for _, mode := range []struct {
		name string
		args []string
	}{{"OKCacheOn", nil}, {"OKCacheOff", []string{"-response-cache", "0"}}} {
		t.Run(mode.name, func(t *testing.T) {
			m := MustRunMain(t, mode.args...)
			short := getGraphQL(m, map[string]string{"extensions": ext})
			register, _ := json.Marshal(map[string]any{"query": headline, "extensions": json.RawMessage(ext)})
			var etag string
			tests := []struct {
				name        string
				method      string
				body        string
				ifNoneMatch bool // send the ETag OKHashGet got
				status      int
				code        string
			}{
				{name: "ErrHashMiss", method: http.MethodGet, status: 200, code: "PERSISTED_QUERY_NOT_FOUND"},
				{name: "OKRegister", method: http.MethodPost, body: string(register), status: 200},
				{name: "OKHashGet", method: http.MethodGet, status: 200},
				{name: "OKHashNotModified", method: http.MethodGet, ifNoneMatch: true, status: 304},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					target := short
					if tt.method == http.MethodPost {
						target = m.URL() + "/graphql"
					}
					var header map[string]string
					if tt.ifNoneMatch {
						header = map[string]string{"If-None-Match": etag}
					}
					resp, b := send(t, tt.method, target, header, tt.body)
					if resp.StatusCode != tt.status {
						t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
					}
					if tt.status == http.StatusNotModified {
						return
					}
					if code := errorCode(t, b); code != tt.code {
						t.Fatalf("code %q, want %q: %s", code, tt.code, b)
					}
					if tt.name == "OKHashGet" {
						etag = resp.Header.Get("ETag")
						if etag == "" || resp.Header.Get("Cache-Control") != "public, max-age=60" || !strings.Contains(string(b), "感动重庆十大人物") {
							t.Errorf("headers %v, body %.200s", resp.Header, b)
						}
						if len(short) > len(m.URL())+200 {
							t.Errorf("the persisted query's URL is %d bytes", len(short))
						}
					}
				})
			}
		})
	}
}

func TestResponseCacheFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		ok   bool
	}{
		{"OKOff", []string{"-response-cache", "0", "-max-age", "0"}, true},
		{"OKSized", []string{"-response-cache", "1048576", "-max-age", "5m"}, true},
		{"ErrNegativeCache", []string{"-response-cache", "-1"}, false},
		{"ErrNegativeMaxAge", []string{"-max-age", "-1s"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := NewMain().ParseFlags(tt.args, &strings.Builder{}); (err == nil) != tt.ok {
				t.Errorf("ParseFlags(%q) = %v, want ok %v", tt.args, err, tt.ok)
			}
		})
	}
	t.Run("OKMaxAgeZeroRevalidates", func(t *testing.T) {
		m := MustRunMain(t, "-response-cache", "0", "-max-age", "0")
		target := getGraphQL(m, map[string]string{"query": `{ graphVersion }`})
		resp, _ := send(t, http.MethodGet, target, nil, "")
		etag := resp.Header.Get("ETag")
		if resp.Header.Get("Cache-Control") != "no-cache" || etag == "" {
			t.Fatalf("headers %v: want no-cache and an ETag", resp.Header)
		}
		if resp, _ := send(t, http.MethodGet, target, map[string]string{"If-None-Match": etag}, ""); resp.StatusCode != http.StatusNotModified {
			t.Errorf("revalidation: %d, want 304", resp.StatusCode)
		}
	})
}

// A page on another origin may send If-None-Match itself: the preflight
// allows it.
func TestRevalidationPreflight(t *testing.T) {
	m := MustRunMain(t)
	resp, _ := httpDo(t, http.MethodOptions, m.URL()+"/graphql", map[string]string{
		"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match",
	})
	if resp.StatusCode/100 != 2 || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "If-None-Match") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}
