package respcache

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// versions is the store as the cache sees it: the version it serves now.
type versions struct{ cur atomic.Value }

func (v *versions) current() string  { return v.cur.Load().(string) }
func (v *versions) serve(ver string) { v.cur.Store(ver) }

func mustCache(tb testing.TB, maxBytes int64, version string) (*Cache, *versions) {
	tb.Helper()
	v := &versions{}
	v.serve(version)
	c := New(maxBytes, v.current)
	if c == nil {
		tb.Fatalf("New(%d) is off", maxBytes)
	}
	return c, v
}

func key(s string) Key {
	var k Key
	copy(k[:], s)
	return k
}

func entry(body string) *Entry { return &Entry{Body: []byte(body), ETag: `"` + body + `"`} }

// mustMiss gets key, which must miss, and completes the miss with e.
func mustMiss(tb testing.TB, c *Cache, version string, k Key, e *Entry) {
	tb.Helper()
	got, fill := c.Get(context.Background(), version, k)
	if got != nil || fill == nil {
		tb.Fatalf("Get(%q) = %v, %v: want a miss to fill", k, got, fill)
	}
	fill.Done(e)
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	t.Run("OKHitAfterFill", func(t *testing.T) {
		c, _ := mustCache(t, 1<<20, "v1")
		mustMiss(t, c, "v1", key("a"), entry("A"))
		e, fill := c.Get(ctx, "v1", key("a"))
		if e == nil || string(e.Body) != "A" || fill != nil {
			t.Fatalf("Get = %v, %v: want A", e, fill)
		}
		if s := c.Stats(); s.Hits != 1 || s.Misses != 1 || s.Entries != 1 || s.Bytes != entry("A").size() {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("ErrNilNotKept", func(t *testing.T) {
		c, _ := mustCache(t, 1<<20, "v1")
		mustMiss(t, c, "v1", key("a"), nil)
		mustMiss(t, c, "v1", key("a"), nil)
		if s := c.Stats(); s.Entries != 0 || s.Hits != 0 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("OKBoundInBytes", func(t *testing.T) {
		// Room for ten entries of this size, not eleven.
		size := entry(strings.Repeat("x", 100)).size()
		budget := 10*size + size/2
		c, _ := mustCache(t, budget, "v1")
		for i := range 30 {
			mustMiss(t, c, "v1", key(fmt.Sprint(i)), entry(strings.Repeat("x", 100)))
			if s := c.Stats(); s.Bytes > budget {
				t.Fatalf("after %d: %d bytes, over the budget of %d", i+1, s.Bytes, budget)
			}
		}
		s := c.Stats()
		if s.Entries != 10 || s.Evictions != 20 {
			t.Errorf("stats %+v, want 10 entries and 20 evictions", s)
		}
		// The least recently used went first: 20 to 29 stay.
		for i := range 30 {
			e, fill := c.Get(ctx, "v1", key(fmt.Sprint(i)))
			fill.Done(nil)
			if (e != nil) != (i >= 20) {
				t.Errorf("entry %d held: %v", i, e != nil)
			}
		}
	})
	t.Run("OKRecentlyUsedStays", func(t *testing.T) {
		c, _ := mustCache(t, 8*entry("xxxx").size(), "v1")
		for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
			mustMiss(t, c, "v1", key(k), entry(strings.Repeat(k, 4)))
		}
		if e, _ := c.Get(ctx, "v1", key("a")); e == nil { // a is now more recent than b
			t.Fatal("a is not held")
		}
		mustMiss(t, c, "v1", key("i"), entry("iiii"))
		if e, _ := c.Get(ctx, "v1", key("a")); e == nil {
			t.Error("a, used last, was evicted")
		}
		e, fill := c.Get(ctx, "v1", key("b"))
		fill.Done(nil)
		if e != nil {
			t.Error("b, least recently used, stayed")
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		// An eighth of the budget is 1000 bytes: a 400-byte body (with its
		// ETag and bookkeeping, 962) is kept, a 450-byte one (1062) not.
		c, _ := mustCache(t, 8000, "v1")
		mustMiss(t, c, "v1", key("small"), entry(strings.Repeat("x", 400)))
		mustMiss(t, c, "v1", key("big"), entry(strings.Repeat("x", 450)))
		mustMiss(t, c, "v1", key("big"), nil)
		if e, _ := c.Get(ctx, "v1", key("small")); e == nil {
			t.Error("the response under an eighth was not kept")
		}
		if s := c.Stats(); s.Rejected != 1 || s.Entries != 1 {
			t.Errorf("stats %+v: want the response over an eighth rejected", s)
		}
	})
	t.Run("OKVersionSwitchEmpties", func(t *testing.T) {
		c, v := mustCache(t, 1<<20, "v1")
		mustMiss(t, c, "v1", key("a"), entry("A"))
		v.serve("v2")
		mustMiss(t, c, "v2", key("b"), entry("B"))
		if s := c.Stats(); s.Entries != 1 || s.Bytes != entry("B").size() {
			t.Errorf("stats %+v: want v1's entry gone", s)
		}
	})
	t.Run("OKOldVersionBypasses", func(t *testing.T) {
		c, v := mustCache(t, 1<<20, "v1")
		mustMiss(t, c, "v1", key("a"), entry("A"))
		v.serve("v2")
		mustMiss(t, c, "v2", key("a"), entry("A2"))
		// A request that started before the switch reads v1: it neither
		// reads the cache nor flips it back to v1.
		if e, fill := c.Get(ctx, "v1", key("a")); e != nil || fill != nil {
			t.Fatalf("Get(v1) = %v, %v: want neither", e, fill)
		}
		if e, _ := c.Get(ctx, "v2", key("a")); e == nil || string(e.Body) != "A2" {
			t.Errorf("v2's entry: %v", e)
		}
	})
	t.Run("ErrFillAfterSwitchDropped", func(t *testing.T) {
		c, v := mustCache(t, 1<<20, "v1")
		_, fill := c.Get(ctx, "v1", key("a"))
		v.serve("v2")
		mustMiss(t, c, "v2", key("b"), entry("B"))
		fill.Done(entry("A")) // read from v1, which the cache no longer holds
		if s := c.Stats(); s.Entries != 1 {
			t.Errorf("stats %+v: v1's late answer was kept", s)
		}
	})
	t.Run("OKOff", func(t *testing.T) {
		var c *Cache = New(0, nil)
		e, fill := c.Get(ctx, "v1", key("a"))
		fill.Done(entry("A"))
		if e != nil || fill != nil || c.Stats() != (Stats{}) {
			t.Errorf("a cache of 0 bytes answered")
		}
	})
}

// Identical misses that arrive together are answered by one fill; if it
// keeps nothing, each waiter answers on its own.
func TestCacheCoalesces(t *testing.T) {
	tests := []struct {
		name   string
		result *Entry
	}{
		{"OKShared", entry("A")},
		{"ErrNotShared", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := mustCache(t, 1<<20, "v1")
			_, leader := c.Get(context.Background(), "v1", key("a"))
			const waiters = 8
			var wg sync.WaitGroup
			var shared, alone, returned atomic.Int64
			for range waiters {
				wg.Go(func() {
					e, fill := c.Get(context.Background(), "v1", key("a"))
					returned.Add(1)
					switch {
					case e != nil && fill == nil:
						shared.Add(1)
					case e == nil && fill != nil:
						alone.Add(1)
						fill.Done(nil)
					}
				})
			}
			// Every waiter arrives while the leader works, and waits.
			for leader.flight.waiters.Load() < waiters {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(10 * time.Millisecond)
			if n := returned.Load(); n > 0 {
				t.Fatalf("%d requests did not wait for the identical one in flight", n)
			}
			leader.Done(tt.result)
			wg.Wait()
			if tt.result != nil && shared.Load() != waiters {
				t.Errorf("%d of %d waiters shared the answer", shared.Load(), waiters)
			}
			if tt.result == nil && alone.Load() != waiters {
				t.Errorf("%d of %d waiters answered alone", alone.Load(), waiters)
			}
		})
	}
	t.Run("ErrWaiterGivesUp", func(t *testing.T) {
		c, _ := mustCache(t, 1<<20, "v1")
		_, leader := c.Get(context.Background(), "v1", key("a"))
		defer leader.Done(nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		if e, fill := c.Get(ctx, "v1", key("a")); e != nil || fill != nil {
			t.Errorf("Get = %v, %v after its context ended: want neither", e, fill)
		}
	})
}

func TestQueries(t *testing.T) {
	ctx := context.Background()
	q := NewQueries(8 * (1000 + queryOverhead))
	tests := []struct {
		name, hash, query string
		kept              bool
	}{
		{"OKSmall", "h1", "{ graphVersion }", true},
		{"OKAtLimit", "h2", strings.Repeat("x", 1000), true},
		{"ErrOverAnEighth", "h3", strings.Repeat("x", 1001), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q.Add(ctx, tt.hash, tt.query)
			got, ok := q.Get(ctx, tt.hash)
			if ok != tt.kept || ok && got != tt.query {
				t.Errorf("Get(%s) = %.20q, %v; want kept %v", tt.hash, got, ok, tt.kept)
			}
		})
	}
	t.Run("OKBoundInBytes", func(t *testing.T) {
		for i := range 100 {
			q.Add(ctx, fmt.Sprint("many", i), strings.Repeat("y", 900))
		}
		if b := q.Bytes(); b > 8*(1000+queryOverhead) {
			t.Errorf("%d bytes held, over the budget", b)
		}
		if _, ok := q.Get(ctx, "many99"); !ok {
			t.Error("the last query added is gone")
		}
		if _, ok := q.Get(ctx, "h1"); ok {
			t.Error("the first query added stayed")
		}
	})
}
