package graph

import (
	"context"
	"sync"
	"time"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vikstrous/dataloadgen"
)

// scope is what one request reads: one graph version and the dataloaders
// that batch its reads. Made per request, so caches never outlive it.
type scope struct {
	g        *store.Graph
	entities *dataloadgen.Loader[string, *kg.Entity]
	edges    *dataloadgen.Loader[string, []store.Edge]
	figures  *dataloadgen.Loader[string, []kg.Figure]
	sources  *dataloadgen.Loader[string, *kg.Source]
	linked   *dataloadgen.Loader[string, []store.LinkedRecord]
	// imports is read once per request, when asked for.
	importsOnce sync.Once
	importList  []store.ImportInfo
	importErr   error
}

type scopeKey struct{}

// DefaultBatchWait is how long a loader gathers keys before it reads: long enough
// for sibling resolvers to join, short against a request.
const DefaultBatchWait = 100 * time.Microsecond

// WithGraph returns ctx reading from g, with fresh dataloaders that gather
// keys for wait before each read.
func WithGraph(ctx context.Context, g *store.Graph, wait time.Duration) context.Context {
	if wait <= 0 {
		wait = DefaultBatchWait
	}
	s := &scope{g: g}
	s.entities = dataloadgen.NewLoader(batch(g.Entities), dataloadgen.WithWait(wait))
	s.edges = dataloadgen.NewLoader(batch(g.Edges), dataloadgen.WithWait(wait))
	s.figures = dataloadgen.NewLoader(batch(g.Figures), dataloadgen.WithWait(wait))
	s.sources = dataloadgen.NewLoader(batch(g.Sources), dataloadgen.WithWait(wait))
	s.linked = dataloadgen.NewLoader(batch(g.LinkedRecords), dataloadgen.WithWait(wait))
	return context.WithValue(ctx, scopeKey{}, s)
}

// GraphOf returns the graph the request reads, nil outside a request.
func GraphOf(ctx context.Context) *store.Graph {
	if s, ok := ctx.Value(scopeKey{}).(*scope); ok {
		return s.g
	}
	return nil
}

func scopeOf(ctx context.Context) (*scope, error) {
	s, ok := ctx.Value(scopeKey{}).(*scope)
	if !ok {
		return nil, Errorf(Unavailable, "no graph is loaded")
	}
	return s, nil
}

// batch adapts a read-layer batch read to a dataloader fetch.
func batch[V any](read func(context.Context, []string) ([]V, error)) func(context.Context, []string) ([]V, []error) {
	return func(ctx context.Context, keys []string) ([]V, []error) {
		vs, err := read(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}
