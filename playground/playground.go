// Package playground serves an offline GraphiQL page for trying the GraphQL
// API in a browser.
//
// The GraphiQL bundle is built from npm by `make playground` (see web/) into
// dist/ and embedded with go:embed, so the page makes no request outside the
// host. Without the bundle (a clean clone built without npm) the handler
// serves a plain page that says how to build it.
package playground

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// dist holds the bundle; "all:" keeps the placeholder files so the pattern
// matches even when the bundle is not built.
//
//go:embed all:dist
var dist embed.FS

// Example is a query offered to newcomers, one GraphiQL tab each.
type Example struct {
	Name  string
	Query string
	// Variables is optional JSON for the variables editor, passed verbatim.
	Variables string
}

// Config describes the page.
type Config struct {
	// Endpoint is the GraphQL URL the page posts to, resolved against the
	// page URL. It must be same-origin or an absolute http(s) URL (whose
	// origin is then allowed by the CSP). Default "/graphql".
	Endpoint string
	// Examples fill the initial tabs; the first is the default query.
	Examples []Example
	// Title is the page title and GraphiQL logo text.
	Title string
}

const (
	defaultEndpoint = "/graphql"
	defaultTitle    = "civicgraph GraphQL playground"
)

// asset is one embedded bundle file with its content hash, which versions
// its URL in the page and serves as its ETag.
type asset struct {
	name, contentType string
	data              []byte
	hash              string
}

// bundleFiles are the files `npm run build` writes; anything else under
// assets/ is a 404.
var bundleFiles = map[string]string{
	"playground.js":  "text/javascript; charset=utf-8",
	"playground.css": "text/css; charset=utf-8",
}

// loadAssets returns the bundle found in fsys, or nil unless it is complete.
func loadAssets(fsys fs.FS) map[string]*asset {
	assets := make(map[string]*asset, len(bundleFiles))
	for name, ctype := range bundleFiles {
		data, err := fs.ReadFile(fsys, name)
		if err != nil || len(data) == 0 {
			return nil
		}
		sum := sha256.Sum256(data)
		assets[name] = &asset{name: name, contentType: ctype, data: data, hash: hex.EncodeToString(sum[:8])}
	}
	return assets
}

var embedded = sync.OnceValue(func() map[string]*asset {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	return loadAssets(sub)
})

// Built reports whether the bundle is embedded.
func Built() bool { return embedded() != nil }

// Handler serves the playground page at its root ("/") and the bundle under
// "assets/". The page uses relative URLs, so it also works mounted behind a
// prefix with http.StripPrefix.
func Handler(cfg Config) http.Handler { return newHandler(cfg, embedded()) }

type handler struct {
	page   []byte
	etag   string
	csp    string
	assets map[string]*asset
}

func newHandler(cfg Config, assets map[string]*asset) *handler {
	cfg = withDefaults(cfg)
	page, err := renderPage(cfg, assets)
	if err != nil {
		// Only a bug in the built-in templates can get here.
		panic("playground: " + err.Error())
	}
	sum := sha256.Sum256(page)
	return &handler{
		page:   page,
		etag:   `"` + hex.EncodeToString(sum[:8]) + `"`,
		csp:    contentSecurityPolicy(cfg.Endpoint),
		assets: assets,
	}
}

func withDefaults(cfg Config) Config {
	if cfg.Endpoint == "" {
		cfg.Endpoint = defaultEndpoint
	}
	if cfg.Title == "" {
		cfg.Title = defaultTitle
	}
	return cfg
}

// contentSecurityPolicy allows only what the bundle needs: its own script
// (GraphiQL 3 uses CodeMirror 5: no eval, no workers), inline styles (React
// components inject <style> elements), data: fonts and images (inlined into
// the CSS by the build) and fetches to the endpoint.
func contentSecurityPolicy(endpoint string) string {
	connect := "'self'"
	if o := origin(endpoint); o != "" {
		connect += " " + o
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; font-src 'self' data:; connect-src " + connect + "; " +
		"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
}

// hostRE keeps CSP separators (";", ",", spaces) out of a host source.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]+)?$`)

// origin returns "scheme://host" for an absolute http(s) endpoint, else "".
func origin(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !hostRE.MatchString(u.Host) {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", h.csp)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")

	p := r.URL.Path
	if p == "" {
		// Mounted at "/prefix" via StripPrefix: the page's relative asset
		// URLs need the trailing slash, so redirect to "prefix/".
		hdr.Set("Location", path.Base(strings.SplitN(r.RequestURI, "?", 2)[0])+"/")
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case p == "/":
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		// Revalidate: the page names the current asset versions.
		hdr.Set("Cache-Control", "no-cache")
		hdr.Set("ETag", h.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.page))
	case strings.HasPrefix(p, "/assets/"):
		a := h.assets[strings.TrimPrefix(p, "/assets/")]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		hdr.Set("Content-Type", a.contentType)
		hdr.Set("ETag", `"`+a.hash+`"`)
		if r.URL.Query().Get("v") == a.hash {
			// The URL names this exact content, so it never changes.
			hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			hdr.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.data))
	default:
		http.NotFound(w, r)
	}
}

// pageConfig is the JSON main.jsx reads from <script id="config">.
type pageConfig struct {
	Endpoint string        `json:"endpoint"`
	Title    string        `json:"title"`
	Examples []pageExample `json:"examples"`
}

type pageExample struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

type pageData struct {
	Title, Endpoint string
	Examples        []Example
	Config          pageConfig
	JS, CSS         string
}

// renderPage renders the GraphiQL page when assets holds the bundle, else
// the not-built page.
func renderPage(cfg Config, assets map[string]*asset) ([]byte, error) {
	d := pageData{
		Title:    cfg.Title,
		Endpoint: cfg.Endpoint,
		Examples: cfg.Examples,
		Config:   pageConfig{Endpoint: cfg.Endpoint, Title: cfg.Title, Examples: []pageExample{}},
	}
	for _, ex := range cfg.Examples {
		d.Config.Examples = append(d.Config.Examples, pageExample(ex))
	}
	name := "missing"
	if assets != nil {
		name = "page"
		d.JS = "assets/playground.js?v=" + assets["playground.js"].hash
		d.CSS = "assets/playground.css?v=" + assets["playground.css"].hash
	}
	var b bytes.Buffer
	err := pages.ExecuteTemplate(&b, name, d)
	return b.Bytes(), err
}

// In "page", html/template treats the application/json script as JS and
// JSON-encodes .Config with <, > and & escaped, so no string in it can close
// the element; executable script stays external for the CSP.
var pages = template.Must(template.New("").Parse(`
{{- define "page" -}}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.CSS}}">
<script type="application/json" id="config">{{.Config}}</script>
<script defer src="{{.JS}}"></script>
</head>
<body>
<div id="graphiql"><noscript>The playground needs JavaScript. The GraphQL endpoint is {{.Endpoint}}.</noscript></div>
</body>
</html>
{{end}}

{{- define "missing" -}}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{.Title}} (not built)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}pre,code{background:#f4f4f4;padding:.1em .3em}pre{padding:.6em;overflow:auto}</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>The playground assets are not built into this binary. To build them (needs Node.js and npm), run
<code>make playground</code> in the repository root, then rebuild the server.</p>
<p>The GraphQL API itself is available: send <code>POST</code> requests with a JSON body
<code>{"query": "..."}</code> to <code>{{.Endpoint}}</code>.</p>
{{- with .Examples}}
<h2>Example queries</h2>
{{- range .}}
<h3>{{.Name}}</h3>
<pre>{{.Query}}</pre>
{{- with .Variables}}
<p>Variables:</p>
<pre>{{.}}</pre>
{{- end}}
{{- end}}
{{- end}}
</body>
</html>
{{end}}`))
