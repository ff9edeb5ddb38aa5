// Package store keeps civicgraph's graph in a Cayley quad store — in memory,
// in bolt or in PostgreSQL — and reads typed answers from it. A load builds
// the new graph beside the old one and then switches to it at once, so readers
// always see one whole version.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/search"
)

// Sentinel errors, checked with errors.Is.
var (
	ErrBadSpec = errors.New("bad store spec")
	ErrLocked  = errors.New("store is held by another process")
	ErrEmpty   = errors.New("store holds no graph")
	ErrClosed  = errors.New("store is closed")
)

// backend is one kind of Cayley store that can hold several generations of
// the graph side by side and name the current one.
type backend interface {
	// current names the published generation, "" when there is none.
	current(ctx context.Context) (string, error)
	// build writes ds as a new generation beside the current one.
	build(ctx context.Context, ds *loader.Dataset) (string, error)
	// publish makes gen current, atomically.
	publish(ctx context.Context, gen string) error
	// open opens a generation for reading.
	open(ctx context.Context, gen string) (graph.QuadStore, func(), error)
	ping(ctx context.Context) error
	close() error
	String() string
}

// Store serves the current graph of a backend and switches to a newer one
// when a load publishes it.
type Store struct {
	b      backend
	mu     sync.Mutex // serialises loads and switches
	gen    string
	cur    atomic.Pointer[Graph]
	closed atomic.Bool
}

// Open opens the store named by spec: "memory", "bolt:DIR" or a postgres://
// URL. When the store holds no graph yet and seed is not nil, the seed
// dataset is loaded into it.
func Open(ctx context.Context, spec string, seed func() (*loader.Dataset, error)) (*Store, error) {
	b, err := newBackend(spec)
	if err != nil {
		return nil, err
	}
	s := &Store{b: b}
	gen, err := b.current(ctx)
	if err != nil {
		b.close()
		return nil, fmt.Errorf("open %s: %w", b, err)
	}
	if gen == "" {
		if seed == nil {
			b.close()
			return nil, fmt.Errorf("open %s: %w", b, ErrEmpty)
		}
		ds, err := seed()
		if err != nil {
			b.close()
			return nil, fmt.Errorf("open %s: seed: %w", b, err)
		}
		if _, err := s.Load(ctx, ds); err != nil {
			b.close()
			return nil, err
		}
		return s, nil
	}
	if err := s.switchTo(ctx, gen); err != nil {
		b.close()
		return nil, fmt.Errorf("open %s: %w", b, err)
	}
	return s, nil
}

func newBackend(spec string) (backend, error) {
	switch {
	case spec == "memory" || spec == "":
		return newMemory(), nil
	case strings.HasPrefix(spec, "bolt:"):
		dir := strings.TrimPrefix(spec, "bolt:")
		if dir == "" {
			return nil, fmt.Errorf("%w: %q: want bolt:DIR", ErrBadSpec, spec)
		}
		return newBolt(dir)
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return newPostgres(spec)
	}
	return nil, fmt.Errorf("%w: %q: want memory, bolt:DIR or postgres://…", ErrBadSpec, spec)
}

// String names the store for logs, without credentials.
func (s *Store) String() string { return s.b.String() }

// Load writes ds beside the current graph, publishes it and serves it. When
// anything fails, the previous graph stays current and served.
func (s *Store) Load(ctx context.Context, ds *loader.Dataset) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gen, err := s.b.build(ctx, ds)
	if err != nil {
		return "", fmt.Errorf("load into %s: %w", s.b, err)
	}
	g, err := s.openGraph(ctx, gen)
	if err != nil {
		return "", fmt.Errorf("load into %s: %w", s.b, err)
	}
	if err := s.b.publish(ctx, gen); err != nil {
		g.retire()
		return "", fmt.Errorf("load into %s: publish: %w", s.b, err)
	}
	s.install(gen, g)
	return g.version, nil
}

// Refresh switches to the backend's current generation when another process
// has published a new one. It reports whether the graph changed.
func (s *Store) Refresh(ctx context.Context) (bool, error) {
	if s.closed.Load() {
		return false, ErrClosed
	}
	gen, err := s.b.current(ctx)
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	same := gen == s.gen || gen == ""
	s.mu.Unlock()
	if same {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen == s.gen {
		return false, nil
	}
	return true, s.switchToLocked(ctx, gen)
}

func (s *Store) switchTo(ctx context.Context, gen string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.switchToLocked(ctx, gen)
}

func (s *Store) switchToLocked(ctx context.Context, gen string) error {
	g, err := s.openGraph(ctx, gen)
	if err != nil {
		return err
	}
	s.install(gen, g)
	return nil
}

func (s *Store) install(gen string, g *Graph) {
	s.gen = gen
	old := s.cur.Swap(g)
	slog.Info("serving graph", "store", s.b.String(), "version", g.version, "entities", g.index.Len())
	if old != nil {
		old.retire()
	}
}

// openGraph opens a generation and builds its search index from Cayley.
func (s *Store) openGraph(ctx context.Context, gen string) (*Graph, error) {
	qs, release, err := s.b.open(ctx, gen)
	if err != nil {
		return nil, err
	}
	g := &Graph{qs: qs, release: release}
	g.users.Store(1) // the store's own reference, dropped by retire
	if g.version, err = readVersion(ctx, qs); err != nil {
		g.retire()
		return nil, fmt.Errorf("read version: %w", err)
	}
	if g.version == "" {
		g.retire()
		return nil, fmt.Errorf("generation %s: %w", gen, ErrEmpty)
	}
	if g.index, err = buildIndex(ctx, g); err != nil {
		g.retire()
		return nil, fmt.Errorf("build search index: %w", err)
	}
	return g, nil
}

func buildIndex(ctx context.Context, g *Graph) (*search.Index, error) {
	ids, err := g.EntityIDs(ctx)
	if err != nil {
		return nil, err
	}
	ents, err := g.Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	degrees, err := g.Degrees(ctx, ids)
	if err != nil {
		return nil, err
	}
	entries := make([]search.Entry, 0, len(ents))
	for i, e := range ents {
		if e == nil {
			continue
		}
		entries = append(entries, search.Entry{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases, Degree: degrees[i]})
	}
	return search.Build(entries), nil
}

// Acquire returns the current graph for the length of one request; call
// Release on it when done, so a retired graph is closed only after its last
// reader.
func (s *Store) Acquire() (*Graph, error) {
	for {
		g := s.cur.Load()
		if g == nil || s.closed.Load() {
			return nil, ErrClosed
		}
		if g.acquire() {
			return g, nil
		}
		// g was retired between Load and acquire: take the new one.
	}
}

// Ping checks that the backend answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return s.b.ping(ctx)
}

// Close retires the current graph and closes the backend.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.cur.Swap(nil); g != nil {
		g.retire()
	}
	return s.b.close()
}

// acquire takes a reference unless the graph is already fully released.
func (g *Graph) acquire() bool {
	for {
		n := g.users.Load()
		if n <= 0 {
			return false
		}
		if g.users.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Release returns a reference taken by Acquire.
func (g *Graph) Release() {
	if g.users.Add(-1) == 0 && g.release != nil {
		g.release()
	}
}

// retire drops the store's own reference.
func (g *Graph) retire() {
	if !g.retired.Swap(true) {
		g.Release()
	}
}

// Degrees counts the relations of each entity, for ranking.
func (g *Graph) Degrees(ctx context.Context, ids []string) ([]int, error) {
	g.calls.Add(1)
	out := make([]int, len(ids))
	for i, id := range ids {
		for _, d := range []quad.Direction{quad.Subject, quad.Object} {
			qs, err := g.quadsOf(ctx, quad.IRI(id), d)
			if err != nil {
				return nil, err
			}
			for _, q := range qs {
				if q.Label != nil {
					out[i]++
				}
			}
		}
	}
	return out, nil
}
