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
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/search"
)

// Sentinel errors, checked with errors.Is.
var (
	ErrBadSpec = errors.New("bad store spec")
	ErrLocked  = errors.New("store is held by another process")
	ErrEmpty   = errors.New("store holds no graph")
	ErrClosed  = errors.New("store is closed")
	// ErrNoSource is a Load of a nil Source: nothing to write.
	ErrNoSource = errors.New("no source to load")
)

// isNil reports a nil Source, a nil pointer in one included (a failed
// load's *loader.Dataset): calling it would panic inside the write.
func isNil(src Source) bool {
	if src == nil {
		return true
	}
	v := reflect.ValueOf(src)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// backend is one kind of Cayley store that can hold several generations of
// the graph side by side and name the current one.
type backend interface {
	// current names the published generation, "" when there is none.
	current(ctx context.Context) (string, error)
	// lock serialises loads across every process sharing the store, so two
	// loads never publish or prune under each other. The lock dies with its
	// process, so a killed load never leaves the store locked.
	lock(ctx context.Context) (unlock func(), err error)
	// build writes src as a new generation beside the current one; on error
	// it leaves nothing behind.
	build(ctx context.Context, src Source, version string) (string, error)
	// publish makes gen current, atomically.
	publish(ctx context.Context, gen string) error
	// discard removes an unpublished generation.
	discard(gen string)
	// prune removes generations left by earlier or killed loads, except the
	// current one, those in keep and any another reader still has open.
	prune(ctx context.Context, keep ...string)
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
	opts   Options
	mu     sync.Mutex // serialises loads and switches; guards gen
	gen    string     // the generation cur was opened from
	cur    atomic.Pointer[Graph]
	closed atomic.Bool

	counters counters // reads and cache use of every graph served
}

// Options tune a Store.
type Options struct {
	// CacheEntries is how many entities (and as many relation lists and
	// figure lists) each graph version keeps in memory after reading them;
	// 0 turns the cache off.
	CacheEntries int
}

// Open opens the store named by spec: "memory", "bolt:DIR" or a postgres://
// URL, with no cache. When the store holds no graph yet and seed is not nil,
// the source seed returns is loaded into it.
func Open(ctx context.Context, spec string, seed func() (Source, error)) (*Store, error) {
	return OpenWith(ctx, spec, seed, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, spec string, seed func() (Source, error), opts Options) (*Store, error) {
	b, err := newBackend(spec)
	if err != nil {
		return nil, err
	}
	s := &Store{b: b, opts: opts}
	if err := s.start(ctx, seed); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) start(ctx context.Context, seed func() (Source, error)) error {
	gen, err := s.b.current(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.b, err)
	}
	if gen != "" {
		if err := s.switchTo(ctx, gen); err != nil {
			return fmt.Errorf("open %s: %w", s.b, err)
		}
		return nil
	}
	if seed == nil {
		return fmt.Errorf("open %s: %w", s.b, ErrEmpty)
	}
	// The error first: a seed that failed may return a nil *loader.Dataset,
	// which as a Source is not nil.
	src, err := seed()
	if err != nil {
		return fmt.Errorf("open %s: seed: %w", s.b, err)
	}
	// Another process may seed at the same time: Load serialises with it and
	// serves its generation when it holds the same dataset.
	_, err = s.Load(ctx, src)
	return err
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

// LoadInto loads src into the store spec for another process to serve — what
// `civicgraph load` does. Unlike Open followed by Load it does not need to
// open the current graph first, so it also repairs a store whose current
// generation cannot be opened (removed, or held exclusively elsewhere).
func LoadInto(ctx context.Context, spec string, src Source) (string, error) {
	b, err := newBackend(spec)
	if err != nil {
		return "", err
	}
	s := &Store{b: b}
	defer s.Close()
	return s.Load(ctx, src)
}

// Load writes src beside the current graph, publishes it and serves it. When
// anything fails, the previous graph stays current and served. Loading the
// version the store already serves builds nothing.
func (s *Store) Load(ctx context.Context, src Source) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() { // checked under mu: Close may have run while we waited
		return "", ErrClosed
	}
	version, err := s.load(ctx, src)
	if err != nil {
		// Drivers report a cancelled query in their own words; callers
		// check for the context's error.
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			err = fmt.Errorf("%w: %w", cerr, err)
		}
		return "", fmt.Errorf("load into %s: %w", s.b, err)
	}
	return version, nil
}

func (s *Store) load(ctx context.Context, src Source) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if isNil(src) {
		return "", ErrNoSource
	}
	// The imports the current graph keeps stay beside the new curated one.
	return s.update(ctx, func(prev string) (Source, error) {
		if prev == "" {
			return src, nil
		}
		return s.withImports(ctx, prev, src)
	})
}

// update writes the source next makes from the published generation prev
// as a new generation, publishes it and serves it, under the load lock.
// Callers hold mu.
func (s *Store) update(ctx context.Context, next func(prev string) (Source, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	unlock, err := s.b.lock(ctx)
	if err != nil {
		return "", fmt.Errorf("wait for other loads: %w", err)
	}
	defer unlock()
	prev, err := s.b.current(ctx)
	if err != nil {
		return "", err
	}
	src, err := next(prev)
	if err != nil {
		return "", err
	}
	version := src.Version()
	if prev != "" && s.adopt(ctx, prev, version) {
		return version, nil
	}
	gen, err := s.b.build(ctx, src, version)
	if err != nil {
		return "", err
	}
	g, err := s.openGraph(ctx, gen, version)
	if err == nil {
		err = ctx.Err() // the last moment a cancelled load can still back out
		if err != nil {
			g.retire()
		}
	}
	if err != nil {
		s.b.discard(gen)
		return "", err
	}
	// Past this point the load completes: a publish cut short by the caller
	// would leave its outcome unknown.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.b.publish(pctx, gen); err != nil {
		// Not discarded: when the switch happened after all (a lost commit
		// acknowledgement), gen is current; otherwise a later prune removes it.
		g.retire()
		return "", fmt.Errorf("publish %s: %w", gen, err)
	}
	s.install(ctx, gen, g)
	// The previous generation stays for servers that have not switched yet.
	s.b.prune(pctx, gen, prev)
	return version, nil
}

// adopt serves the current generation gen instead of building a copy when it
// already holds version — loaded by this store earlier, or by a racing load
// of the same data in another process. It reports whether it did.
func (s *Store) adopt(ctx context.Context, gen, version string) bool {
	if gen == s.gen {
		g := s.cur.Load()
		return g != nil && g.version == version
	}
	g, err := s.openGraph(ctx, gen, version)
	if err != nil {
		return false
	}
	s.install(ctx, gen, g)
	return true
}

// Refresh switches to the backend's current generation when another process
// has published a new one. It reports whether the graph changed. When the new
// generation cannot be opened, the previous graph stays served and the error
// is returned; the next Refresh tries again.
func (s *Store) Refresh(ctx context.Context) (bool, error) {
	if s.closed.Load() {
		return false, ErrClosed
	}
	// The current generation is read under mu: read outside, a name read
	// before a Load of this process published could switch back to an older
	// graph. A Load in progress installs the newest graph itself.
	if !s.mu.TryLock() {
		return false, nil
	}
	defer s.mu.Unlock()
	if s.closed.Load() {
		return false, ErrClosed
	}
	gen, err := s.b.current(ctx)
	if err != nil {
		return false, fmt.Errorf("refresh %s: %w", s.b, err)
	}
	if gen == "" || gen == s.gen {
		return false, nil
	}
	if err := s.switchToLocked(ctx, gen); err != nil {
		return false, fmt.Errorf("refresh %s: %w", s.b, err)
	}
	return true, nil
}

func (s *Store) switchTo(ctx context.Context, gen string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.switchToLocked(ctx, gen)
}

func (s *Store) switchToLocked(ctx context.Context, gen string) error {
	g, err := s.openGraph(ctx, gen, "")
	if err != nil {
		return err
	}
	s.install(ctx, gen, g)
	return nil
}

// install serves g; the graph it replaces is closed after its last reader.
// Callers hold mu.
func (s *Store) install(ctx context.Context, gen string, g *Graph) {
	s.gen = gen
	old := s.cur.Swap(g)
	slog.InfoContext(ctx, "serving graph", "store", s.b.String(), "version", g.version, "entities", g.index.Len())
	if old != nil {
		old.retire()
	}
}

// openGraph opens a generation and builds its search index from Cayley. With
// want set, a generation of another version is closed before the index is
// built, and an error returned.
func (s *Store) openGraph(ctx context.Context, gen, want string) (*Graph, error) {
	qs, release, err := s.b.open(ctx, gen)
	if err != nil {
		return nil, err
	}
	g := &Graph{qs: qs, release: release, cache: newCache(s.opts.CacheEntries)}
	g.calls.total = &s.counters
	g.users.Store(1) // the store's own reference, dropped by retire
	if g.version, g.info, err = readGraphNode(ctx, qs); err != nil {
		g.retire()
		return nil, fmt.Errorf("generation %s: read version and dataset info: %w", gen, err)
	}
	if g.version == "" {
		g.retire()
		return nil, fmt.Errorf("generation %s: %w", gen, ErrEmpty)
	}
	if want != "" && g.version != want {
		g.retire()
		return nil, fmt.Errorf("generation %s holds version %s, not %s", gen, g.version, want)
	}
	if g.index, err = buildIndex(ctx, g); err != nil {
		g.retire()
		return nil, fmt.Errorf("generation %s: build search index: %w", gen, err)
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
		// Pinyin is the data's override: search reads the name with it.
		entries = append(entries, search.Entry{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases, Pinyin: e.Pinyin, Degree: degrees[i]})
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

// Ping checks that the backend really answers: the bolt generation's file is
// readable, the PostgreSQL server runs queries.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := s.b.ping(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.b, err)
	}
	return nil
}

// Close retires the current graph and closes the backend. Graphs still
// acquired stay readable until they are released.
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
