package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/pgtest"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// PostgreSQL stopped under an open store, by a fast and by an immediate
// shutdown: every read, Ping, Refresh and Load fails with ErrUnavailable
// (never a hang: a dial is refused at once, and bounded by the connect
// timeout anyway), the graph served stays the same, and once the database
// is back the store reads again by itself, within one request per pooled
// connection (each failed request drops the broken connection it used).
func TestPostgresOutage(t *testing.T) {
	c := pgtest.MustStartCluster(t)
	v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
	st := storetest.MustOpenWith(t, c.DSN(), v1, store.Options{CacheEntries: 0})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	g := storetest.MustAcquire(t, st)
	ids, err := g.EntityIDs(ctx, kg.Kinds...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := g.Entities(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	// The most attempts recovery may take: one per connection a pool can
	// hold (the graph's and the bookkeeping one), and one more.
	const attempts = 16 + 4 + 1
	tests := []struct {
		name string
		mode pgtest.StopMode
	}{
		{"OKFast", pgtest.Fast},
		{"OKImmediate", pgtest.Immediate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Stop(t, tt.mode)
			down := []struct {
				name string
				op   func() error
			}{
				{"ErrUnavailableRead", func() error { _, err := g.Entities(ctx, ids); return err }},
				{"ErrUnavailableEdges", func() error { _, err := g.Edges(ctx, ids[:1]); return err }},
				{"ErrUnavailablePing", func() error { return st.Ping(ctx) }},
				{"ErrUnavailableRefresh", func() error { _, err := st.Refresh(ctx); return err }},
				{"ErrUnavailableLoad", func() error { _, err := st.Load(ctx, v2); return err }},
				{"ErrUnavailableLoadInto", func() error { _, err := store.LoadInto(ctx, c.DSN(), v2); return err }},
			}
			for _, d := range down {
				t.Run(d.name, func(t *testing.T) {
					for range 3 { // again and again: no pooled connection hides it
						if err := d.op(); !errors.Is(err, store.ErrUnavailable) {
							t.Fatalf("with the database down: %v, want ErrUnavailable", err)
						}
					}
				})
			}
			c.Start(t)
			t.Run("OKRecovers", func(t *testing.T) {
				recovered, failed := false, 0
				for i := 0; i < attempts && !recovered; i++ {
					_, err := g.Entities(ctx, ids)
					recovered = err == nil
					if err != nil && !errors.Is(err, store.ErrUnavailable) {
						t.Fatalf("read %d after the restart: %v, want success or ErrUnavailable", i, err)
					}
					if err != nil {
						failed++
					}
				}
				if !recovered {
					t.Fatalf("no read succeeded in %d attempts after the restart", attempts)
				}
				t.Logf("%s shutdown: reads failed %d time(s) after the restart, then succeeded", tt.mode, failed)
				for range 3 {
					got, err := g.Entities(ctx, ids)
					if err != nil {
						t.Fatalf("once recovered: %v", err)
					}
					if len(got) != len(want) || got[0].Name != want[0].Name {
						t.Fatalf("once recovered: %d entities, want %d", len(got), len(want))
					}
				}
				pinged := false
				for i := 0; i < attempts && !pinged; i++ {
					pinged = st.Ping(ctx) == nil
				}
				if !pinged {
					t.Fatalf("no Ping succeeded in %d attempts after the restart", attempts)
				}
				if err := st.Ping(ctx); err != nil {
					t.Fatalf("Ping once recovered: %v", err)
				}
				if g2 := storetest.MustAcquire(t, st); g2.Version() != v1.Version() {
					t.Errorf("after the outage the store serves %s, want v1's %s: a failed load changed it", g2.Version(), v1.Version())
				}
			})
		})
	}
	t.Run("OKLoadAfter", func(t *testing.T) {
		v, err := st.Load(ctx, v2)
		if err != nil || v != v2.Version() {
			t.Fatalf("Load after the outages = %s, %v; want %s", v, err, v2.Version())
		}
	})
}
