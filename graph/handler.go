package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/civicgraph/civicgraph/graph/generated"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// Config is what the GraphQL endpoint needs.
type Config struct {
	Store         *store.Store
	IRIs          kg.IRIs
	MaxFirst      int  // largest page size a query may ask for
	Introspection bool // whether clients may read the schema
	// BatchWait is how long a dataloader gathers keys (DefaultBatchWait when 0).
	BatchWait time.Duration
}

// NewHandler returns the GraphQL endpoint: POST and GET (queries only), each
// request reading one graph version, which it names in the X-Graph-Version
// header and in extensions.graphVersion.
func NewHandler(cfg Config) http.Handler {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{IRIs: cfg.IRIs, MaxFirst: cfg.MaxFirst},
	}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
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
	return withGraph(cfg.Store, cfg.BatchWait, srv)
}

// withGraph pins the request to the store's current graph for its whole
// length, so one response never mixes two versions.
func withGraph(st *store.Store, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, err := st.Acquire()
		if err != nil {
			writeError(w, http.StatusServiceUnavailable, Unavailable, "no graph is being served")
			return
		}
		defer g.Release()
		w.Header().Set("X-Graph-Version", g.Version())
		next.ServeHTTP(w, r.WithContext(WithGraph(r.Context(), g, wait)))
	})
}

// writeError answers a request that never reached GraphQL execution with a
// GraphQL error body.
func writeError(w http.ResponseWriter, status int, code Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(`{"errors":[{"message":` + quote(msg) + `,"extensions":{"code":"` + string(code) + `"}}],"data":null}`))
}

func quote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for _, c := range []byte(s) {
		if c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return string(append(b, '"'))
}
