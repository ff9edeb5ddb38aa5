package playground

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeBundle stands in for the npm build so both page states are tested
// whether or not dist/ holds the real bundle.
func fakeBundle(t *testing.T) map[string]*asset {
	t.Helper()
	a := loadAssets(fstest.MapFS{
		"playground.js":  {Data: []byte("console.log(1)")},
		"playground.css": {Data: []byte("body{margin:0}")},
	})
	if a == nil {
		t.Fatal("loadAssets: fake bundle not loaded")
	}
	return a
}

var configRE = regexp.MustCompile(`(?s)<script type="application/json" id="config">(.*?)</script>`)

// pageConfigOf extracts and decodes the config element of a rendered page.
func pageConfigOf(t *testing.T, page string) pageConfig {
	t.Helper()
	m := configRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no config element in page:\n%s", page)
	}
	for _, bad := range []string{"</script", "<!--", "<script"} {
		if strings.Contains(strings.ToLower(m[1]), bad) {
			t.Fatalf("config element content contains %q: %s", bad, m[1])
		}
	}
	var pc pageConfig
	if err := json.Unmarshal([]byte(m[1]), &pc); err != nil {
		t.Fatalf("config is not JSON: %v\n%s", err, m[1])
	}
	return pc
}

func TestRenderPage(t *testing.T) {
	breakout := Example{
		Name:      `</script><script>alert(1)</script>`,
		Query:     "{ search(q: \"</script><!--\") { id } }",
		Variables: `{"x": "</SCRIPT>&"}`,
	}
	tests := []struct {
		name   string
		cfg    Config
		built  bool
		want   pageConfig
		substr []string // must appear in the page
	}{
		{
			name:  "OK/Built",
			cfg:   Config{Endpoint: "/graphql", Title: "KG", Examples: []Example{{Name: "People", Query: "{ people { name } }"}}},
			built: true,
			want:  pageConfig{Endpoint: "/graphql", Title: "KG", Examples: []pageExample{{Name: "People", Query: "{ people { name } }"}}},
			substr: []string{
				`<link rel="stylesheet" href="assets/playground.css?v=`,
				`<script defer src="assets/playground.js?v=`,
				`<div id="graphiql">`,
				`<title>KG</title>`,
			},
		},
		{
			name:  "OK/BuiltDefaults",
			cfg:   Config{},
			built: true,
			want:  pageConfig{Endpoint: defaultEndpoint, Title: defaultTitle, Examples: []pageExample{}},
		},
		{
			name:  "OK/BuiltScriptInExample",
			cfg:   Config{Examples: []Example{breakout}},
			built: true,
			want:  pageConfig{Endpoint: defaultEndpoint, Title: defaultTitle, Examples: []pageExample{pageExample(breakout)}},
		},
		{
			name:   "OK/NotBuilt",
			cfg:    Config{Endpoint: "/api/graphql", Examples: []Example{{Name: "People", Query: "{ people { name } }", Variables: `{"n": 1}`}}},
			substr: []string{"not built", "make playground", "<code>/api/graphql</code>", "<h3>People</h3>", "<pre>{ people { name } }</pre>", "<pre>{&#34;n&#34;: 1}</pre>"},
		},
		{
			name:   "OK/NotBuiltScriptInExample",
			cfg:    Config{Examples: []Example{breakout}},
			substr: []string{"&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var assets map[string]*asset
			if tt.built {
				assets = fakeBundle(t)
			}
			b, err := renderPage(withDefaults(tt.cfg), assets)
			if err != nil {
				t.Fatal(err)
			}
			page := string(b)
			for _, s := range tt.substr {
				if !strings.Contains(page, s) {
					t.Errorf("page lacks %q:\n%s", s, page)
				}
			}
			// The only script elements are the config and the bundle.
			if n, want := strings.Count(strings.ToLower(page), "<script"), map[bool]int{true: 2, false: 0}[tt.built]; n != want {
				t.Errorf("page has %d <script> tags, want %d:\n%s", n, want, page)
			}
			if !tt.built {
				if configRE.MatchString(page) {
					t.Errorf("not-built page has a config element")
				}
				return
			}
			if got := pageConfigOf(t, page); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	cfg := Config{Endpoint: "/graphql", Examples: []Example{{Name: "People", Query: "{ people { name } }"}}}
	built := newHandler(cfg, fakeBundle(t))
	notBuilt := newHandler(cfg, nil)
	jsHash := built.assets["playground.js"].hash

	tests := []struct {
		name       string
		h          http.Handler
		method     string
		target     string
		header     map[string]string // request headers
		wantStatus int
		wantHeader map[string]string // response headers, exact
		wantBody   string            // substring
	}{
		{name: "OK/Page", h: built, target: "/", wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "ETag": built.etag},
			wantBody:   `id="config"`},
		{name: "OK/PageHead", h: built, method: http.MethodHead, target: "/", wantStatus: 200},
		{name: "OK/PageNotModified", h: built, target: "/", header: map[string]string{"If-None-Match": built.etag}, wantStatus: 304},
		{name: "OK/JS", h: built, target: "/assets/playground.js", wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache", "ETag": `"` + jsHash + `"`},
			wantBody:   "console.log(1)"},
		{name: "OK/JSVersioned", h: built, target: "/assets/playground.js?v=" + jsHash, wantStatus: 200,
			wantHeader: map[string]string{"Cache-Control": "public, max-age=31536000, immutable"}},
		{name: "OK/JSNotModified", h: built, target: "/assets/playground.js", header: map[string]string{"If-None-Match": `"` + jsHash + `"`}, wantStatus: 304},
		{name: "OK/CSS", h: built, target: "/assets/playground.css", wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/css; charset=utf-8"}, wantBody: "body{margin:0}"},
		{name: "OK/NotBuiltPage", h: notBuilt, target: "/", wantStatus: 200,
			wantHeader: map[string]string{"Content-Type": "text/html; charset=utf-8"}, wantBody: "make playground"},
		{name: "ErrUnknownAsset", h: built, target: "/assets/other.js", wantStatus: 404},
		{name: "ErrAssetTraversal", h: built, target: "/assets/../playground.go", wantStatus: 404},
		{name: "ErrPlaceholderAsAsset", h: built, target: "/assets/README.txt", wantStatus: 404},
		{name: "ErrNotBuiltAsset", h: notBuilt, target: "/assets/playground.js", wantStatus: 404},
		{name: "ErrUnknownPath", h: built, target: "/index.html", wantStatus: 404},
		{name: "ErrMethod", h: built, method: http.MethodPost, target: "/", wantStatus: 405,
			wantHeader: map[string]string{"Allow": "GET, HEAD"}},
		{name: "OK/PrefixRedirect", h: http.StripPrefix("/playground", built), target: "/playground", wantStatus: 301,
			wantHeader: map[string]string{"Location": "playground/"}},
		{name: "OK/PrefixPage", h: http.StripPrefix("/playground", built), target: "/playground/", wantStatus: 200, wantBody: `src="assets/playground.js?v=`},
		{name: "OK/PrefixAsset", h: http.StripPrefix("/playground", built), target: "/playground/assets/playground.css", wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tt.target, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body:\n%s", rec.Code, tt.wantStatus, rec.Body)
			}
			for k, v := range tt.wantHeader {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options"} {
				if rec.Header().Get(k) == "" {
					t.Errorf("%s header missing", k)
				}
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body lacks %q:\n%.300s", tt.wantBody, rec.Body)
			}
		})
	}
}

func TestContentSecurityPolicy(t *testing.T) {
	tests := []struct {
		name, endpoint, wantConnect string
	}{
		{"OK/SameOrigin", "/graphql", "connect-src 'self';"},
		{"OK/Relative", "../graphql", "connect-src 'self';"},
		{"OK/AbsoluteAllowsOrigin", "https://kg.example.org:8443/graphql?x=1", "connect-src 'self' https://kg.example.org:8443;"},
		{"ErrInjectionIgnored", "https://a.example;script-src *;/graphql", "connect-src 'self';"},
		{"ErrOtherSchemeIgnored", "javascript:alert(1)", "connect-src 'self';"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csp := contentSecurityPolicy(tt.endpoint)
			if !strings.Contains(csp, tt.wantConnect) {
				t.Errorf("CSP %q lacks %q", csp, tt.wantConnect)
			}
			for _, want := range []string{"default-src 'self'", "script-src 'self';", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-eval") || strings.Count(csp, "script-src") != 1 {
				t.Errorf("CSP %q loosens script-src", csp)
			}
		})
	}
}

// TestEmbedded checks the real embedded state, whichever it is: Built must
// match dist/, and the page must be the matching variant.
func TestEmbedded(t *testing.T) {
	_, errJS := fs.Stat(dist, "dist/playground.js")
	_, errCSS := fs.Stat(dist, "dist/playground.css")
	if want := errJS == nil && errCSS == nil; Built() != want {
		t.Fatalf("Built() = %v, want %v", Built(), want)
	}
	rec := httptest.NewRecorder()
	Handler(Config{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	want := "make playground"
	if Built() {
		want = `src="assets/playground.js?v=`
	}
	if !strings.Contains(rec.Body.String(), want) {
		t.Errorf("page (Built=%v) lacks %q:\n%s", Built(), want, rec.Body)
	}
}
