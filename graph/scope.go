package graph

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"
)

// scope is what one request reads: one graph version and the loaders that
// batch its reads. Made per request, so caches never outlive it.
type scope struct {
	g        *store.Graph
	entities batchLoader[*kg.Entity]
	edges    batchLoader[[]store.Edge]
	figures  batchLoader[[]kg.Figure]
	sources  batchLoader[*kg.Source]
	linked   batchLoader[[]store.LinkedRecord]
	// imports is read once per request, when asked for.
	importsOnce sync.Once
	importList  []store.ImportInfo
	importErr   error
}

type scopeKey struct{}

// DefaultBatchWait is how long a loader gathers keys before it reads: long enough
// for sibling resolvers to join, short against a request. (A Go timer this
// short fires after about a millisecond on an idle Linux machine, sooner on
// a busy one: only fields with siblings wait; see batchLoader.)
const DefaultBatchWait = 100 * time.Microsecond

// WithGraph returns ctx reading from g, with fresh loaders whose batches
// gather keys for wait before each read.
func WithGraph(ctx context.Context, g *store.Graph, wait time.Duration) context.Context {
	if wait <= 0 {
		wait = DefaultBatchWait
	}
	s := &scope{g: g}
	s.entities.init(g.Entities, wait)
	s.edges.init(g.Edges, wait)
	s.figures.init(g.Figures, wait)
	// A graph has a handful of sources, each asked for by many evidence
	// items: the loader reads each once per request, so they need no wait
	// to share a read.
	s.sources.init(g.Sources, 0)
	s.linked.init(g.LinkedRecords, wait)
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

// batchLoader reads one kind of value by id for one request. Waiting is
// what lets sibling resolvers (the same field of each item of a list, each
// in its own goroutine) join one batch, but a wait is a timer, about a
// millisecond on Linux however short it is asked to be. So a field with no
// siblings (see alone) reads at once, straight from the read layer; the
// others go through a dataloader that gathers their keys for the batch
// wait. Either way a key is read once per request: what was read at once
// is handed to the dataloader.
type batchLoader[V any] struct {
	read func(context.Context, []string) ([]V, error)
	wait time.Duration

	mu      sync.Mutex
	batched *dataloadgen.Loader[string, V] // made on first use
	// readIDs and readValues were read at once before batched was made.
	readIDs    []string
	readValues []V
}

func (l *batchLoader[V]) init(read func(context.Context, []string) ([]V, error), wait time.Duration) {
	l.read, l.wait = read, wait
}

// loader is the dataloader, made on first use (most requests need few of
// the kinds, and many none) and given what was read before.
func (l *batchLoader[V]) loader() *dataloadgen.Loader[string, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.batched == nil {
		l.batched = dataloadgen.NewLoader(batch(l.read), dataloadgen.WithWait(l.wait))
		for i, id := range l.readIDs {
			l.batched.Prime(id, l.readValues[i])
		}
		l.readIDs, l.readValues = nil, nil
	}
	return l.batched
}

// Load reads the value of id.
func (l *batchLoader[V]) Load(ctx context.Context, id string) (V, error) {
	if !alone(ctx) {
		return l.loader().Load(ctx, id)
	}
	vs, err := l.readNow(ctx, []string{id})
	if err != nil {
		var zero V
		return zero, err
	}
	return vs[0], nil
}

// LoadAll reads the values of ids, in one batch.
func (l *batchLoader[V]) LoadAll(ctx context.Context, ids []string) ([]V, error) {
	if !alone(ctx) {
		return l.loader().LoadAll(ctx, ids)
	}
	return l.readNow(ctx, ids)
}

func (l *batchLoader[V]) readNow(ctx context.Context, ids []string) ([]V, error) {
	vs, err := l.read(ctx, ids)
	if err == nil && len(vs) != len(ids) {
		err = fmt.Errorf("read %d values for %d keys", len(vs), len(ids))
	}
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.batched != nil {
		for i, id := range ids {
			l.batched.Prime(id, vs[i])
		}
	} else {
		l.readIDs = append(l.readIDs, ids...)
		l.readValues = append(l.readValues, vs...)
	}
	return vs, nil
}

// alone reports whether the field resolved in ctx can have no sibling
// whose read could share its batch: it is below the only root field that
// reads entities (see readsNothing), through single objects only (no list
// item on its path). Outside an operation (a resolver called directly)
// there are no siblings either.
func alone(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return true
	}
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil {
		return false
	}
	readers := 0
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			return false // a fragment may hold several root fields
		}
		if !readsNothing[f.Name] {
			readers++
		}
	}
	if readers > 1 {
		return false
	}
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index != nil {
			return false
		}
	}
	return true
}

// readsNothing are the root fields that read nothing through the loaders,
// so that another root field beside them has no sibling to wait for.
var readsNothing = map[string]bool{
	"graphVersion": true, "vocabulary": true, "imports": true, "import": true,
	"__typename": true, "__schema": true, "__type": true,
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
