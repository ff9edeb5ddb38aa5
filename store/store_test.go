package store_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/internal/pgtest"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helperMain(mode)) // a child process of a test, not a test run
	}
	// Every switch logs at Info; tests and benchmarks switch hundreds of times.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	code := m.Run()
	pgtest.Shutdown()
	os.Exit(code)
}

// The shared suite, once per store; they run in parallel to keep the
// package fast.
func TestMemory(t *testing.T) {
	t.Parallel()
	storetest.TestAll(t, storetest.Memory())
}

func TestBolt(t *testing.T) {
	t.Parallel()
	storetest.TestAll(t, storetest.Bolt())
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.TestAll(t, storetest.Postgres())
}

// persistent lists the stores that outlive a process.
func persistent() []storetest.Backend {
	return []storetest.Backend{storetest.Bolt(), storetest.Postgres()}
}

// TestSameAnswers loads the real dataset into every store and compares every
// read for every entity and source: same values, same order.
func TestSameAnswers(t *testing.T) {
	t.Parallel()
	ds, err := loader.Load(data.FS, "data")
	if err != nil {
		t.Fatalf("the embedded dataset does not load: %v", err)
	}
	ctx := context.Background()
	type answers struct {
		Version   string
		EntityIDs []string
		Entities  any
		Edges     any
		Figures   any
		Degrees   []int
		SourceIDs []string
		Sources   any
	}
	read := func(t *testing.T, g *store.Graph) (a answers) {
		var err error
		a.Version = g.Version()
		if a.EntityIDs, err = g.EntityIDs(ctx); err != nil {
			t.Fatal(err)
		}
		if a.Entities, err = g.Entities(ctx, a.EntityIDs); err != nil {
			t.Fatal(err)
		}
		if a.Edges, err = g.Edges(ctx, a.EntityIDs); err != nil {
			t.Fatal(err)
		}
		if a.Figures, err = g.Figures(ctx, a.EntityIDs); err != nil {
			t.Fatal(err)
		}
		if a.Degrees, err = g.Degrees(ctx, a.EntityIDs); err != nil {
			t.Fatal(err)
		}
		if a.SourceIDs, err = g.SourceIDs(ctx); err != nil {
			t.Fatal(err)
		}
		if a.Sources, err = g.Sources(ctx, a.SourceIDs); err != nil {
			t.Fatal(err)
		}
		return a
	}
	var want answers
	for i, b := range storetest.Backends() {
		g := storetest.MustAcquire(t, storetest.MustOpen(t, b.Spec(t), ds))
		got := read(t, g)
		if i == 0 {
			want = got
			if got.Version != ds.Version() || len(got.EntityIDs) != len(ds.Entities) {
				t.Fatalf("%s: version %s with %d entities, want %s with %d", b.Name, got.Version, len(got.EntityIDs), ds.Version(), len(ds.Entities))
			}
			continue
		}
		v := reflect.ValueOf(got)
		for f := range v.NumField() {
			if !reflect.DeepEqual(v.Field(f).Interface(), reflect.ValueOf(want).Field(f).Interface()) {
				t.Errorf("%s and memory differ in %s", b.Name, v.Type().Field(f).Name)
			}
		}
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec string
		want error
	}{
		{"ErrBadSpec/Scheme", "mysql://localhost/x", store.ErrBadSpec},
		{"ErrBadSpec/NoDir", "bolt:", store.ErrBadSpec},
		{"ErrEmpty/Memory", "memory", store.ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(context.Background(), tt.spec, nil)
			if !errors.Is(err, tt.want) {
				t.Errorf("Open(%q) = %v, want %v", tt.spec, err, tt.want)
			}
			if st != nil {
				st.Close()
			}
		})
	}
	bad := errors.New("dataset does not validate")
	seeds := []struct {
		name string
		seed func() (store.Source, error)
		want error
	}{
		{"ErrSeed/Nil", func() (store.Source, error) { return nil, bad }, bad},
		// A nil *loader.Dataset is a Source that is not nil: the error
		// must be seen before it is used.
		{"ErrSeed/NilDataset", func() (store.Source, error) { return (*loader.Dataset)(nil), bad }, bad},
		{"ErrSeed/Loader", func() (store.Source, error) { return loader.Load(fstest.MapFS{}, "empty") }, loader.ErrInvalid},
	}
	for _, tt := range seeds {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Open(context.Background(), "bolt:"+t.TempDir(), tt.seed)
			if !errors.Is(err, tt.want) {
				t.Errorf("Open() = %v, want the seed's error %v", err, tt.want)
			}
		})
	}
}

// TestLoadNilSource: loading nothing, a nil *loader.Dataset included, is an
// error, not a panic, and the served graph stays.
func TestLoadNilSource(t *testing.T) {
	t.Parallel()
	v1 := storetest.Fixture(t, "v1")
	st := storetest.MustOpenMemory(t, v1)
	for _, tt := range []struct {
		name string
		src  store.Source
	}{
		{"Nil", nil},
		{"NilDataset", (*loader.Dataset)(nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := st.Load(context.Background(), tt.src); !errors.Is(err, store.ErrNoSource) {
				t.Errorf("Load(%#v) = %v, want ErrNoSource", tt.src, err)
			}
			g := storetest.MustAcquire(t, st)
			if g.Version() != v1.Version() {
				t.Errorf("served version %s after a failed load, want %s", g.Version(), v1.Version())
			}
		})
	}
}

// TestRefreshBrokenGeneration: the backend names a current generation that
// cannot be opened (another process's publish went wrong, or it was removed
// by hand). The server keeps serving what it has, and Refresh says why.
func TestRefreshBrokenGeneration(t *testing.T) {
	t.Parallel()
	for _, b := range persistent() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
			spec := b.Spec(t)
			st := storetest.MustOpen(t, spec, v1)
			point(t, b, spec, missingGeneration(b))
			changed, err := st.Refresh(ctx)
			if err == nil || changed {
				t.Errorf("Refresh() = %v, %v; want false and an error", changed, err)
			}
			g := storetest.MustAcquire(t, st)
			if err := storetest.CheckVersion(ctx, g, v1, v2); err != nil || g.Version() != v1.Version() {
				t.Errorf("serving %s (%v) after a failed refresh, want %s", g.Version(), err, v1.Version())
			}
			if err := st.Ping(ctx); err == nil {
				t.Error("Ping() = nil with a current generation that is gone; /readyz must say so")
			}
			if _, err := store.Open(ctx, spec, nil); err == nil {
				t.Error("Open() = nil error on a store whose current generation is gone")
			}
			// `civicgraph load` repairs the store, and the server switches.
			if _, err := store.LoadInto(ctx, spec, v2); err != nil {
				t.Fatal(err)
			}
			if changed, err := st.Refresh(ctx); err != nil || !changed {
				t.Errorf("Refresh() after a repairing load = %v, %v; want true, nil", changed, err)
			}
			if err := st.Ping(ctx); err != nil {
				t.Errorf("Ping() after a repairing load = %v", err)
			}
		})
	}
}

// TestPruneSparesGenerationsInUse: a server that has not refreshed yet
// still reads a generation older than the previous one; loads of other
// processes must not remove it under it, and remove it once it is left.
func TestPruneSparesGenerationsInUse(t *testing.T) {
	t.Parallel()
	for _, b := range persistent() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
			spec := b.Spec(t)
			server := storetest.MustOpen(t, spec, v1)
			first, _ := b.Generations(t, spec)
			other := storetest.MustOpen(t, spec, nil)
			for _, ds := range []*loader.Dataset{v2, v1} {
				if _, err := other.Load(ctx, ds); err != nil {
					t.Fatal(err)
				}
			}
			_, all := b.Generations(t, spec)
			if !slices.Contains(all, first) || len(all) != 3 {
				t.Errorf("generations %q: want the current, the previous and %s, still served", all, first)
			}
			g, err := server.Acquire()
			if err != nil {
				t.Fatal(err)
			}
			if err := storetest.CheckVersion(ctx, g, v1, v2); err != nil {
				t.Error(err)
			}
			g.Release()
			if _, err := server.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			for _, gen := range all {
				if cur, _ := b.Generations(t, spec); gen != cur {
					waitUnused(t, b, spec, gen)
				}
			}
			if _, err := other.Load(ctx, v2); err != nil {
				t.Fatal(err)
			}
			if _, after := b.Generations(t, spec); slices.Contains(after, first) || len(after) != 2 {
				t.Errorf("generations %q: want only the current and the previous once no one reads the others", after)
			}
		})
	}
}

// TestRetiredGraphClosedAfterLastReader: a switch closes the old
// generation's handle only when the last request reading it is done.
func TestRetiredGraphClosedAfterLastReader(t *testing.T) {
	t.Parallel()
	for _, b := range persistent() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
			spec := b.Spec(t)
			st := storetest.MustOpen(t, spec, v1)
			gen, _ := b.Generations(t, spec)
			r1, err := st.Acquire()
			if err != nil {
				t.Fatal(err)
			}
			r2, err := st.Acquire()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Load(ctx, v2); err != nil {
				t.Fatal(err)
			}
			r1.Release()
			if !b.InUse(t, spec, gen) {
				t.Fatal("old generation closed while a request still reads it")
			}
			if err := storetest.CheckVersion(ctx, r2, v1, v2); err != nil || r2.Version() != v1.Version() {
				t.Errorf("pinned graph reads %s (%v), want %s", r2.Version(), err, v1.Version())
			}
			r2.Release()
			waitUnused(t, b, spec, gen)
		})
	}
}

// waitUnused waits until no process has gen open: a released bolt file is
// unlocked at once, a PostgreSQL session ends a moment after its close.
func waitUnused(t *testing.T, b storetest.Backend, spec, gen string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for b.InUse(t, spec, gen) {
		if time.Now().After(deadline) {
			t.Fatalf("generation %s still open 10s after its last reader released it", gen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
