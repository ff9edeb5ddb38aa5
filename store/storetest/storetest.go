// Package storetest runs one suite of tests against every kind of store —
// memory, bolt and PostgreSQL — as Cayley's graph/graphtest does for its
// backends, so all of them give the same answers in the same order. It also
// gives other packages' tests ready stores and datasets:
//
//	st := storetest.MustOpenBolt(t, storetest.Fixture(t, "v1"))
//
// PostgreSQL stores live on the throwaway cluster of internal/pgtest; a test
// binary that opens one calls pgtest.Shutdown from its TestMain.
package storetest

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/kv/bbolt" // Cayley's stock bbolt backend, for Raw
	"github.com/cayleygraph/cayley/graph/memstore"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // Cayley's postgres backend, for Raw
	"github.com/civicgraph/civicgraph/internal/pgtest"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

//go:embed testdata
var fixtures embed.FS

// Fixture loads a fixture dataset from testdata: "v1", or "v2" (v1 with one
// more person and a changed description, for reloads).
func Fixture(tb testing.TB, name string) *loader.Dataset {
	tb.Helper()
	ds, err := LoadFixture(name)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// LoadFixture is Fixture for code without a testing.TB, such as a helper
// process.
func LoadFixture(name string) (*loader.Dataset, error) {
	sub, err := fs.Sub(fixtures, "testdata/"+name)
	if err != nil {
		return nil, err
	}
	ds, err := loader.Load(sub, "store/storetest/testdata/"+name)
	if err != nil {
		return nil, fmt.Errorf("fixture %s: %w", name, err)
	}
	return ds, nil
}

// Backend opens stores of one kind for tests.
type Backend struct {
	Name string
	// Spec returns the spec of a fresh, empty store, removed when tb ends.
	Spec func(tb testing.TB) string
	// Persistent stores outlive their Store value: a second Store on the
	// same spec (another process) shares its graph.
	Persistent bool
	// Raw returns a fresh, writable Cayley quad store of the same kind,
	// closed when tb ends.
	Raw func(tb testing.TB) graph.QuadStore
	// Generations lists the generations a persistent store holds, sorted,
	// and names the current one (nil for memory).
	Generations func(tb testing.TB, spec string) (current string, all []string)
	// InUse reports whether some process has generation gen open (nil for
	// memory): a bolt file locked, a PostgreSQL session on its schema.
	InUse func(tb testing.TB, spec, gen string) bool
}

// Backends lists every kind of store.
func Backends() []Backend { return []Backend{Memory(), Bolt(), Postgres()} }

// Memory is the in-memory store.
func Memory() Backend {
	return Backend{
		Name: "memory",
		Spec: func(testing.TB) string { return "memory" },
		Raw:  func(testing.TB) graph.QuadStore { return memstore.New() },
	}
}

// Bolt is the bolt store, in a temporary directory.
func Bolt() Backend {
	return Backend{
		Name:       "bolt",
		Spec:       func(tb testing.TB) string { return "bolt:" + tb.TempDir() },
		Persistent: true,
		Raw: func(tb testing.TB) graph.QuadStore {
			tb.Helper()
			dir := tb.TempDir()
			if err := graph.InitQuadStore("bbolt", dir, nil); err != nil {
				tb.Fatal(err)
			}
			qs, err := graph.NewQuadStore("bbolt", dir, nil)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { qs.Close() })
			return qs
		},
		Generations: func(tb testing.TB, spec string) (string, []string) {
			tb.Helper()
			dir := strings.TrimPrefix(spec, "bolt:")
			cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				tb.Fatal(err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				tb.Fatal(err)
			}
			var all []string
			for _, e := range entries {
				if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") {
					all = append(all, e.Name())
				}
			}
			sort.Strings(all)
			return strings.TrimSpace(string(cur)), all
		},
		InUse: func(tb testing.TB, spec, gen string) bool {
			tb.Helper()
			f, err := os.Open(filepath.Join(strings.TrimPrefix(spec, "bolt:"), gen, "indexes.bolt"))
			if err != nil {
				tb.Fatal(err)
			}
			defer f.Close()
			// flock locks belong to open file descriptions, so this one
			// conflicts with readers in this process too.
			err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return true
			}
			if err != nil {
				tb.Fatal(err)
			}
			return false
		},
	}
}

var dbSeq atomic.Int64

// Postgres is the PostgreSQL store, in a fresh database of the shared test
// cluster.
func Postgres() Backend {
	return Backend{
		Name:       "postgres",
		Spec:       freshDB,
		Persistent: true,
		Raw: func(tb testing.TB) graph.QuadStore {
			tb.Helper()
			dsn := freshDB(tb)
			if err := graph.InitQuadStore("postgres", dsn, nil); err != nil {
				tb.Fatal(err)
			}
			qs, err := graph.NewQuadStore("postgres", dsn, nil)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { qs.Close() })
			return qs
		},
		Generations: func(tb testing.TB, spec string) (string, []string) {
			tb.Helper()
			db := sqlDB(tb, spec)
			defer db.Close()
			var cur string
			err := db.QueryRow(`SELECT generation FROM civicgraph.current`).Scan(&cur)
			if err != nil && !errors.Is(err, sql.ErrNoRows) && !strings.Contains(err.Error(), "does not exist") {
				tb.Fatal(err)
			}
			return cur, column(tb, db, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'g\_%' ORDER BY nspname`)
		},
		InUse: func(tb testing.TB, spec, gen string) bool {
			tb.Helper()
			db := sqlDB(tb, spec)
			defer db.Close()
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, "civicgraph/"+gen).Scan(&n); err != nil {
				tb.Fatal(err)
			}
			return n > 0
		},
	}
}

func freshDB(tb testing.TB) string {
	tb.Helper()
	return pgtest.MustCreateDB(tb, pgtest.MustStart(tb), fmt.Sprintf("storetest_%d_%d", os.Getpid(), dbSeq.Add(1)))
}

// sqlDB connects to dsn; callers close it at once, since tests poll with it.
func sqlDB(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

func column(tb testing.TB, db *sql.DB, query string) []string {
	tb.Helper()
	rows, err := db.Query(query)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// MustOpen opens the store spec, loading src into it when it is empty, and
// closes it when tb ends.
func MustOpen(tb testing.TB, spec string, src store.Source) *store.Store {
	tb.Helper()
	return MustOpenWith(tb, spec, src, store.Options{})
}

// MustOpenWith is MustOpen with options.
func MustOpenWith(tb testing.TB, spec string, src store.Source, opts store.Options) *store.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := store.OpenWith(ctx, spec, func() (store.Source, error) { return src, nil }, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// MustOpenMemory opens an in-memory store holding src.
func MustOpenMemory(tb testing.TB, src store.Source) *store.Store {
	tb.Helper()
	return MustOpen(tb, Memory().Spec(tb), src)
}

// MustOpenBolt opens a bolt store in a temporary directory holding src.
func MustOpenBolt(tb testing.TB, src store.Source) *store.Store {
	tb.Helper()
	return MustOpen(tb, Bolt().Spec(tb), src)
}

// MustOpenPostgres opens a PostgreSQL store in a fresh database holding src.
func MustOpenPostgres(tb testing.TB, src store.Source) *store.Store {
	tb.Helper()
	return MustOpen(tb, Postgres().Spec(tb), src)
}

// MustAcquire pins the store's current graph until tb ends.
func MustAcquire(tb testing.TB, st *store.Store) *store.Graph {
	tb.Helper()
	g, err := st.Acquire()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(g.Release)
	return g
}
