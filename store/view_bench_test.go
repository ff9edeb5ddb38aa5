package store_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
	_ "github.com/lib/pq"
)

// withoutView is a source less the public view kept for fragments.
type withoutView struct{ store.Source }

func (w withoutView) Quads() []quad.Quad {
	var out []quad.Quad
	for _, q := range w.Source.Quads() {
		if q.Label != quad.IRI(kg.ViewLabel) {
			out = append(out, q)
		}
	}
	return out
}

// BenchmarkViewBytes reports what keeping the public view costs each store,
// in bytes per view quad: the real dataset stored with and without it (heap
// for memory, files for bolt, relations for PostgreSQL).
func BenchmarkViewBytes(b *testing.B) {
	ctx := context.Background()
	ds, err := loader.Load(data.FS, "data")
	if err != nil {
		b.Fatal(err)
	}
	all := ds.Quads()
	view := 0
	for _, q := range all {
		if q.Label == quad.IRI(kg.ViewLabel) {
			view++
		}
	}
	for _, be := range storetest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			for range b.N {
				var size [2]int64
				for i, src := range []store.Source{withoutView{ds}, ds} {
					spec := be.Spec(b)
					before := heap()
					st := storetest.MustOpen(b, spec, src)
					switch {
					case be.Name == "memory":
						size[i] = int64(heap() - before)
					case strings.HasPrefix(spec, "bolt:"):
						size[i] = dirSize(b, strings.TrimPrefix(spec, "bolt:"))
					default:
						size[i] = pgSize(ctx, b, spec)
					}
					st.Close()
				}
				b.ReportMetric(float64(size[1]-size[0])/float64(view), "B/view-quad")
				b.ReportMetric(float64(size[1])/float64(size[0]), "x-size")
				b.ReportMetric(float64(view), "view-quads")
				b.ReportMetric(float64(len(all)-view), "graph-quads")
			}
		})
	}
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		n += info.Size()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// pgSize is the size of the graph's tables with their indexes and TOAST.
func pgSize(ctx context.Context, b *testing.B, spec string) int64 {
	db, err := sql.Open("postgres", spec)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var n int64
	err = db.QueryRowContext(ctx, `SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)
		FROM pg_tables WHERE schemaname LIKE 'g\_%'`).Scan(&n)
	if err != nil {
		b.Fatal(err)
	}
	return n
}
