package store_test

import (
	"context"
	"testing"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// TestWriteTwice: writing the same source twice, or a second load of it,
// into one Cayley store adds nothing; the version quad is written with it.
func TestWriteTwice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  func(t *testing.T) store.Source
	}{
		{"Fixture", func(t *testing.T) store.Source { return storetest.Fixture(t, "v1") }},
		{"Generated", func(*testing.T) store.Source { return storetest.Generated(50, "a") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			src := tt.src(t)
			qs := memstore.New()
			if err := store.Write(qs, src); err != nil {
				t.Fatal(err)
			}
			first := count(ctx, t, qs)
			// The source's quads plus the version quad.
			if want := int64(len(src.Quads()) + 1); first != want {
				t.Errorf("store holds %d quads after one write, want %d", first, want)
			}
			if err := store.Write(qs, src); err != nil {
				t.Fatal(err)
			}
			if err := store.Write(qs, tt.src(t)); err != nil {
				t.Fatal(err)
			}
			if n := count(ctx, t, qs); n != first {
				t.Errorf("store holds %d quads after writing three times, want %d", n, first)
			}
			// Counted by walking the store as well, in case Stats were cached.
			it := qs.QuadsAllIterator().Iterate()
			defer it.Close()
			walked, versions := int64(0), 0
			for it.Next(ctx) {
				walked++
				q, err := qs.Quad(it.Result())
				if err != nil {
					t.Fatal(err)
				}
				if q.Subject == quad.IRI(kg.GraphNode) && q.Predicate == quad.IRI(kg.AttrVersion) {
					versions++
					if got := quad.ToString(q.Object); got != src.Version() {
						t.Errorf("version quad holds %q, want %q", got, src.Version())
					}
				}
			}
			if walked != first {
				t.Errorf("iterating the store finds %d quads, want %d", walked, first)
			}
			if versions != 1 {
				t.Errorf("%d version quads, want 1", versions)
			}
		})
	}
}

func count(ctx context.Context, t *testing.T, qs graph.QuadStore) int64 {
	t.Helper()
	st, err := qs.Stats(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	return st.Quads.Value
}
