package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/civicgraph/civicgraph/graph/generated"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

// Config is what the GraphQL endpoint needs.
type Config struct {
	Store         *store.Store
	IRIs          kg.IRIs
	MaxFirst      int  // largest page size a query may ask for
	Introspection bool // whether clients may read the schema
	// BatchWait is how long a dataloader gathers keys (DefaultBatchWait when 0).
	BatchWait time.Duration
	// Limits bound depth, complexity, aliases and tokens; zero fields are no
	// limit.
	Limits Limits
	// MaxBody is the largest POST body (or GET query string) in bytes; 0 is
	// no limit.
	MaxBody int64
	// Timeout is the deadline of one request; 0 is none.
	Timeout time.Duration
}

// NewHandler returns the GraphQL endpoint: POST and GET (queries only), each
// request reading one graph version, which it names in the X-Graph-Version
// header and in extensions.graphVersion.
func NewHandler(cfg Config) http.Handler {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{IRIs: cfg.IRIs, MaxFirst: cfg.MaxFirst},
	}))
	srv.AddTransport(httpTransport{maxBody: cfg.MaxBody, timeout: cfg.Timeout, maxTokens: cfg.Limits.MaxTokens})
	// Parsed and validated documents, by query text: a repeated query skips
	// both. They do not depend on the graph version.
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(limitsExtension{limits: cfg.Limits, maxFirst: cfg.MaxFirst, introspection: cfg.Introspection})
	srv.SetErrorPresenter(PresentError)
	srv.SetRecoverFunc(Recover)
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if g := GraphOf(ctx); g != nil && resp != nil {
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
			WriteError(w, Errorf(Unavailable, "no graph is being served").WithStatus(http.StatusServiceUnavailable))
			return
		}
		defer g.Release()
		w.Header().Set("X-Graph-Version", g.Version())
		next.ServeHTTP(w, r.WithContext(WithGraph(r.Context(), g, wait)))
	})
}
