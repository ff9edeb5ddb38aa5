package store_test

import (
	"context"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// A store's Stats count the reads and cache use of every version it serves,
// and never go back when a reload starts a new version.
func TestStats(t *testing.T) {
	ctx := context.Background()
	v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
	st := storetest.MustOpenWith(t, storetest.Memory().Spec(t), v1, store.Options{CacheEntries: 1000})
	uncached := storetest.MustOpenMemory(t, v1)
	g := storetest.MustAcquire(t, st)
	ids, err := g.EntityIDs(ctx, kg.Kinds...)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name              string
		st                *store.Store
		do                func(t *testing.T)
		reads, hits, miss int64 // how much each moves; -1: more than nothing, -2: any
	}{
		{"OKMiss", st, func(t *testing.T) { g.Figures(ctx, ids) }, 1, 0, int64(len(ids))},
		{"OKHit", st, func(t *testing.T) { g.Figures(ctx, ids) }, 0, int64(len(ids)), 0},
		{"OKPartial", st, func(t *testing.T) { g.Figures(ctx, append(ids[:1:1], "person/nobody")) }, 1, 1, 1},
		{"OKReloadKeepsCounting", st, func(t *testing.T) {
			if _, err := st.Load(ctx, v2); err != nil {
				t.Fatal(err)
			}
		}, -1, -2, -1}, // the new version's reads, and its index filling its cache
		{"ErrNoCacheNoHits", uncached, func(t *testing.T) {
			ug := storetest.MustAcquire(t, uncached)
			ug.Figures(ctx, ids)
			ug.Figures(ctx, ids)
		}, 2, 0, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := s.st.Stats()
			s.do(t)
			after := s.st.Stats()
			for _, c := range []struct {
				what          string
				before, after int64
				want          int64
			}{{"reads", before.Reads, after.Reads, s.reads}, {"hits", before.CacheHits, after.CacheHits, s.hits}, {"misses", before.CacheMisses, after.CacheMisses, s.miss}} {
				d := c.after - c.before
				if c.want == -1 && d <= 0 || c.want >= 0 && d != c.want { // -2: any
					t.Errorf("%s moved by %d, want %d", c.what, d, c.want)
				}
			}
		})
	}
}
