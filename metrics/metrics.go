// Package metrics keeps a server's Prometheus metrics in a registry of its
// own, so that several servers can run in one process (as in the tests), and
// serves them, with net/http/pprof beside them, on a listener of their own.
//
// Every label has a bounded set of values: routes are the server's
// registered patterns, operation names those the server knows (the
// playground's examples) or "other", error codes and limits those of the API
// contract. Nothing a client sends becomes a label value as it is.
package metrics

import (
	"net"
	"net/http"
	"net/http/pprof"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric of the server.
const Namespace = "civicgraph"

// Outcomes of a request.
const (
	OK          = "ok"           // answered 2xx or 3xx without GraphQL errors
	Error       = "error"        // answered 200 with GraphQL errors
	ClientError = "client_error" // answered 4xx, but 429
	RateLimited = "rate_limited" // answered 429
	ServerError = "server_error" // answered 5xx
	Canceled    = "canceled"     // ended without an answer (the client went away)
)

// Outcomes lists every outcome.
var Outcomes = []string{OK, Error, ClientError, RateLimited, ServerError, Canceled}

// Outcome classifies an answered request by its status and whether its body
// carried errors.
func Outcome(status int, hasErrors bool) string {
	switch {
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status >= 500:
		return ServerError
	case status >= 400:
		return ClientError
	case hasErrors:
		return Error
	}
	return OK
}

// Other is the operation name of every operation the server does not know.
const Other = "other"

// Config says what the label values are and where the gauges read from.
type Config struct {
	// Operations are the GraphQL operation names counted by name; every
	// other operation, anonymous ones included, counts as "other".
	Operations []string
	// Codes and Limits are the error codes and limits known beforehand:
	// their series start at zero. Others are counted as they come.
	Codes, Limits []string
	// Store reads the counts of the store's reads and cache use, which only
	// grow (nil: not exported).
	Store func() (reads, cacheHits, cacheMisses int64)
	// Graph reads the served graph's version and entity count; ok is false
	// while none is served (nil: not exported).
	Graph func() (version string, entities int, ok bool)
	// Clients reads how many clients the rate limiter tracks (nil: not
	// exported).
	Clients func() int
}

// Metrics are one server's metrics.
type Metrics struct {
	reg         *prometheus.Registry
	ops         map[string]bool
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	gqlRequests *prometheus.CounterVec
	gqlDuration *prometheus.HistogramVec
	errors      *prometheus.CounterVec
	refused     *prometheus.CounterVec
	loads       *prometheus.HistogramVec
}

// requestBuckets suit a server whose typical answer takes a millisecond and
// whose deadline is ten seconds.
var requestBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// loadBuckets suit loads of a small dataset in memory up to a large one
// into PostgreSQL.
var loadBuckets = []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// New registers the server's metrics, and Go's runtime and process
// metrics, in a new registry.
func New(cfg Config) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		ops: map[string]bool{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "http_requests_total",
			Help: "HTTP requests answered on the main listener, by route (the pattern that served it, or \"unmatched\") and outcome.",
		}, []string{"route", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, from its headers to the end of the handler, by route and outcome.",
			Buckets: requestBuckets,
		}, []string{"route", "outcome"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "http_requests_in_flight",
			Help: "HTTP requests being answered now.",
		}),
		gqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "graphql_requests_total",
			Help: "GraphQL requests, by operation name (one of the playground's examples, else \"other\") and outcome.",
		}, []string{"operation", "outcome"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name and outcome.",
			Buckets: requestBuckets,
		}, []string{"operation", "outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "errors_total",
			Help: "Errors sent to clients, by extensions.code (GraphQL responses and the admin endpoints).",
		}, []string{"code"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "refused_requests_total",
			Help: "Requests and queries refused by a limit: rate and concurrency per client, body, tokens, depth, aliases, complexity, first, or other.",
		}, []string{"limit"}),
		loads: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "load_duration_seconds",
			Help:    "Time to load a graph version, by kind (start: opening or seeding the store; reload: POST /admin/reload; import: an import added or removed; refresh: a version another process loaded) and outcome (ok, error).",
			Buckets: loadBuckets,
		}, []string{"kind", "outcome"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.gqlRequests, m.gqlDuration, m.errors, m.refused, m.loads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, op := range cfg.Operations {
		m.ops[op] = true
	}
	// The series a dashboard expects exist from the start, at zero.
	for _, outcome := range Outcomes {
		for _, op := range slices.Concat(cfg.Operations, []string{Other}) {
			m.gqlRequests.WithLabelValues(op, outcome)
		}
	}
	for _, c := range cfg.Codes {
		m.errors.WithLabelValues(c)
	}
	for _, l := range cfg.Limits {
		m.refused.WithLabelValues(l)
	}
	if cfg.Store != nil {
		m.reg.MustRegister(storeCollector(cfg.Store))
	}
	if cfg.Graph != nil {
		m.reg.MustRegister(graphCollector(cfg.Graph))
	}
	if cfg.Clients != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "ratelimit_clients",
			Help: "Clients the rate limiter remembers now (idle ones are forgotten).",
		}, func() float64 { return float64(cfg.Clients()) }))
	}
	return m
}

// Registry is where the metrics are registered.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Operation bounds an operation name: itself when the server knows it, else
// "other".
func (m *Metrics) Operation(name string) string {
	if m.ops[name] {
		return name
	}
	return Other
}

// Started counts a request in flight until the function it returns is
// called.
func (m *Metrics) Started() func() {
	m.inFlight.Inc()
	return m.inFlight.Dec
}

// Request counts an answered request of the main listener.
func (m *Metrics) Request(route, outcome string, d time.Duration) {
	m.requests.WithLabelValues(route, outcome).Inc()
	m.duration.WithLabelValues(route, outcome).Observe(d.Seconds())
}

// GraphQL counts a GraphQL request; op is bounded with Operation.
func (m *Metrics) GraphQL(op, outcome string, d time.Duration) {
	op = m.Operation(op)
	m.gqlRequests.WithLabelValues(op, outcome).Inc()
	m.gqlDuration.WithLabelValues(op, outcome).Observe(d.Seconds())
}

// Errors counts the codes of the errors sent to a client.
func (m *Metrics) Errors(codes ...string) {
	for _, c := range codes {
		m.errors.WithLabelValues(c).Inc()
	}
}

// Refused counts a request or query a limit refused.
func (m *Metrics) Refused(limit string) { m.refused.WithLabelValues(limit).Inc() }

// Load records how long a load of kind took and whether it failed.
func (m *Metrics) Load(kind string, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.loads.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// ResponseCacheStats are the counts of the GraphQL response cache.
type ResponseCacheStats struct {
	Hits      int64 // requests answered from the cache (or by an identical request in flight)
	Misses    int64 // requests it could not answer
	Evictions int64 // responses dropped to stay within its budget
	Rejected  int64 // responses too large to keep
	Bytes     int64 // bytes held now
	Entries   int64 // responses held now
}

// WatchResponseCache exports the response cache's counts, read at each
// scrape.
func (m *Metrics) WatchResponseCache(read func() ResponseCacheStats) {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(Namespace+"_response_cache_"+name, help, nil, nil)
	}
	hits := desc("hits_total", "GraphQL requests answered from the response cache, or by an identical request in flight, without executing.")
	misses := desc("misses_total", "GraphQL requests the response cache could not answer (while it is on).")
	evictions := desc("evictions_total", "Responses dropped, least recently used first, to keep the response cache within -response-cache bytes.")
	rejected := desc("rejected_total", "Responses not kept for being larger than an eighth of -response-cache.")
	bytes := desc("bytes", "Bytes the response cache holds now (responses and their bookkeeping).")
	entries := desc("entries", "Responses the response cache holds now.")
	m.reg.MustRegister(collectorFunc{descs: []*prometheus.Desc{hits, misses, evictions, rejected, bytes, entries}, collect: func(ch chan<- prometheus.Metric) {
		s := read()
		ch <- prometheus.MustNewConstMetric(hits, prometheus.CounterValue, float64(s.Hits))
		ch <- prometheus.MustNewConstMetric(misses, prometheus.CounterValue, float64(s.Misses))
		ch <- prometheus.MustNewConstMetric(evictions, prometheus.CounterValue, float64(s.Evictions))
		ch <- prometheus.MustNewConstMetric(rejected, prometheus.CounterValue, float64(s.Rejected))
		ch <- prometheus.MustNewConstMetric(bytes, prometheus.GaugeValue, float64(s.Bytes))
		ch <- prometheus.MustNewConstMetric(entries, prometheus.GaugeValue, float64(s.Entries))
	}})
}

// storeCollector exports the store's counts as counters.
func storeCollector(read func() (int64, int64, int64)) prometheus.Collector {
	reads := prometheus.NewDesc(Namespace+"_store_reads_total", "Reads of the quad store (a batch of keys is one read; cache hits are not reads).", nil, nil)
	hits := prometheus.NewDesc(Namespace+"_cache_hits_total", "Keys (entities, relation lists, figure lists, triple patterns) the graph version's cache answered.", nil, nil)
	misses := prometheus.NewDesc(Namespace+"_cache_misses_total", "Keys the cache did not hold and the store was read for (only while the cache is on).", nil, nil)
	return collectorFunc{descs: []*prometheus.Desc{reads, hits, misses}, collect: func(ch chan<- prometheus.Metric) {
		r, h, mi := read()
		ch <- prometheus.MustNewConstMetric(reads, prometheus.CounterValue, float64(r))
		ch <- prometheus.MustNewConstMetric(hits, prometheus.CounterValue, float64(h))
		ch <- prometheus.MustNewConstMetric(misses, prometheus.CounterValue, float64(mi))
	}}
}

// graphCollector exports the served graph version as an info metric and its
// size as a gauge.
func graphCollector(read func() (string, int, bool)) prometheus.Collector {
	info := prometheus.NewDesc(Namespace+"_graph_info", "The graph version served: 1, with the version as a label.", []string{"version"}, nil)
	entities := prometheus.NewDesc(Namespace+"_graph_entities", "Entities of the graph version served.", nil, nil)
	return collectorFunc{descs: []*prometheus.Desc{info, entities}, collect: func(ch chan<- prometheus.Metric) {
		version, n, ok := read()
		if !ok {
			return
		}
		ch <- prometheus.MustNewConstMetric(info, prometheus.GaugeValue, 1, version)
		ch <- prometheus.MustNewConstMetric(entities, prometheus.GaugeValue, float64(n))
	}}
}

type collectorFunc struct {
	descs   []*prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// Handler serves GET /metrics, and net/http/pprof under /debug/pprof/ to
// loopback clients only. Nothing is served to a cross-origin request from a
// browser: the metrics listener sends no CORS header and refuses any request
// that carries an Origin or a cross-site Sec-Fetch-Site header.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.Handle("GET /debug/pprof/", loopbackOnly(http.HandlerFunc(pprof.Index)))
	mux.Handle("GET /debug/pprof/cmdline", loopbackOnly(http.HandlerFunc(pprof.Cmdline)))
	mux.Handle("GET /debug/pprof/profile", loopbackOnly(http.HandlerFunc(pprof.Profile)))
	mux.Handle("GET /debug/pprof/symbol", loopbackOnly(http.HandlerFunc(pprof.Symbol)))
	mux.Handle("GET /debug/pprof/trace", loopbackOnly(http.HandlerFunc(pprof.Trace)))
	return sameOrigin(mux)
}

// sameOrigin refuses what a browser sends for another site's page.
func sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site := r.Header.Get("Sec-Fetch-Site")
		if r.Header.Get("Origin") != "" || site == "cross-site" || site == "same-site" {
			http.Error(w, "metrics are not served to other origins", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackOnly serves only clients on this machine.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, "profiles are served to loopback clients only", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
