package store

import (
	"context"

	"github.com/civicgraph/civicgraph/kg"
	lru "github.com/hashicorp/golang-lru/v2"
)

// cache keeps read results of one graph version. A Graph never changes, so an
// entry never goes stale: a new version is a new Graph with an empty cache,
// which is what keys the cache by version. Values are shared between requests
// and must not be modified.
type cache struct {
	entities *lru.Cache[string, *kg.Entity]
	edges    *lru.Cache[string, []Edge]
	figures  *lru.Cache[string, []kg.Figure]
	// fragments holds the sorted matches of recent triple patterns, so
	// that paging through one reads the store once.
	fragments *lru.Cache[Pattern, []kg.Quad]
}

// fragmentEntries is how many triple patterns a version keeps.
const fragmentEntries = 256

// newCache holds up to n entries of each kind; n <= 0 turns caching off.
func newCache(n int) cache {
	if n <= 0 {
		return cache{}
	}
	// lru.New fails only for a size below 1.
	e, _ := lru.New[string, *kg.Entity](n)
	r, _ := lru.New[string, []Edge](n)
	f, _ := lru.New[string, []kg.Figure](n)
	p, _ := lru.New[Pattern, []kg.Quad](fragmentEntries)
	return cache{entities: e, edges: r, figures: f, fragments: p}
}

// cached answers a batch read from c where it can and reads only the misses,
// in one call, through read.
func cached[V any](ctx context.Context, c *lru.Cache[string, V], count *readCounter, ids []string, read func(context.Context, []string) ([]V, error)) ([]V, error) {
	if c == nil {
		return read(ctx, ids)
	}
	out := make([]V, len(ids))
	var miss []string
	var at []int
	for i, id := range ids {
		if v, ok := c.Get(id); ok {
			out[i] = v
			continue
		}
		miss = append(miss, id)
		at = append(at, i)
	}
	count.hit(len(ids) - len(miss))
	count.miss(len(miss))
	if len(miss) == 0 {
		return out, nil
	}
	vs, err := read(ctx, miss)
	if err != nil {
		return nil, err
	}
	for j, v := range vs {
		out[at[j]] = v
		// Unknown entities are not kept: probing random ids must not evict
		// the entries real questions use. (Relations and figures are only
		// asked of entities that exist.)
		if !unknownEntity(v) {
			c.Add(miss[j], v)
		}
	}
	return out, nil
}

func unknownEntity[V any](v V) bool {
	e, ok := any(v).(*kg.Entity)
	return ok && e == nil
}
