package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/civicgraph/civicgraph/loader"
)

// memory keeps generations in Cayley's in-memory store; only the current one
// and those still being read are kept.
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

func (m *memory) build(_ context.Context, ds *loader.Dataset) (string, error) {
	qs := memstore.New()
	if err := loader.Write(qs, ds); err != nil {
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
	m.cur = gen
	return nil
}

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
		delete(m.gens, gen)
	}, nil
}

func (m *memory) ping(context.Context) error { return nil }
func (m *memory) close() error               { return nil }
