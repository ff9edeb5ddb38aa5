// Command civicgraph serves a knowledge graph of the entities and relations
// named in civic documents over GraphQL, from a Cayley quad store.
//
//	civicgraph [flags]                       serve (the default)
//	civicgraph validate [DATA_DIR]           check a data folder
//	civicgraph check [-v] [DATA_DIR]         report the data's coverage of its sources
//	civicgraph load -store S [DATA_DIR]      write a data folder into a store
//	civicgraph export [-format F] [-o FILE]  write the whole graph as RDF or CSV
//	civicgraph import -store S -name N FILE  import an outside dataset beside the graph
//	civicgraph imports -store S              list the imports
//	civicgraph version                       print the version (also -version)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/civicgraph/civicgraph/cors"
	"github.com/civicgraph/civicgraph/gqlhttp"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/linkeddata"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/metrics"
	"github.com/civicgraph/civicgraph/playground"
	"github.com/civicgraph/civicgraph/ratelimit"
	"github.com/civicgraph/civicgraph/reconcile"
	"github.com/civicgraph/civicgraph/reqlog"
	"github.com/civicgraph/civicgraph/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// "civicgraph help" and "civicgraph check help" are -h.
	switch {
	case len(args) > 0 && args[0] == "help":
		args = []string{"-h"}
	case len(args) == 2 && args[1] == "help":
		args = []string{args[0], "-h"}
	}
	var err error
	switch {
	case len(args) > 0 && args[0] == "version":
		if len(args) > 1 {
			err = fmt.Errorf("%w: version takes no arguments", errUsage)
			break
		}
		fmt.Fprintln(stdout, version())
	case len(args) > 0 && args[0] == "validate":
		err = runValidate(args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "check":
		err = runCheck(args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "load":
		err = runLoad(ctx, args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "export":
		err = runExport(ctx, args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "import":
		err = runImport(ctx, args[1:], stdout, stderr)
	case len(args) > 0 && args[0] == "imports":
		err = runImports(ctx, args[1:], stdout, stderr)
	default:
		err = serve(ctx, args, stdout, stderr)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFlag): // the flag package has said what is wrong
		return 2
	case errors.Is(err, errUsage):
		if err != errUsage {
			fmt.Fprintln(stderr, "civicgraph:", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		}
		return 2
	}
	fmt.Fprintln(stderr, "civicgraph:", err)
	return 1
}

// errUsage is a command line that cannot run; errFlag one the flag package
// refused, having printed why.
var (
	errUsage = errors.New("usage")
	errFlag  = fmt.Errorf("bad flags: %w", errUsage)
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := NewMain()
	if err := m.ParseFlags(args, stderr); err != nil {
		return err
	}
	if m.ShowVersion {
		fmt.Fprintln(stdout, version())
		return nil
	}
	// Every line names the request it was written for, when it was.
	var h slog.Handler
	if m.LogFormat == "json" {
		h = slog.NewJSONHandler(stderr, nil)
	} else {
		h = slog.NewTextHandler(stderr, nil)
	}
	slog.SetDefault(slog.New(reqlog.NewHandler(h)))
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	slog.Info("shutting down")
	return m.Close()
}

// Main is the server: its flags, its store and its HTTP listener.
type Main struct {
	Addr            string
	StoreSpec       string
	BaseIRI         string
	DataDir         string
	WriteToken      string
	Cache           int
	ResponseCache   int64         // bytes of GraphQL responses kept for repeated requests (0: off)
	MaxAge          time.Duration // how long HTTP caches may reuse a GET /graphql answer (0: revalidate each time)
	BatchWait       time.Duration
	MaxFirst        int
	Playground      bool
	Introspection   bool
	Poll            time.Duration
	ShutdownTimeout time.Duration
	ExportTimeout   time.Duration // bounds one GET /export instead of -write-timeout
	MaxImport       int64         // largest import a POST /admin/imports may send, in bytes
	Empty           bool          // serve an empty graph instead of the dataset

	// Exposure limits: each refusal is a GraphQL error with a code.
	MaxFields     int           // most selections of a query document, fragments expanded, see gqlhttp.CountSelections (0: no limit)
	MaxDepth      int           // deepest field nesting of a query (0: no limit)
	MaxComplexity int           // largest query cost, see gqlhttp.Measure (0: no limit)
	MaxAliases    int           // most aliased fields in a query (0: no limit)
	MaxTokens     int           // most lexical tokens in a query document (0: no limit)
	MaxBody       int64         // largest request body in bytes (0: no limit)
	Timeout       time.Duration // deadline of one GraphQL request (0: none)
	ReadTimeout   time.Duration // to read a whole request, headers and body
	WriteTimeout  time.Duration // from the end of the request headers to the end of the response

	// Reconciliation limits: a request over them is a 400.
	ReconcileMaxQueries int // most queries in a batch (and ids in an extension)
	ReconcileMaxLimit   int // largest limit of a query

	// Per-client limits on every route but /healthz and /readyz; a request
	// over them is a 429 with Retry-After. Zero is no limit.
	ClientRate        float64 // requests per second, on average
	ClientBurst       int     // requests at once before the rate applies (0: the rate rounded up)
	ClientConcurrency int     // requests in flight at once
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client: comma-separated IPs or CIDRs.
	TrustedProxies string

	MetricsAddr string // listen address of /metrics and /debug/pprof/ ("": off)
	LogFormat   string // text or json; set up by the serve command, not by Run
	ShowVersion bool   // -version: print it instead of serving

	store           *store.Store
	server          *http.Server
	listener        net.Listener
	metrics         *metrics.Metrics
	proxies         ratelimit.Proxies
	limiter         *ratelimit.Limiter
	mux             *http.ServeMux
	metricsServer   *http.Server
	metricsListener net.Listener
	cancel          context.CancelFunc
	done            chan struct{}
}

// NewMain returns a Main with the defaults of the flags.
func NewMain() *Main {
	return &Main{
		Addr:            "127.0.0.1:8080",
		StoreSpec:       "memory",
		MaxFirst:        1000,
		Cache:           100000,
		ResponseCache:   32 << 20,
		MaxAge:          time.Minute,
		BatchWait:       graph.DefaultBatchWait,
		Playground:      true,
		Introspection:   true,
		Poll:            2 * time.Second,
		ShutdownTimeout: 10 * time.Second,
		ExportTimeout:   10 * time.Minute,
		MaxImport:       32 << 20,
		MaxFields:       1000,
		MaxDepth:        12,
		MaxComplexity:   50000,
		MaxAliases:      30,
		MaxTokens:       10000,
		MaxBody:         1 << 20,
		Timeout:         10 * time.Second,
		ReadTimeout:     15 * time.Second,
		WriteTimeout:    30 * time.Second,
		LogFormat:       "text",

		ReconcileMaxQueries: reconcile.DefaultMaxQueries,
		ReconcileMaxLimit:   reconcile.DefaultMaxLimit,
	}
}

// ParseFlags reads the serve flags.
func (m *Main) ParseFlags(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&m.Addr, "addr", m.Addr, "listen address `host:port` (port 0 picks a free one)")
	fs.StringVar(&m.StoreSpec, "store", m.StoreSpec, "quad store: memory, bolt:DIR or postgres://…; an empty persistent store is filled with the data at first start")
	fs.StringVar(&m.BaseIRI, "base-iri", "", "base of public IRIs, {base}/id/{kind}/{slug}, for a private deployment (default: the base the served dataset declares, https://w3id.org/civicgraph for the built-in one); /id/… and /vocab/… are served under any host either way")
	fs.StringVar(&m.DataDir, "data", "", "data folder to serve (default: the dataset built into the binary)")
	fs.StringVar(&m.WriteToken, "write-token", "", "bearer `token` that authorizes writes (POST /admin/reload); default $CIVICGRAPH_WRITE_TOKEN; none: writes are off")
	fs.IntVar(&m.Cache, "cache", m.Cache, "entities (and as many relation and figure lists) each graph version keeps in memory once read; the cache belongs to one version, so a new version starts empty (0: off)")
	fs.Int64Var(&m.ResponseCache, "response-cache", m.ResponseCache, "`bytes` of GraphQL responses kept to answer repeated requests without executing them; emptied when the graph version changes; a response over an eighth of it is not kept (0: off)")
	fs.DurationVar(&m.MaxAge, "max-age", m.MaxAge, "how long browsers and proxies may reuse a successful GET /graphql answer before revalidating it with its ETag (Cache-Control: public, max-age); 0: revalidate every time (no-cache)")
	fs.DurationVar(&m.BatchWait, "batch-wait", m.BatchWait, "how long a request gathers sibling reads into one batch before reading the store; longer batches more, shorter answers sooner")
	fs.IntVar(&m.MaxFirst, "max-first", m.MaxFirst, "largest page size `n` a query may ask for with first: n; above it is an error, not clamped")
	fs.BoolVar(&m.Playground, "playground", m.Playground, "serve the GraphiQL playground at /")
	fs.BoolVar(&m.Introspection, "introspection", m.Introspection, "allow GraphQL introspection")
	fs.DurationVar(&m.Poll, "poll", m.Poll, "how often to look for a graph version loaded by another process (persistent stores; 0: never)")
	fs.DurationVar(&m.ShutdownTimeout, "shutdown-timeout", m.ShutdownTimeout, "how long to let requests finish on shutdown")
	fs.Int64Var(&m.MaxImport, "max-import", m.MaxImport, "largest file (with its mapping) a POST /admin/imports may send, in `bytes`")
	fs.BoolVar(&m.Empty, "empty", false, "serve (and fill an empty persistent store with) an empty graph instead of the dataset: imports only, e.g. an export imported back")
	fs.DurationVar(&m.ExportTimeout, "export-timeout", m.ExportTimeout, "deadline of one GET /export, which neither -timeout nor -write-timeout cuts (0: none)")
	fs.IntVar(&m.MaxFields, "max-fields", m.MaxFields, "most fields a query document may select, checked before it is validated: a fragment's fields count again wherever it is spread, and each spread or inline fragment counts one (0: no limit)")
	fs.IntVar(&m.MaxDepth, "max-depth", m.MaxDepth, "deepest nesting of fields a query may have (0: no limit)")
	fs.IntVar(&m.MaxComplexity, "max-complexity", m.MaxComplexity, "largest `cost` a query may have: each field costs 1, a list multiplies the cost of its fields by its first: (by 10 without one) (0: no limit)")
	fs.IntVar(&m.MaxAliases, "max-aliases", m.MaxAliases, "most fields a query may select under an alias (0: no limit)")
	fs.IntVar(&m.MaxTokens, "max-tokens", m.MaxTokens, "most lexical tokens a query document may have (0: no limit)")
	fs.Int64Var(&m.MaxBody, "max-body", m.MaxBody, "largest request body (or GET query string) in `bytes`; larger is refused with 413 (0: no limit)")
	fs.DurationVar(&m.Timeout, "timeout", m.Timeout, "deadline of one GraphQL request; a query past it fails with code TIMEOUT (0: none)")
	fs.DurationVar(&m.ReadTimeout, "read-timeout", m.ReadTimeout, "time to read a whole request, headers and body")
	fs.DurationVar(&m.WriteTimeout, "write-timeout", m.WriteTimeout, "time to write a response, from the end of the request headers; must exceed -timeout")
	fs.IntVar(&m.ReconcileMaxQueries, "reconcile-max-queries", m.ReconcileMaxQueries, "most queries in one reconciliation batch, and ids in one data extension, at /reconcile (the manifest's batchSize); more is a 400")
	fs.IntVar(&m.ReconcileMaxLimit, "reconcile-max-limit", m.ReconcileMaxLimit, "largest limit a reconciliation query or suggest request may ask for; above it is a 400")
	fs.Float64Var(&m.ClientRate, "client-rate", m.ClientRate, "requests per second one client may make on average, on every route but /healthz and /readyz; more is a 429 with Retry-After (0: no limit)")
	fs.IntVar(&m.ClientBurst, "client-burst", m.ClientBurst, "requests one client may make at once before -client-rate applies (0: -client-rate rounded up)")
	fs.IntVar(&m.ClientConcurrency, "client-concurrency", m.ClientConcurrency, "requests one client may have in flight at once; more is a 429 with Retry-After (0: no limit)")
	fs.StringVar(&m.TrustedProxies, "trusted-proxies", m.TrustedProxies, "comma-separated `IPs or CIDRs` of reverse proxies: a request from one is from the rightmost address in X-Forwarded-For that is not one (default: none; a client is the connection's address)")
	fs.StringVar(&m.MetricsAddr, "metrics-addr", m.MetricsAddr, "listen address `host:port` of Prometheus metrics (GET /metrics) and Go's profiles (/debug/pprof/, to loopback clients only); keep it private, e.g. 127.0.0.1:9090 (default: off)")
	fs.StringVar(&m.LogFormat, "log-format", m.LogFormat, "log lines as text or json; each request has one access-log line and its request id on every line")
	fs.BoolVar(&m.ShowVersion, "version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(stderr, `civicgraph serves a knowledge graph of civic documents over GraphQL.

Usage:
  civicgraph [flags]                    serve (POST/GET /graphql, playground at /, /healthz, /readyz,
                                        linked data at /id/…, OpenRefine reconciliation at /reconcile)
  civicgraph validate [DATA_DIR]        check a data folder; errors name file:line and field
  civicgraph check [DATA_DIR]           report coverage and likely misses of the data; non-zero when any is open
  civicgraph load -store S [DATA_DIR]   write a data folder into a persistent store as its new version
  civicgraph export [-format F] [-o FILE] [-store S]
                                        write the whole graph as N-Quads, N-Triples, Turtle, TriG, JSON-LD or CSV
  civicgraph import -store S -name NAME [-mapping M] FILE
                                        import an outside dataset (N-Quads, N-Triples, JSON-LD, CSV) beside the graph
  civicgraph import -store S -remove NAME
  civicgraph imports -store S           list the imports
  civicgraph version                    print the version (also -version)

Flags (serve; -flag and --flag both work):
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if m.WriteToken == "" {
		m.WriteToken = os.Getenv("CIVICGRAPH_WRITE_TOKEN") // not a flag default, so -h never shows it
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if m.BaseIRI != "" {
		if err := checkBase(m.BaseIRI); err != nil {
			return fmt.Errorf("%w: -base-iri: %v", errUsage, err)
		}
		m.BaseIRI = strings.TrimRight(m.BaseIRI, "/")
	}
	if m.MaxFirst < 1 {
		return fmt.Errorf("%w: -max-first must be at least 1", errUsage)
	}
	if m.ReconcileMaxQueries < 1 || m.ReconcileMaxLimit < 1 {
		return fmt.Errorf("%w: -reconcile-max-queries and -reconcile-max-limit must be at least 1", errUsage)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"max-fields", int64(m.MaxFields)}, {"max-depth", int64(m.MaxDepth)}, {"max-complexity", int64(m.MaxComplexity)}, {"max-aliases", int64(m.MaxAliases)},
		{"max-tokens", int64(m.MaxTokens)}, {"max-body", m.MaxBody}, {"timeout", int64(m.Timeout)},
		{"response-cache", m.ResponseCache}, {"max-age", int64(m.MaxAge)}} {
		if f.v < 0 {
			return fmt.Errorf("%w: -%s must not be negative", errUsage, f.name)
		}
	}
	if m.ClientRate < 0 || m.ClientBurst < 0 || m.ClientConcurrency < 0 {
		return fmt.Errorf("%w: -client-rate, -client-burst and -client-concurrency must not be negative", errUsage)
	}
	proxies, err := ratelimit.ParseProxies(m.TrustedProxies)
	if err != nil {
		return fmt.Errorf("%w: -trusted-proxies: %v", errUsage, err)
	}
	m.proxies = proxies
	if m.LogFormat != "text" && m.LogFormat != "json" {
		return fmt.Errorf("%w: -log-format must be text or json, not %q", errUsage, m.LogFormat)
	}
	if m.ReadTimeout <= 0 || m.WriteTimeout <= 0 {
		return fmt.Errorf("%w: -read-timeout and -write-timeout must be positive", errUsage)
	}
	// A response cut off by the write timeout is a dropped connection, not
	// the TIMEOUT error the request deadline gives.
	if m.Timeout > 0 && m.WriteTimeout <= m.Timeout {
		return fmt.Errorf("%w: -write-timeout (%s) must exceed -timeout (%s)", errUsage, m.WriteTimeout, m.Timeout)
	}
	return nil
}

// Run opens the store and starts serving; it returns once the listener is
// open.
func (m *Main) Run(ctx context.Context) error {
	m.limiter = ratelimit.New(ratelimit.Config{
		Rate: m.ClientRate, Burst: m.ClientBurst, Concurrency: m.ClientConcurrency,
		Client: m.proxies.Client,
		Skip:   func(r *http.Request) bool { return r.URL.Path == "/healthz" || r.URL.Path == "/readyz" },
		Refuse: m.refuse,
	})
	m.metrics = m.newMetrics()
	start := time.Now()
	st, err := store.OpenWith(ctx, m.StoreSpec, m.seed, store.Options{CacheEntries: m.Cache})
	m.metrics.Load("start", time.Since(start), err)
	if err != nil {
		return err
	}
	m.store = st
	if m.MetricsAddr != "" {
		if err := m.serveMetrics(); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Addr, err)
	}
	m.listener = ln
	if m.BaseIRI == "" {
		m.BaseIRI = declaredBase(st)
	}
	if m.BaseIRI == "" {
		// A graph loaded before datasets declared a base.
		m.BaseIRI = "http://" + publicAddr(ln.Addr().String())
		slog.Warn("the served dataset declares no base IRI; minting IRIs under the listen address", "base-iri", m.BaseIRI)
	}
	m.mux = m.routes()
	m.server = &http.Server{
		// The request id and the access log see every answer, the
		// limiter's and a panic's included.
		Handler: m.observe(recoverPanics(m.limiter.Wrap(m.mux))),
		// Slow clients cannot hold a connection: the headers within
		// ReadHeaderTimeout, the whole request within -read-timeout.
		ReadHeaderTimeout: min(readHeaderTimeout, m.ReadTimeout),
		ReadTimeout:       m.ReadTimeout,
		WriteTimeout:      m.WriteTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	pollCtx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.done = make(chan struct{})
	go m.poll(pollCtx)
	go func() {
		if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("serve", "err", err)
		}
	}()
	slog.Info("listening", "addr", "http://"+ln.Addr().String(), "store", st.String(), "base-iri", m.BaseIRI)
	return nil
}

// URL is where the server listens, once running.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

func (m *Main) routes() *http.ServeMux {
	iris := kg.NewIRIs(m.BaseIRI)
	mux := http.NewServeMux()
	gql := gqlhttp.NewHandler(gqlhttp.Config{
		Store: m.store, IRIs: iris, MaxFirst: m.MaxFirst, Introspection: m.Introspection,
		Limits: gqlhttp.Limits{MaxFields: m.MaxFields, MaxDepth: m.MaxDepth, MaxComplexity: m.MaxComplexity,
			MaxAliases: m.MaxAliases, MaxTokens: m.MaxTokens},
		MaxBody:       m.MaxBody,
		Timeout:       m.Timeout,
		BatchWait:     m.BatchWait,
		ResponseCache: m.ResponseCache,
		MaxAge:        m.MaxAge,
		Build:         version(),
	})
	if _, on := gql.CacheStats(); on {
		m.metrics.WatchResponseCache(func() metrics.ResponseCacheStats {
			s, _ := gql.CacheStats()
			return metrics.ResponseCacheStats(s)
		})
	}
	// Reads are open to pages of any origin; /graphql has no mutations.
	mux.Handle("/graphql", cors.Reads(gql, http.MethodGet, http.MethodPost))
	ld := cors.Reads(linkeddata.NewHandler(linkeddata.Config{Store: m.store, IRIs: iris, ExportTimeout: m.ExportTimeout, Playground: m.Playground}))
	for _, route := range linkeddata.Routes {
		mux.Handle(route, ld)
	}
	// Reconciliation only reads; its form POST is a simple cross-origin
	// request, open like the other reads (/graphql still refuses forms).
	rc := cors.Reads(reconcile.NewHandler(reconcile.Config{
		Store: m.store, IRIs: iris, MaxQueries: m.ReconcileMaxQueries, MaxLimit: m.ReconcileMaxLimit, MaxBody: m.MaxBody,
	}), http.MethodGet, http.MethodHead, http.MethodPost)
	for _, route := range reconcile.Routes {
		mux.Handle(route, rc)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", m.ready)
	if m.WriteToken != "" {
		mux.HandleFunc("POST /admin/reload", m.reload)
		mux.HandleFunc("GET /admin/imports", m.listImports)
		mux.HandleFunc("POST /admin/imports", m.addImport)
		mux.HandleFunc("DELETE /admin/imports/{name}", m.removeImport)
		// Without these, another method would fall through to the
		// playground's "/" and be a 404.
		mux.Handle("/admin/reload", methodNotAllowed(http.MethodPost))
		mux.Handle("/admin/imports", methodNotAllowed(http.MethodGet, http.MethodPost))
		mux.Handle("/admin/imports/{name}", methodNotAllowed(http.MethodDelete))
	} else {
		mux.HandleFunc("/admin/", writesOff)
	}
	if m.Playground {
		mux.Handle("/", playground.Handler(playground.Config{Endpoint: "/graphql", Title: "civicgraph", Examples: examples}))
	}
	return mux
}

// Fixed HTTP server settings: generous for any client, short for a slow
// or idle one.
const (
	readHeaderTimeout = 5 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 1 << 20 // a GET query travels in the URL
)

// recoverPanics keeps a panic in any handler from dropping the connection:
// it is logged with its stack and answered with a 500 that names no
// internals. (GraphQL requests recover inside gqlhttp's transport first, with
// a GraphQL error.)
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			slog.ErrorContext(r.Context(), "handler panicked", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			gqlhttp.WriteError(w, graph.Errorf(graph.Internal, "internal error"))
		}()
		next.ServeHTTP(w, r)
	})
}

// ready reports whether the store answers and a graph is served.
func (m *Main) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := m.store.Ping(ctx); err != nil {
		slog.Warn("readiness", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"unavailable","store":%q}`+"\n", m.store.String())
		return
	}
	g, err := m.store.Acquire()
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"no graph","store":%q}`+"\n", m.store.String())
		return
	}
	defer g.Release()
	w.Header().Set("X-Graph-Version", g.Version())
	fmt.Fprintf(w, `{"status":"ready","store":%q,"graphVersion":%q}`+"\n", m.store.String(), g.Version())
}

// poll switches to a graph version another process loaded into the store.
func (m *Main) poll(ctx context.Context) {
	defer close(m.done)
	if m.Poll <= 0 || m.StoreSpec == "memory" {
		return
	}
	t := time.NewTicker(m.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			start := time.Now()
			switched, err := m.store.Refresh(ctx)
			if err != nil && ctx.Err() == nil {
				slog.Warn("refresh graph", "store", m.store.String(), "err", err)
			}
			if switched {
				m.metrics.Load("refresh", time.Since(start), nil)
			}
		}
	}
}

// Close stops accepting requests, lets those in flight finish within the
// shutdown timeout, and closes the store.
func (m *Main) Close() error {
	var errs []error
	ctx, cancel := context.WithTimeout(context.Background(), m.ShutdownTimeout)
	defer cancel()
	if m.server != nil {
		errs = append(errs, m.server.Shutdown(ctx))
	}
	if m.metricsServer != nil {
		errs = append(errs, m.metricsServer.Shutdown(ctx))
	} else if m.metricsListener != nil {
		errs = append(errs, m.metricsListener.Close())
	}
	if m.cancel != nil {
		m.cancel()
		<-m.done
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}

// seed is what an empty store is filled with: the dataset, or with -empty
// a graph of nothing but the dataset's description (its base -base-iri
// when given).
func (m *Main) seed() (store.Source, error) {
	ds, err := loadData(m.DataDir)
	if err != nil || !m.Empty {
		return ds, err
	}
	info := ds.Info
	if m.BaseIRI != "" {
		info.Base = m.BaseIRI
	}
	return &loader.Dataset{Info: info, Figures: map[string][]kg.Figure{}}, nil
}

// declaredBase is the base IRI the served dataset declares.
func declaredBase(st *store.Store) string {
	g, err := st.Acquire()
	if err != nil {
		return ""
	}
	defer g.Release()
	return g.Info().Base
}

// publicAddr makes a listen address usable in IRIs: an unspecified host
// becomes localhost.
func publicAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
