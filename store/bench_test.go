package store_test

import (
	"context"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// The benchmarks run one sub-benchmark per store, memory first; bolt and
// postgres also report their time per operation as a multiple of memory's
// in the same run (x-memory), which stays meaningful on any machine. They
// use a generated dataset of 110 entities and about 2,200 quads, small enough
// for `-benchtime 1x` to finish in seconds.
const benchPeople = 100

// memoryNs holds memory's ns/op of each benchmark, for the ratios.
var memoryNs = map[string]float64{}

func report(b *testing.B, op, backend string) {
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	if backend == "memory" {
		memoryNs[op] = ns
		return
	}
	if m := memoryNs[op]; m > 0 {
		b.ReportMetric(ns/m, "x-memory")
	}
}

// BenchmarkLoad measures a reload: build a new generation beside the
// current one, open it, index it, publish it and prune.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	// Alternating datasets: loading the one already served builds nothing.
	ds := [2]*loader.Dataset{storetest.Generated(benchPeople, "a"), storetest.Generated(benchPeople, "b")}
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			st := storetest.MustOpen(b, be.Spec(b), ds[1])
			b.ResetTimer()
			for i := range b.N {
				if _, err := st.Load(ctx, ds[i%2]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			report(b, "Load", be.Name)
		})
	}
}

// BenchmarkEntities reads every entity, one batch per operation.
func BenchmarkEntities(b *testing.B) {
	benchRead(b, "Entities", func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Entities(ctx, ids)
		return err
	})
}

// BenchmarkEdges reads the relations of every entity, both directions with
// qualifiers and evidence, one batch per operation.
func BenchmarkEdges(b *testing.B) {
	benchRead(b, "Edges", func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Edges(ctx, ids)
		return err
	})
}

func benchRead(b *testing.B, op string, read func(context.Context, *store.Graph, []string) error) {
	ctx := context.Background()
	ds := storetest.Generated(benchPeople, "a")
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			g := storetest.MustAcquire(b, storetest.MustOpen(b, be.Spec(b), ds))
			ids, err := g.EntityIDs(ctx, kg.Kinds...)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if err := read(ctx, g, ids); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(ids)), "entities/op")
			report(b, op, be.Name)
		})
	}
}

// BenchmarkCache reads the relations and entities of every entity with the
// per-version cache off and on, on each store; "cached" reports its time as
// a multiple of "uncached" in the same run (x-uncached). The cache is warm:
// the steady state of a server answering the same questions again.
func BenchmarkCache(b *testing.B) {
	ctx := context.Background()
	ds := storetest.Generated(benchPeople, "a")
	for _, be := range storetest.Backends() {
		var uncached float64
		for _, mode := range []struct {
			name    string
			entries int
		}{{"uncached", 0}, {"cached", 10000}} {
			b.Run(be.Name+"/"+mode.name, func(b *testing.B) {
				st := storetest.MustOpenWith(b, be.Spec(b), ds, store.Options{CacheEntries: mode.entries})
				g := storetest.MustAcquire(b, st)
				ids, err := g.EntityIDs(ctx, kg.Kinds...)
				if err != nil {
					b.Fatal(err)
				}
				read := func() {
					if _, err := g.Edges(ctx, ids); err != nil {
						b.Fatal(err)
					}
					if _, err := g.Entities(ctx, ids); err != nil {
						b.Fatal(err)
					}
				}
				read() // warm the cache, when there is one
				b.ResetTimer()
				for range b.N {
					read()
				}
				b.StopTimer()
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				if mode.entries == 0 {
					uncached = ns
				} else if uncached > 0 {
					b.ReportMetric(ns/uncached, "x-uncached")
				}
			})
		}
	}
}
