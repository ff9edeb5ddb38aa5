// Package gqlhttp serves civicgraph's gqlgen executable schema over HTTP as
// the GraphQL-over-HTTP spec says, with the service's limits and one error
// presenter: the /graphql endpoint. Package graph resolves the schema; this
// package decodes requests, refuses what is over a limit before it costs
// anything, validates with a linear-time rule set, answers repeated
// requests from a response cache, lets HTTP caches revalidate GET answers
// (ETag, 304), takes automatic persisted queries, and writes every answer
// and every error in one shape.
package gqlhttp

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/respcache"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

// Config is what the GraphQL endpoint needs.
type Config struct {
	Store         *store.Store
	IRIs          kg.IRIs
	MaxFirst      int  // largest page size a query may ask for; schema defaults are clamped to it
	Introspection bool // whether clients may read the schema
	// BatchWait is how long a dataloader gathers keys (graph.DefaultBatchWait
	// when 0).
	BatchWait time.Duration
	// Limits bound fields, depth, complexity, aliases and tokens; zero
	// fields are no limit.
	Limits Limits
	// MaxBody is the largest POST body (or GET query string) in bytes; 0 is
	// no limit.
	MaxBody int64
	// Timeout is the deadline of one request; 0 is none.
	Timeout time.Duration
	// ResponseCache is the budget of the response cache in bytes; 0 turns
	// it off.
	ResponseCache int64
	// MaxAge is how long HTTP caches may reuse a GET answer without asking
	// again (Cache-Control: public, max-age); under a second, they must
	// revalidate it each time (no-cache).
	MaxAge time.Duration
	// Build names the program's build: an answer's ETag depends on it, as
	// another build may answer the same request differently.
	Build string
}

// queryCacheSize is how many parsed and validated documents the endpoint
// keeps, by query text.
const queryCacheSize = 1000

// PersistedQueryBytes bounds the query texts kept for automatic persisted
// queries.
const PersistedQueryBytes = 8 << 20

// Handler is the GraphQL endpoint: POST and GET (queries only), each request
// reading one graph version, which it names in the X-Graph-Version header
// and in extensions.graphVersion.
type Handler struct {
	exec      graphql.GraphExecutor
	store     *store.Store
	wait      time.Duration
	maxBody   int64         // bytes of a POST body or GET query string; 0: no limit
	timeout   time.Duration // deadline of one request; 0: none
	maxTokens int           // parser token limit, also for the GET pre-parse
	cache     *respcache.Cache
	queries   *respcache.Queries
	// cacheControl is the Cache-Control of a successful GET answer.
	cacheControl string
	// fingerprint is what answers depend on beside the request: the
	// settings that shape them and the build.
	fingerprint string
}

// NewHandler returns the GraphQL endpoint.
func NewHandler(cfg Config) *Handler {
	exec := executor.New(graph.NewExecutableSchema(&graph.Resolver{IRIs: cfg.IRIs, MaxFirst: cfg.MaxFirst}))
	// Parsed and validated documents, by query text: a repeated query skips
	// counting, parsing and validating. They do not depend on the graph
	// version.
	docs := lru.New[*ast.QueryDocument](queryCacheSize)
	exec.SetQueryCache(docs)
	exec.SetParserTokenLimit(cfg.Limits.MaxTokens)
	exec.SetDefaultRulesFn(ValidationRules)
	if cfg.Introspection {
		exec.Use(extension.Introspection{})
	}
	h := &Handler{
		exec: exec, store: cfg.Store, wait: cfg.BatchWait,
		maxBody: cfg.MaxBody, timeout: cfg.Timeout, maxTokens: cfg.Limits.MaxTokens,
		queries:      respcache.NewQueries(PersistedQueryBytes),
		cacheControl: "no-cache",
		fingerprint:  fmt.Sprintf("%s\x00%s\x00%d\x00%t", cfg.Build, cfg.IRIs.Base, cfg.MaxFirst, cfg.Introspection),
	}
	if s := int64(cfg.MaxAge / time.Second); s > 0 {
		h.cacheControl = fmt.Sprintf("public, max-age=%d", s)
	}
	h.cache = respcache.New(cfg.ResponseCache, h.currentVersion)
	// The persisted query's text is filled in first, so that every limit
	// applies to it as to a text sent whole.
	exec.Use(extension.AutomaticPersistedQuery{Cache: h.queries})
	exec.Use(limitsExtension{limits: cfg.Limits, maxFirst: cfg.MaxFirst, introspection: cfg.Introspection, cache: docs})
	exec.SetErrorPresenter(PresentError)
	exec.SetRecoverFunc(Recover)
	exec.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if g := graph.GraphOf(ctx); g != nil && resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["graphVersion"] = g.Version()
		}
		return resp
	})
	return h
}

// CacheStats returns the response cache's counts, and false when it is off.
func (h *Handler) CacheStats() (respcache.Stats, bool) {
	return h.cache.Stats(), h.cache != nil
}

// ServeHTTP pins the request to the store's current graph for its whole
// length, so one response never mixes two versions.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g, err := h.store.Acquire()
	if err != nil {
		WriteError(w, graph.Errorf(graph.Unavailable, "no graph is being served").WithStatus(http.StatusServiceUnavailable))
		return
	}
	defer g.Release()
	w.Header().Set("X-Graph-Version", g.Version())
	h.serve(w, r, g)
}

// currentVersion is the version the store serves now ("" when none).
func (h *Handler) currentVersion() string {
	g, err := h.store.Acquire()
	if err != nil {
		return ""
	}
	defer g.Release()
	return g.Version()
}
