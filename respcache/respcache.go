// Package respcache keeps whole GraphQL responses in memory, bounded in
// bytes, for the graph version being served, and the query texts of
// automatic persisted queries, bounded the same way.
//
// A response is stored under a Key that its caller derives from everything
// the response depends on, the graph version included. The cache belongs to
// one graph version at a time: the first request that reads a newer version
// the store serves empties it, and requests still reading an older version
// neither read nor fill it. Identical misses that arrive together are
// answered by one execution: the others wait for it and share its response.
package respcache

import (
	"context"
	"sync"
	"sync/atomic"
)

// Key identifies one response: a digest of everything it depends on.
type Key [32]byte

// Entry is a response as it is sent.
type Entry struct {
	Body []byte
	// ETag is the entity tag of the response, quoted.
	ETag string
}

// entryOverhead approximates what an entry costs beside its body and ETag:
// its map slot, list element and headers.
const entryOverhead = 160

func (e *Entry) size() int64 { return int64(len(e.Body)+len(e.ETag)) + entryOverhead }

// MaxEntryFraction is the largest share of the budget one response may
// take: a larger one is not kept, so that one big answer cannot push out
// many small ones.
const MaxEntryFraction = 8

// Stats are a cache's counts since it was made.
type Stats struct {
	Hits      int64 // requests answered from the cache, or by an identical request in flight
	Misses    int64 // requests the cache could not answer
	Evictions int64 // responses dropped to keep within the budget
	Rejected  int64 // responses too large to keep
	Bytes     int64 // bytes held now
	Entries   int64 // responses held now
}

// Cache is a response cache. A nil *Cache is a cache that is off: it never
// answers and keeps nothing.
type Cache struct {
	current func() string // the version the store serves now
	maxItem int64

	mu      sync.Mutex
	version string // the version whose responses are held
	items   *lru[Key, *Entry]
	flights map[Key]*flight

	hits, misses, evictions, rejected atomic.Int64
}

// New returns a cache of at most maxBytes, or nil (off) when maxBytes is not
// positive. current reports the graph version the store serves now; it is
// called only when a request reads another version than the cache holds.
func New(maxBytes int64, current func() string) *Cache {
	if maxBytes <= 0 {
		return nil
	}
	return &Cache{
		current: current,
		maxItem: maxBytes / MaxEntryFraction,
		items:   newLRU[Key](maxBytes, (*Entry).size),
		flights: map[Key]*flight{},
	}
}

// flight is one execution that identical requests wait for.
type flight struct {
	done    chan struct{}
	entry   *Entry       // set before done is closed; nil when nothing can be shared
	waiters atomic.Int32 // requests waiting for it
}

// Fill is a miss the caller answers: it calls Done with the response it
// made, or with nil when the response may not be kept. A nil *Fill is
// valid: its Done does nothing.
type Fill struct {
	c       *Cache
	version string
	key     Key
	flight  *flight // nil unless others may wait on this fill
}

// Get returns the response held under key for a request reading version.
// On a miss it returns the Fill to complete instead. When an identical
// request is being answered, Get waits for it (or for ctx) and returns its
// response; if that one could not be shared, the caller answers on its own.
// A request reading a version the store no longer serves gets neither.
func (c *Cache) Get(ctx context.Context, version string, key Key) (*Entry, *Fill) {
	if c == nil {
		return nil, nil
	}
	c.mu.Lock()
	if version != c.version {
		// Either the store switched versions, or this request started
		// before it did: ask which, outside the lock.
		c.mu.Unlock()
		if version != c.current() {
			c.misses.Add(1)
			return nil, nil
		}
		c.mu.Lock()
		if version != c.version {
			c.version = version
			c.items.reset()
		}
	}
	if e, ok := c.items.get(key); ok {
		c.mu.Unlock()
		c.hits.Add(1)
		return e, nil
	}
	if f, ok := c.flights[key]; ok {
		c.mu.Unlock()
		f.waiters.Add(1)
		select {
		case <-f.done:
		case <-ctx.Done():
			c.misses.Add(1)
			return nil, nil
		}
		if f.entry != nil {
			c.hits.Add(1)
			return f.entry, nil
		}
		c.misses.Add(1)
		return nil, &Fill{c: c, version: version, key: key}
	}
	f := &flight{done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()
	c.misses.Add(1)
	return nil, &Fill{c: c, version: version, key: key, flight: f}
}

// Done completes a miss: e (when not nil) is kept, if it fits and the cache
// still holds the version it was read from, and handed to the requests
// that waited for it. Call it once, whatever happened.
func (f *Fill) Done(e *Entry) {
	if f == nil {
		return
	}
	c := f.c
	c.mu.Lock()
	if f.flight != nil {
		delete(c.flights, f.key)
		f.flight.entry = e
		close(f.flight.done)
	}
	switch {
	case e == nil || f.version != c.version:
		// An error, or a version switch emptied the cache meanwhile.
	case e.size() > c.maxItem:
		c.rejected.Add(1)
	default:
		c.evictions.Add(int64(c.items.put(f.key, e)))
	}
	c.mu.Unlock()
}

// Stats returns the cache's counts.
func (c *Cache) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	c.mu.Lock()
	bytes, entries := c.items.bytes, int64(c.items.len())
	c.mu.Unlock()
	return Stats{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(), Rejected: c.rejected.Load(),
		Bytes: bytes, Entries: entries,
	}
}
