package store_test

import (
	"context"
	"fmt"
	"strings"
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

// readShapes are the reads the API makes, each over a batch as wide as the
// dataset unless said otherwise; ids are every entity id, sorted.
var readShapes = []struct {
	name string
	read func(ctx context.Context, g *store.Graph, ids []string) error
}{
	{"Entities", func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Entities(ctx, ids)
		return err
	}},
	// Relations of every entity, both directions with qualifiers and
	// evidence, and the other ends' names.
	{"Edges", func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Edges(ctx, ids)
		return err
	}},
	{"Figures", func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Figures(ctx, ids)
		return err
	}},
	{"Sources", func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Sources(ctx, append([]string{"source/generated"}, ids...))
		return err
	}},
	// One identifier of one place.
	{"EntitiesByIdentifier", func(ctx context.Context, g *store.Graph, _ []string) error {
		found, err := g.EntitiesByIdentifier(ctx, "divisionCode", storetest.GeneratedCode(3))
		if err == nil && len(found) != 1 {
			err = fmt.Errorf("found %v, want place/p-3", found)
		}
		return err
	}},
	// The relations of every place, then those of every person living
	// there: a two-level walk.
	{"Walk", func(ctx context.Context, g *store.Graph, ids []string) error {
		var places []string
		for _, id := range ids {
			if strings.HasPrefix(id, "place/") {
				places = append(places, id)
			}
		}
		edges, err := g.Edges(ctx, places)
		if err != nil {
			return err
		}
		var next []string
		for _, es := range edges {
			for _, e := range es {
				next = append(next, e.Other)
			}
		}
		_, err = g.Edges(ctx, next)
		return err
	}},
	// What one entity's page reads: the entity, its relations and its
	// figures — the narrow batches of a request for one entity.
	{"Page", func(ctx context.Context, g *store.Graph, _ []string) error {
		one := []string{"person/r-7"}
		if _, err := g.Entities(ctx, one); err != nil {
			return err
		}
		if _, err := g.Edges(ctx, one); err != nil {
			return err
		}
		_, err := g.Figures(ctx, one)
		return err
	}},
}

// BenchmarkRead runs each read shape on each store with the cache off,
// memory first: BenchmarkRead/Edges/postgres reports x-memory, its time as a
// multiple of BenchmarkRead/Edges/memory's in the same run. One store of
// each kind serves every shape.
func BenchmarkRead(b *testing.B) {
	ctx := context.Background()
	ds := storetest.Generated(benchPeople, "a")
	type opened struct {
		name string
		g    *store.Graph
		ids  []string
	}
	var stores []opened
	for _, be := range storetest.Backends() {
		g := storetest.MustAcquire(b, storetest.MustOpen(b, be.Spec(b), ds))
		ids, err := g.EntityIDs(ctx, kg.Kinds...)
		if err != nil {
			b.Fatal(err)
		}
		stores = append(stores, opened{be.Name, g, ids})
	}
	for _, shape := range readShapes {
		b.Run(shape.name, func(b *testing.B) {
			for _, st := range stores {
				b.Run(st.name, func(b *testing.B) {
					for range b.N {
						if err := shape.read(ctx, st.g, st.ids); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					report(b, "Read/"+shape.name, st.name)
				})
			}
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
