package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// The cache answers exactly what the store does, reads each entity once, and
// belongs to one version: a reload starts empty and answers the new data.
func TestCache(t *testing.T) {
	ctx := context.Background()
	v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
	plain := storetest.MustAcquire(t, storetest.MustOpenMemory(t, v1))
	st := storetest.MustOpenWith(t, storetest.Memory().Spec(t), v1, store.Options{CacheEntries: 1000})
	g := storetest.MustAcquire(t, st)
	ids, err := plain.EntityIDs(ctx, kg.Kinds...)
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, "person/nobody")
	t.Run("OKSameAnswers", func(t *testing.T) {
		for range 2 { // a miss, then a hit
			want, err := plain.Edges(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			got, err := g.Edges(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("cached edges differ from the store's")
			}
			wantE, _ := plain.Entities(ctx, ids)
			gotE, _ := g.Entities(ctx, ids)
			if !reflect.DeepEqual(gotE, wantE) {
				t.Fatalf("cached entities differ from the store's")
			}
		}
	})
	t.Run("OKHitsReadNothing", func(t *testing.T) {
		before := g.Calls()
		if _, err := g.Edges(ctx, ids); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Figures(ctx, ids[:1]); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Figures(ctx, ids[:1]); err != nil {
			t.Fatal(err)
		}
		if n := g.Calls() - before; n != 1 {
			t.Errorf("%d store reads, want 1 (the first figures read)", n)
		}
	})
	t.Run("OKNewVersionStartsEmpty", func(t *testing.T) {
		if _, err := st.Load(ctx, v2); err != nil {
			t.Fatal(err)
		}
		g2 := storetest.MustAcquire(t, st)
		if g2.Version() == g.Version() {
			t.Fatal("the reload kept the version")
		}
		fresh := storetest.MustAcquire(t, storetest.MustOpenMemory(t, v2))
		ids2, _ := fresh.EntityIDs(ctx, kg.Kinds...)
		want, _ := fresh.Edges(ctx, ids2)
		got, err := g2.Edges(ctx, ids2)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after a reload the cache answered the old version")
		}
	})
}
