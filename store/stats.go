package store

import "sync/atomic"

// Stats counts what a Store's graphs have done over the store's life, across
// every graph version it has served: for metrics, which must never go
// backwards when a reload starts a new version.
type Stats struct {
	Reads       int64 // store reads, as Graph.Calls counts them
	CacheHits   int64 // keys a cache answered
	CacheMisses int64 // keys a cache had to read from the store (caching on)
}

// counters are a Store's Stats while they grow; its graphs share them.
type counters struct {
	reads, hits, misses atomic.Int64
}

// Stats returns the store's counts so far.
func (s *Store) Stats() Stats {
	return Stats{Reads: s.counters.reads.Load(), CacheHits: s.counters.hits.Load(), CacheMisses: s.counters.misses.Load()}
}

// readCounter counts one graph's reads, and its store's with them.
type readCounter struct {
	n     atomic.Int64
	total *counters // nil for a graph opened outside a Store
}

func (c *readCounter) Add(d int64) {
	c.n.Add(d)
	if c.total != nil {
		c.total.reads.Add(d)
	}
}

func (c *readCounter) Load() int64 { return c.n.Load() }

// hit and miss count cache use, when the graph belongs to a store.
func (c *readCounter) hit(n int) {
	if c.total != nil && n > 0 {
		c.total.hits.Add(int64(n))
	}
}

func (c *readCounter) miss(n int) {
	if c.total != nil && n > 0 {
		c.total.misses.Add(int64(n))
	}
}
