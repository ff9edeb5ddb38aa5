package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/memstore"
)

// memory keeps generations in Cayley's in-memory store; only the current one
// and those still being read are kept. One process owns it, so the Store's
// own mutex is all the locking it needs.
type memory struct {
	mu   sync.Mutex
	seq  int
	gens map[string]graph.QuadStore
	cur  string
}

func newMemory() *memory { return &memory{gens: map[string]graph.QuadStore{}} }

func (m *memory) String() string { return "memory" }

func (m *memory) current(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cur, nil
}

func (m *memory) lock(context.Context) (func(), error) { return func() {}, nil }

func (m *memory) build(ctx context.Context, src Source, _ string) (string, error) {
	qs := memstore.New()
	if err := Write(qs, src); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	gen := fmt.Sprintf("mem-%d", m.seq)
	m.gens[gen] = qs
	return gen, nil
}

func (m *memory) publish(_ context.Context, gen string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.gens[gen]; !ok {
		return fmt.Errorf("no generation %s", gen)
	}
	m.cur = gen
	return nil
}

func (m *memory) discard(gen string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.cur {
		delete(m.gens, gen)
	}
}

// prune has nothing to do: a generation is dropped when its last reader
// releases it.
func (m *memory) prune(context.Context, ...string) {}

func (m *memory) open(_ context.Context, gen string) (graph.QuadStore, func(), error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	qs, ok := m.gens[gen]
	if !ok {
		return nil, nil, fmt.Errorf("no generation %s", gen)
	}
	return qs, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if gen != m.cur {
			delete(m.gens, gen)
		}
	}, nil
}

func (m *memory) ping(context.Context) error { return nil }
func (m *memory) close() error               { return nil }
