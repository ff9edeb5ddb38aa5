package respcache

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// Queries holds the query texts of automatic persisted queries by their
// SHA-256 hash, for gqlgen's AutomaticPersistedQuery extension, bounded in
// bytes rather than in entries: a client may register documents as large as
// a request body, so a count alone would not bound memory. A query larger
// than 1/MaxEntryFraction of the budget is not kept; its clients keep
// sending it whole.
type Queries struct {
	maxItem int64
	mu      sync.Mutex
	items   *lru[string, string]
}

var _ graphql.Cache[string] = (*Queries)(nil)

// queryOverhead approximates what a kept query costs beside its text: its
// hash, map slot and list element.
const queryOverhead = 64 + 96

// NewQueries returns a store of at most maxBytes (at least one byte).
func NewQueries(maxBytes int64) *Queries {
	maxBytes = max(maxBytes, 1)
	return &Queries{
		maxItem: maxBytes / MaxEntryFraction,
		items:   newLRU[string](maxBytes, func(q string) int64 { return int64(len(q)) + queryOverhead }),
	}
}

// Get returns the query registered under hash.
func (q *Queries) Get(_ context.Context, hash string) (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.get(hash)
}

// Add registers query under hash (gqlgen has checked that it is the
// query's hash).
func (q *Queries) Add(_ context.Context, hash, query string) {
	if int64(len(query))+queryOverhead > q.maxItem {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items.put(hash, query)
}

// Bytes is what the store holds now.
func (q *Queries) Bytes() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.bytes
}
