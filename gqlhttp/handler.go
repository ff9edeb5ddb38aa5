// Package gqlhttp serves civicgraph's gqlgen executable schema over HTTP as
// the GraphQL-over-HTTP spec says, with the service's limits and one error
// presenter: the /graphql endpoint. Package graph resolves the schema; this
// package decodes requests, refuses what is over a limit before it costs
// anything, validates with a linear-time rule set, and writes every answer
// and every error in one shape.
package gqlhttp

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/kg"
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
}

// queryCacheSize is how many parsed and validated documents the endpoint
// keeps, by query text.
const queryCacheSize = 1000

// NewHandler returns the GraphQL endpoint: POST and GET (queries only), each
// request reading one graph version, which it names in the X-Graph-Version
// header and in extensions.graphVersion.
func NewHandler(cfg Config) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(&graph.Resolver{IRIs: cfg.IRIs, MaxFirst: cfg.MaxFirst}))
	srv.AddTransport(httpTransport{maxBody: cfg.MaxBody, timeout: cfg.Timeout, maxTokens: cfg.Limits.MaxTokens})
	// Parsed and validated documents, by query text: a repeated query skips
	// counting, parsing and validating. They do not depend on the graph
	// version.
	cache := lru.New[*ast.QueryDocument](queryCacheSize)
	srv.SetQueryCache(cache)
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	srv.SetValidationRulesFn(ValidationRules)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(limitsExtension{limits: cfg.Limits, maxFirst: cfg.MaxFirst, introspection: cfg.Introspection, cache: cache})
	srv.SetErrorPresenter(PresentError)
	srv.SetRecoverFunc(Recover)
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if g := graph.GraphOf(ctx); g != nil && resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["graphVersion"] = g.Version()
		}
		return resp
	})
	return withHost(withGraph(cfg.Store, cfg.BatchWait, srv))
}

// withGraph pins the request to the store's current graph for its whole
// length, so one response never mixes two versions.
func withGraph(st *store.Store, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, err := st.Acquire()
		if err != nil {
			WriteError(w, graph.Errorf(graph.Unavailable, "no graph is being served").WithStatus(http.StatusServiceUnavailable))
			return
		}
		defer g.Release()
		w.Header().Set("X-Graph-Version", g.Version())
		next.ServeHTTP(w, r.WithContext(graph.WithGraph(r.Context(), g, wait)))
	})
}

// withHost notes the host the request reached, for the resolvers that take
// an IRI under it (see graph.WithHost).
func withHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(graph.WithHost(r.Context(), r.Host)))
	})
}
