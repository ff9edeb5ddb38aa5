package gqlhttp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestIfNoneMatch(t *testing.T) {
	const etag = `"abc"`
	tests := []struct {
		name   string
		fields []string
		want   bool
	}{
		{"OKSame", []string{`"abc"`}, true},
		{"OKWeak", []string{`W/"abc"`}, true},
		{"OKInList", []string{`"x", "abc"`}, true},
		{"OKWeakInList", []string{`"x",W/"abc" ,"y"`}, true},
		{"OKSecondField", []string{`"x"`, `"abc"`}, true},
		{"OKStar", []string{`*`}, true},
		{"OKStarSpaced", []string{` * `}, true},
		{"OKCommaInTag", []string{`"a,b", "abc"`}, true},
		{"OKAfterJunk", []string{`junk, "abc"`}, true},
		{"ErrOther", []string{`"abd"`}, false},
		{"ErrUnquoted", []string{`abc`}, false},
		{"ErrPrefix", []string{`"ab"`}, false},
		{"ErrLowercaseWeak", []string{`w/"abc"`}, false},
		{"ErrUnterminated", []string{`"abc`}, false},
		{"ErrStarInList", []string{`"x", *`}, false},
		{"ErrNone", nil, false},
		{"ErrEmpty", []string{""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ifNoneMatch(tt.fields, etag); got != tt.want {
				t.Errorf("ifNoneMatch(%q, %s) = %v, want %v", tt.fields, etag, got, tt.want)
			}
		})
	}
}

// GET answers carry an ETag and a public Cache-Control; If-None-Match gets
// 304 without a body, with the cache on or off; a new graph version is a
// new ETag; POST answers and errors are stored by no cache.
func TestHTTPCaching(t *testing.T) {
	const query = `{ entity(id: "person/ma-shanxiang") { name description } }`
	get := gqlRequest{query: query}
	for _, mode := range []struct {
		name  string
		cache int64
	}{{"CacheOn", 1 << 20}, {"CacheOff", 0}} {
		t.Run(mode.name, func(t *testing.T) {
			h, st := MustCacheHandler(t, func(c *Config) { c.ResponseCache = mode.cache })
			first := serveRequest(t, h, get)
			etag := first.header.Get("ETag")
			version := first.header.Get("X-Graph-Version")
			ifNoneMatch := func(v string) gqlRequest {
				r := get
				r.header = map[string]string{"If-None-Match": v}
				return r
			}
			tests := []struct {
				name   string
				before func(t *testing.T)
				req    gqlRequest
				status int
				check  func(t *testing.T, a answer)
			}{
				{name: "OKETag", req: get, status: 200, check: func(t *testing.T, a answer) {
					if len(etag) != 34 || !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
						t.Errorf("ETag %q, want a strong, quoted tag", etag)
					}
					if a.header.Get("ETag") != etag || a.body != first.body {
						t.Errorf("the same request answered ETag %s, body %s", a.header.Get("ETag"), a.body)
					}
					if cc := a.header.Get("Cache-Control"); cc != "public, max-age=60" {
						t.Errorf("Cache-Control %q", cc)
					}
					if v := a.header.Values("Vary"); len(v) != 1 || v[0] != "Accept, Origin" {
						t.Errorf("Vary %q", v)
					}
				}},
				{name: "OKNotModified", req: ifNoneMatch(etag), status: 304, check: func(t *testing.T, a answer) {
					if a.body != "" {
						t.Errorf("304 with a body: %s", a.body)
					}
					h := a.header
					if h.Get("ETag") != etag || h.Get("Cache-Control") != "public, max-age=60" || h.Get("Vary") == "" || h.Get("X-Graph-Version") != version {
						t.Errorf("304 headers %v: want its ETag, Cache-Control, Vary and X-Graph-Version", h)
					}
				}},
				{name: "OKNotModifiedWeak", req: ifNoneMatch("W/" + etag), status: 304},
				{name: "OKNotModifiedList", req: ifNoneMatch(`"other", ` + etag), status: 304},
				{name: "OKNotModifiedStar", req: ifNoneMatch("*"), status: 304},
				{name: "OKOtherTagFull", req: ifNoneMatch(`"other"`), status: 200},
				{name: "OKOtherAcceptOtherTag", req: gqlRequest{query: query, accept: mediaGraphQLResponse, header: map[string]string{"If-None-Match": etag}}, status: 200,
					check: func(t *testing.T, a answer) {
						if a.header.Get("ETag") == etag {
							t.Error("the application/graphql-response+json answer has the application/json answer's ETag")
						}
					}},
				{name: "OKPostNotStored", req: gqlRequest{post: true, query: query, header: map[string]string{"If-None-Match": etag}}, status: 200,
					check: func(t *testing.T, a answer) {
						if a.header.Get("Cache-Control") != "no-store" || a.header.Get("ETag") != "" {
							t.Errorf("POST answer: Cache-Control %q, ETag %q", a.header.Get("Cache-Control"), a.header.Get("ETag"))
						}
					}},
				{name: "ErrNoStore", req: gqlRequest{query: `{ nope }`, header: map[string]string{"If-None-Match": "*"}}, status: 200,
					check: func(t *testing.T, a answer) {
						if a.code() != "BAD_USER_INPUT" || a.header.Get("Cache-Control") != "no-store" || a.header.Get("ETag") != "" {
							t.Errorf("error answer %s: Cache-Control %q, ETag %q", a.body, a.header.Get("Cache-Control"), a.header.Get("ETag"))
						}
					}},
				{name: "ErrRefusedNoStore", req: gqlRequest{query: query, accept: "text/html"}, status: 406,
					check: func(t *testing.T, a answer) {
						if a.header.Get("Cache-Control") != "no-store" || a.header.Get("X-Graph-Version") != version {
							t.Errorf("406 headers %v", a.header)
						}
					}},
				{name: "OKNewVersionNewTag", before: func(t *testing.T) { MustLoad(t, st, "v2") }, req: ifNoneMatch(etag), status: 200,
					check: func(t *testing.T, a answer) {
						if e := a.header.Get("ETag"); e == "" || e == etag || a.header.Get("X-Graph-Version") == version {
							t.Errorf("after a new version: ETag %s (before %s), version %s", e, etag, a.header.Get("X-Graph-Version"))
						}
						if a.entityField("description") != "红土地社区居民，老马工作室负责人。" {
							t.Errorf("data %v", a.reply.Data)
						}
					}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					if tt.before != nil {
						tt.before(t)
					}
					a := serveRequest(t, h, tt.req)
					if a.status != tt.status {
						t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
					}
					if tt.check != nil {
						tt.check(t, a)
					}
				})
			}
		})
	}
	t.Run("OKMaxAgeZeroNoCache", func(t *testing.T) {
		h, _ := MustCacheHandler(t, func(c *Config) { c.MaxAge = 0 })
		a := serveRequest(t, h, get)
		if a.header.Get("Cache-Control") != "no-cache" || a.header.Get("ETag") == "" {
			t.Errorf("Cache-Control %q, ETag %q: want no-cache, and an ETag to revalidate with", a.header.Get("Cache-Control"), a.header.Get("ETag"))
		}
	})
	t.Run("OKMaxAgeSeconds", func(t *testing.T) {
		h, _ := MustCacheHandler(t, func(c *Config) { c.MaxAge = 90*time.Second + 500*time.Millisecond })
		if cc := serveRequest(t, h, get).header.Get("Cache-Control"); cc != "public, max-age=90" {
			t.Errorf("Cache-Control %q", cc)
		}
	})
	t.Run("OKSameETagCachedOrNot", func(t *testing.T) {
		on, _ := MustCacheHandler(t, nil)
		off, _ := MustCacheHandler(t, func(c *Config) { c.ResponseCache = 0 })
		a, b := serveRequest(t, on, get), serveRequest(t, off, get)
		if a.header.Get("ETag") != b.header.Get("ETag") || a.body != b.body {
			t.Errorf("cached %s %s, uncached %s %s", a.header.Get("ETag"), a.body, b.header.Get("ETag"), b.body)
		}
	})
}

func hashOf(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}

// Automatic persisted queries, as Apollo's clients use them: a hash alone is
// PERSISTED_QUERY_NOT_FOUND until the query is sent with it; then the hash
// alone works, on GET too, cacheable like any GET. The limits apply to a
// persisted query's text.
func TestPersistedQueries(t *testing.T) {
	h, _ := MustCacheHandler(t, func(c *Config) { c.Limits.MaxDepth = 4; c.Limits.MaxFields = 50 })
	const query = `query Honours { entity(id: "person/ma-shanxiang") { name ... on Person { honours { honour { name } time } } } }`
	deep := `{ entity(id: "person/ma-shanxiang") { relations { target { relations { target { name } } } } } }`
	wide := "{" + strings.Repeat(" graphVersion", 51) + " }"
	persisted := func(version int, hash string) string {
		return fmt.Sprintf(`{"persistedQuery":{"version":%d,"sha256Hash":%q}}`, version, hash)
	}
	tests := []struct {
		name  string
		req   gqlRequest
		code  string // "" for an answer without errors
		check func(t *testing.T, a answer)
	}{
		{name: "ErrHashMissGet", req: gqlRequest{query: query, hashOnly: true}, code: "PERSISTED_QUERY_NOT_FOUND", check: func(t *testing.T, a answer) {
			if a.reply.Errors[0].Message != "PersistedQueryNotFound" || a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s, Cache-Control %q", a.body, a.header.Get("Cache-Control"))
			}
		}},
		{name: "ErrHashMissPost", req: gqlRequest{post: true, query: query, hashOnly: true}, code: "PERSISTED_QUERY_NOT_FOUND"},
		{name: "ErrHashMissGraphQLResponse400", req: gqlRequest{query: query, hashOnly: true, accept: mediaGraphQLResponse}, code: "PERSISTED_QUERY_NOT_FOUND", check: func(t *testing.T, a answer) {
			if a.status != http.StatusBadRequest {
				t.Errorf("status %d, want 400 as for any request error", a.status)
			}
		}},
		{name: "OKRegister", req: gqlRequest{post: true, query: query, ext: persisted(1, hashOf(query))}, check: func(t *testing.T, a answer) {
			if !strings.Contains(a.body, "改革先锋") {
				t.Errorf("answer %s", a.body)
			}
		}},
		{name: "OKHashGet", req: gqlRequest{query: query, hashOnly: true}, check: func(t *testing.T, a answer) {
			if !strings.Contains(a.body, "改革先锋") || a.header.Get("ETag") == "" || a.header.Get("Cache-Control") != "public, max-age=60" {
				t.Errorf("answer %s, headers %v", a.body, a.header)
			}
		}},
		{name: "OKHashPost", req: gqlRequest{post: true, query: query, hashOnly: true}},
		{name: "OKHashWithOperationName", req: gqlRequest{query: query, hashOnly: true, op: "Honours"}},
		{name: "ErrHashMismatch", req: gqlRequest{post: true, query: query, ext: persisted(1, hashOf(query+" "))}, code: "BAD_USER_INPUT", check: func(t *testing.T, a answer) {
			if a.reply.Errors[0].Message != "provided APQ hash does not match query" {
				t.Errorf("%s", a.body)
			}
		}},
		{name: "ErrHashMismatchGet", req: gqlRequest{query: query, ext: persisted(1, strings.Repeat("0", 64))}, code: "BAD_USER_INPUT"},
		{name: "ErrVersion", req: gqlRequest{query: query, ext: persisted(2, hashOf(query))}, code: "BAD_USER_INPUT"},
		{name: "ErrMissingQueryAndHash", req: gqlRequest{ext: `{"persistedQuery":null}`}, code: "BAD_USER_INPUT", check: func(t *testing.T, a answer) {
			if a.status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", a.status)
			}
		}},
		{name: "ErrDepthOnRegister", req: gqlRequest{post: true, query: deep, ext: persisted(1, hashOf(deep))}, code: "LIMIT_EXCEEDED"},
		{name: "ErrDepthOnHash", req: gqlRequest{query: deep, hashOnly: true}, code: "LIMIT_EXCEEDED", check: func(t *testing.T, a answer) {
			if !strings.Contains(a.reply.Errors[0].Message, "fields deep") {
				t.Errorf("%s", a.body)
			}
		}},
		{name: "ErrFieldsOnRegister", req: gqlRequest{post: true, query: wide, ext: persisted(1, hashOf(wide))}, code: "LIMIT_EXCEEDED"},
		{name: "ErrFieldsOnHash", req: gqlRequest{query: wide, hashOnly: true}, code: "LIMIT_EXCEEDED", check: func(t *testing.T, a answer) {
			if !strings.Contains(a.reply.Errors[0].Message, "the query selects 51 fields") {
				t.Errorf("%s", a.body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := serveRequest(t, h, tt.req)
			if a.code() != tt.code {
				t.Fatalf("status %d: %s, want code %q", a.status, a.body, tt.code)
			}
			if tt.code == "" && a.status != http.StatusOK {
				t.Errorf("status %d", a.status)
			}
			if tt.check != nil {
				tt.check(t, a)
			}
		})
	}
}
