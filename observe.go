package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/gqlhttp"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/metrics"
	"github.com/civicgraph/civicgraph/ratelimit"
	"github.com/civicgraph/civicgraph/reqlog"
)

// The limits a query can be refused by, beside the rate limiter's; see
// refusedLimit.
var queryLimits = []string{"body", "tokens", "depth", "aliases", "complexity", "fields", "first", "other"}

// newMetrics makes the server's metrics: operation names are the
// playground's examples', the store and the served graph are read at each
// scrape.
func (m *Main) newMetrics() *metrics.Metrics {
	var codes []string
	for _, c := range graph.Codes {
		codes = append(codes, string(c))
	}
	cfg := metrics.Config{
		Operations: exampleOperations(),
		Codes:      codes,
		Limits:     append([]string{ratelimit.LimitRate, ratelimit.LimitConcurrency}, queryLimits...),
		Store: func() (int64, int64, int64) {
			s := m.store.Stats()
			return s.Reads, s.CacheHits, s.CacheMisses
		},
		Graph: func() (string, int, bool) {
			g, err := m.store.Acquire()
			if err != nil {
				return "", 0, false
			}
			defer g.Release()
			return g.Version(), g.Index().Len(), true
		},
	}
	if m.limiter.Enabled() {
		cfg.Clients = m.limiter.Clients
	}
	return metrics.New(cfg)
}

// exampleOperations are the operation names of the playground's examples,
// the only ones metrics count by name.
func exampleOperations() []string {
	var names []string
	for _, ex := range examples {
		if name := firstOperationName(ex.Query); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// serveMetrics opens the metrics listener: /metrics, and Go's profiles
// under /debug/pprof/ for loopback clients.
func (m *Main) serveMetrics() error {
	ln, err := net.Listen("tcp", m.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (-metrics-addr): %w", m.MetricsAddr, err)
	}
	m.metricsListener = ln
	m.metricsServer = &http.Server{
		Handler:           m.metrics.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       m.ReadTimeout,
		// No write timeout: a CPU profile or trace takes ?seconds=N.
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.metricsServer.Serve(ln); err != nil && err != http.ErrServerClosed {
			slog.Error("serve metrics", "err", err)
		}
	}()
	if ap, ok := ln.Addr().(*net.TCPAddr); ok && !ap.IP.IsLoopback() {
		slog.Warn("metrics listen beyond loopback: keep -metrics-addr off the public network", "addr", ln.Addr().String())
	}
	slog.Info("metrics listening", "addr", m.MetricsURL()+"/metrics")
	return nil
}

// MetricsURL is where the metrics listener listens, once running with
// -metrics-addr; "" without.
func (m *Main) MetricsURL() string {
	if m.metricsListener == nil {
		return ""
	}
	return "http://" + m.metricsListener.Addr().String()
}

// refuse answers a request the rate limiter refused: a GraphQL error with
// code LIMIT_EXCEEDED at /graphql, plain text elsewhere, 429 either way.
// Reads stay readable cross-origin, so that a page can see why.
func (m *Main) refuse(w http.ResponseWriter, r *http.Request, f ratelimit.Refusal) {
	m.metrics.Refused(f.Limit)
	if r.Header.Get("Origin") != "" && !strings.HasPrefix(r.URL.Path, "/admin/") {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Expose-Headers", "Retry-After, "+reqlog.Header)
	}
	if r.URL.Path == "/graphql" {
		gqlhttp.WriteError(w, graph.Errorf(graph.LimitExceeded, "%s", f.Message()).WithStatus(http.StatusTooManyRequests))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusTooManyRequests)
	io.WriteString(w, f.Message()+"\n")
}

// methodNotAllowed answers a route with another method than it takes.
func methodNotAllowed(allow ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		gqlhttp.WriteError(w, graph.Errorf(graph.BadUserInput, "method %s is not allowed: use %s", r.Method, strings.Join(allow, " or ")).WithStatus(http.StatusMethodNotAllowed))
	})
}

// writesOff answers /admin/… on a server without a write token.
func writesOff(w http.ResponseWriter, r *http.Request) {
	gqlhttp.WriteError(w, graph.Errorf(graph.BadUserInput, "writes are off on this server: start it with -write-token (or CIVICGRAPH_WRITE_TOKEN)").WithStatus(http.StatusNotFound))
}

// Bytes kept to learn what a request asked and how it was answered.
const (
	keepRequest  = 1 << 20  // of a POST /graphql body, for its operationName
	keepResponse = 64 << 10 // of a JSON answer, for its errors' codes (sent first)
)

// observe gives every request an id (the client's X-Request-Id when it is a
// short safe token), echoes it, and puts it in the request's context, so
// that every log line written for the request names it; once answered, the
// request is counted in the metrics and has one access-log line. Neither
// ever holds the query string: no variables reach the logs.
func (m *Main) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := reqlog.FromClient(r.Header.Get(reqlog.Header))
		w.Header().Set(reqlog.Header, id)
		done := m.metrics.Started()
		defer done()

		isGraphQL := r.URL.Path == "/graphql"
		rec := &recorder{ResponseWriter: w}
		if isGraphQL || strings.HasPrefix(r.URL.Path, "/admin/") {
			rec.keep = keepResponse
		}
		var body *teeBody
		if isGraphQL && r.Method == http.MethodPost && r.Body != nil {
			limit := int64(keepRequest)
			if m.MaxBody > 0 {
				limit = min(limit, m.MaxBody)
			}
			body = &teeBody{ReadCloser: r.Body, limit: limit}
			r.Body = body
		}
		req := r.WithContext(reqlog.WithID(r.Context(), id))
		answered := false
		defer func() {
			// Also when a handler panics past recoverPanics (an
			// http.ErrAbortHandler): the request still gets its line.
			m.record(r.Context(), req, rec, body, id, answered, time.Since(start))
		}()
		next.ServeHTTP(rec, req)
		answered = true
	})
}

// record counts an answered request and writes its access-log line.
func (m *Main) record(ctx context.Context, r *http.Request, rec *recorder, body *teeBody, id string, answered bool, d time.Duration) {
	status := rec.status
	if status == 0 && answered && r.Context().Err() == nil {
		status = http.StatusOK // nothing written: net/http sends an empty 200
	}
	var codes, messages []string
	if rec.keep > 0 && strings.Contains(rec.Header().Get("Content-Type"), "json") {
		codes, messages = errorCodes(rec.body)
	}
	outcome := metrics.Canceled
	if status != 0 {
		outcome = metrics.Outcome(status, len(codes) > 0)
	}
	route := r.Pattern
	if route == "" {
		if _, route = m.mux.Handler(r); route == "" {
			route = "unmatched"
		}
	}
	m.metrics.Request(route, outcome, d)
	m.metrics.Errors(codes...)
	switch {
	case status == http.StatusTooManyRequests:
		// counted by the limiter, which knows which limit
	case status == http.StatusRequestEntityTooLarge:
		m.metrics.Refused("body")
	default:
		for i, c := range codes {
			if c == string(graph.LimitExceeded) {
				m.metrics.Refused(refusedLimit(messages[i]))
			}
		}
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path), // never the query string: it holds variables
		slog.Int("status", status),
		slog.Int64("bytes", rec.bytes),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String(reqlog.Key, id),
		slog.String("client", m.proxies.Client(r)),
		slog.String("graph_version", m.servedVersion(rec)),
	}
	if r.URL.Path == "/graphql" {
		op := requestOperation(r, body)
		m.metrics.GraphQL(op, outcome, d)
		if !graphQLName.MatchString(op) {
			op = "" // anonymous, or not a name: nothing a client wrote goes in as it is
		}
		attrs = append(attrs, slog.String("operation", op))
	}
	// The id is an attribute of its own: the line names it whatever the
	// log handler.
	slog.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}

// servedVersion is the graph version a response was read from, or the one
// served now when the response does not say.
func (m *Main) servedVersion(rec *recorder) string {
	if v := rec.Header().Get("X-Graph-Version"); v != "" {
		return v
	}
	g, err := m.store.Acquire()
	if err != nil {
		return ""
	}
	defer g.Release()
	return g.Version()
}

// graphQLName is a GraphQL name, of a length fit for a log line.
var graphQLName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,99}$`)

// requestOperation is the operation a GraphQL request names: operationName
// (POST body or GET parameter), else the name of the document's first
// operation.
func requestOperation(r *http.Request, body *teeBody) string {
	var name, query string
	if body != nil {
		var p struct {
			Query         any `json:"query"`
			OperationName any `json:"operationName"`
		}
		if json.Unmarshal(body.buf, &p) == nil {
			name, _ = p.OperationName.(string)
			query, _ = p.Query.(string)
		}
	} else if r.Method == http.MethodGet {
		q, _ := url.ParseQuery(r.URL.RawQuery)
		name, query = q.Get("operationName"), q.Get("query")
	}
	if name != "" {
		return name
	}
	return firstOperationName(query)
}

// firstOperationName reads the name of a document's first operation, when
// the document starts with a named one: "query Name", after any comments.
func firstOperationName(doc string) string {
	i := 0
	skip := func() {
		for i < len(doc) {
			switch c := doc[i]; {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
				i++
			case c == '#':
				for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
					i++
				}
			case strings.HasPrefix(doc[i:], "\ufeff"):
				i += len("\ufeff")
			default:
				return
			}
		}
	}
	name := func() string {
		j := i
		for j < len(doc) {
			c := doc[j]
			if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || j > i && c >= '0' && c <= '9' {
				j++
				continue
			}
			break
		}
		n := doc[i:j]
		i = j
		return n
	}
	skip()
	switch name() {
	case "query", "mutation", "subscription":
	default:
		return ""
	}
	skip()
	return name()
}

// errorCodes reads the codes and messages of the errors at the start of a
// JSON answer. The GraphQL transport and gqlhttp.WriteError write errors
// before data, so the kept prefix of a large answer holds them; errors past
// it are not counted.
func errorCodes(prefix []byte) (codes, messages []string) {
	// Most answers have no errors: a scan for the key spares decoding
	// their data (a quoted "errors" inside the data only costs the decode).
	if !bytes.Contains(prefix, []byte(`"errors"`)) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(prefix))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return codes, messages
		}
		if key != "errors" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return codes, messages
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return codes, messages
		}
		for dec.More() {
			var e struct {
				Message    string
				Extensions struct{ Code string }
			}
			if dec.Decode(&e) != nil {
				return codes, messages
			}
			if e.Extensions.Code != "" {
				codes = append(codes, e.Extensions.Code)
				messages = append(messages, e.Message)
			}
		}
		return codes, messages
	}
	return codes, messages
}

// refusedLimit names the limit a LIMIT_EXCEEDED error's message speaks of.
func refusedLimit(msg string) string {
	switch {
	case strings.Contains(msg, "larger than the limit of"):
		return "body"
	case strings.Contains(msg, "token limit"), strings.Contains(msg, "tokens"):
		return "tokens"
	case strings.Contains(msg, "fields deep"):
		return "depth"
	case strings.Contains(msg, "aliases"):
		return "aliases"
	case strings.Contains(msg, "complexity"):
		return "complexity"
	case strings.HasPrefix(msg, "first must be"):
		return "first"
	case strings.Contains(msg, "fields"):
		return "fields"
	}
	return "other"
}

// recorder notes the status and size of an answer, and keeps the first keep
// bytes of its body.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	keep   int
	body   []byte
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := w.keep - len(w.body); room > 0 {
		w.body = append(w.body, b[:min(len(b), room)]...)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush passes on, for answers that stream.
func (w *recorder) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection (an export lifts
// its write deadline).
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// teeBody keeps the first limit bytes a handler reads of a request body.
type teeBody struct {
	io.ReadCloser
	buf   []byte
	limit int64
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := b.limit - int64(len(b.buf)); room > 0 && n > 0 {
		b.buf = append(b.buf, p[:min(int64(n), room)]...)
	}
	return n, err
}
