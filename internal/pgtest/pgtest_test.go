package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/cayleygraph/cayley"
	"github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // registers the "postgres" quad store
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Shutdown()
	os.Exit(code)
}

func TestCheckDBName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"kg_test", true},
		{"_x1", true},
		{"a", true},
		{"", false},
		{"1abc", false},
		{"Upper", false},
		{"has-dash", false},
		{"semi;colon", false},
		{"postgres", false},
		{"template1", false},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a", 64), false},
	}
	for _, tt := range tests {
		if err := checkDBName(tt.name); (err == nil) != tt.ok {
			t.Errorf("checkDBName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

// fakeTB records how MustStart gives up; Skip and Fatal end the goroutine
// like the real ones do.
type fakeTB struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Skip(args ...any)                  { f.skipped, f.msg = true, fmt.Sprint(args...); runtime.Goexit() }
func (f *fakeTB) Fatal(args ...any)                 { f.failed, f.msg = true, fmt.Sprint(args...); runtime.Goexit() }
func (f *fakeTB) Fatalf(format string, args ...any) { f.Fatal(fmt.Sprintf(format, args...)) }

func TestMustStartNotInstalled(t *testing.T) {
	old := serverGlob
	serverGlob = filepath.Join(t.TempDir(), "*", "bin", "postgres")
	t.Cleanup(func() { serverGlob = old })
	if Available() {
		t.Fatal("Available() = true with no server binary")
	}
	tests := []struct {
		ci       string
		wantFail bool
	}{
		{"", false},
		{"false", false},
		{"0", false},
		{"true", true},
		{"1", true},
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			f := &fakeTB{}
			done := make(chan struct{})
			go func() {
				defer close(done)
				MustStart(f)
			}()
			<-done
			if f.failed != tt.wantFail || f.skipped == tt.wantFail {
				t.Fatalf("failed=%v skipped=%v, want failed=%v", f.failed, f.skipped, tt.wantFail)
			}
			if !strings.Contains(f.msg, "apt-get install postgresql") {
				t.Fatalf("message %q does not say how to install PostgreSQL", f.msg)
			}
		})
	}
}

func TestMustStart(t *testing.T) {
	dsn := MustStart(t)
	if again := MustStart(t); again != dsn {
		t.Fatalf("second MustStart = %q, want the shared cluster %q", again, dsn)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" || u.Path != "/postgres" || u.User.Username() != "postgres" {
		t.Fatalf("unexpected DSN %q", dsn)
	}
	db := open(t, dsn)
	var listen, user, dataDir string
	if err := db.QueryRow(`SELECT current_setting('listen_addresses'), current_user, current_setting('data_directory')`).Scan(&listen, &user, &dataDir); err != nil {
		t.Fatal(err)
	}
	if listen != "127.0.0.1" || user != "postgres" {
		t.Fatalf("listen_addresses=%q user=%q, want 127.0.0.1 and postgres", listen, user)
	}
	if !strings.HasPrefix(dataDir, shared.dir) {
		t.Fatalf("data_directory %q is not under the cluster dir %q", dataDir, shared.dir)
	}
}

func TestMustCreateDB(t *testing.T) {
	dsn := MustStart(t)
	// Creating the same name twice must work: it is how -count=2 behaves.
	for i := 0; i < 2; i++ {
		dbDSN := MustCreateDB(t, dsn, "pgtest_create")
		db := open(t, dbDSN)
		if _, err := db.Exec(`CREATE TABLE t (x int)`); err != nil { // fails if the old DB survived
			t.Fatal(err)
		}
		var name string
		if err := db.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
		if name != "pgtest_create" {
			t.Fatalf("current_database() = %q", name)
		}
		if !strings.Contains(dbDSN, "sslmode=disable") {
			t.Fatalf("query parameters lost: %q", dbDSN)
		}
		db.Close()
	}
}

// TestCayleyPostgres checks Cayley's SQL backend end to end: init, write
// through both the quad writer and ApplyDeltas, and read back with a path.
func TestCayleyPostgres(t *testing.T) {
	dsn := MustCreateDB(t, MustStart(t), "pgtest_cayley")
	if err := graph.InitQuadStore("postgres", dsn, nil); err != nil {
		t.Fatalf("InitQuadStore: %v", err)
	}
	// A second Init on the same tables reports ErrDatabaseExists (SQLSTATE 42P07).
	if err := graph.InitQuadStore("postgres", dsn, nil); !errors.Is(err, graph.ErrDatabaseExists) {
		t.Fatalf("second InitQuadStore = %v, want ErrDatabaseExists", err)
	}
	qs := newStore(t, dsn)

	w, err := graph.NewQuadWriter("single", qs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddQuadSet([]quad.Quad{
		quad.Make(quad.IRI("a"), quad.IRI("p"), quad.IRI("b"), nil),
		quad.Make(quad.IRI("a"), quad.IRI("p"), quad.String("lit"), nil),
	}); err != nil {
		t.Fatalf("AddQuadSet: %v", err)
	}
	if err := qs.ApplyDeltas([]graph.Delta{
		{Quad: quad.Make(quad.IRI("a"), quad.IRI("p"), quad.Int(42), nil), Action: graph.Add},
		{Quad: quad.Make(quad.IRI("a"), quad.IRI("q"), quad.IRI("z"), quad.IRI("label")), Action: graph.Add},
	}, graph.IgnoreOpts{}); err != nil {
		t.Fatalf("ApplyDeltas: %v", err)
	}
	wantOut(t, qs, "a", "p", quad.String("lit").String(), quad.Int(42).String(), "<b>")
	wantOut(t, qs, "a", "q", "<z>")
}

// TestCayleyApplyDeltasAtomic shows ApplyDeltas runs in one transaction: a
// batch that fails on a duplicate leaves nothing behind.
func TestCayleyApplyDeltasAtomic(t *testing.T) {
	dsn := MustCreateDB(t, MustStart(t), "pgtest_atomic")
	if err := graph.InitQuadStore("postgres", dsn, nil); err != nil {
		t.Fatal(err)
	}
	qs := newStore(t, dsn)
	add := func(ignoreDup bool, objs ...string) error {
		var ds []graph.Delta
		for _, o := range objs {
			ds = append(ds, graph.Delta{Quad: quad.Make(quad.IRI("a"), quad.IRI("p"), quad.IRI(o), nil), Action: graph.Add})
		}
		return qs.ApplyDeltas(ds, graph.IgnoreOpts{IgnoreDup: ignoreDup})
	}
	if err := add(false, "b"); err != nil {
		t.Fatal(err)
	}
	if err := add(false, "new", "b"); !graph.IsQuadExist(err) {
		t.Fatalf("duplicate add = %v, want ErrQuadExists", err)
	}
	wantOut(t, qs, "a", "p", "<b>") // "new" was rolled back with the batch
	var nodes int
	if err := open(t, dsn).QueryRow(`SELECT count(*) FROM nodes WHERE value_string = 'new'`).Scan(&nodes); err != nil {
		t.Fatal(err)
	}
	if nodes != 0 {
		t.Fatalf("node of the rolled-back quad was kept")
	}
	if err := add(true, "new", "b"); err != nil {
		t.Fatalf("add with IgnoreDup: %v", err)
	}
	wantOut(t, qs, "a", "p", "<b>", "<new>")
}

// TestCayleySearchPath checks the schema-per-version idea: one database,
// one schema per graph version, selected by search_path in the DSN.
func TestCayleySearchPath(t *testing.T) {
	tests := []struct {
		name  string
		param func(schema string) (key, value string)
	}{
		{"search_path parameter", func(s string) (string, string) { return "search_path", s }},
		{"options -c", func(s string) (string, string) { return "options", "-c search_path=" + s }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn := MustCreateDB(t, MustStart(t), "pgtest_schemas")
			withSchema := func(s string) string {
				k, v := tt.param(s)
				return withParam(t, dsn, k, v)
			}
			admin := open(t, dsn)

			// Tables already in public must not stop Init in another schema.
			if err := graph.InitQuadStore("postgres", dsn, nil); err != nil {
				t.Fatalf("Init in public: %v", err)
			}
			// A schema that does not exist: Init fails (nothing to create in).
			if err := graph.InitQuadStore("postgres", withSchema("missing"), nil); err == nil {
				t.Fatal("Init with search_path to a missing schema succeeded")
			} else {
				t.Logf("Init with missing schema: %v", err)
			}
			for _, s := range []string{"g1", "g2"} {
				if _, err := admin.Exec(`CREATE SCHEMA ` + pq.QuoteIdentifier(s)); err != nil {
					t.Fatal(err)
				}
				if err := graph.InitQuadStore("postgres", withSchema(s), nil); err != nil {
					t.Fatalf("Init in %s: %v", s, err)
				}
			}
			if err := graph.InitQuadStore("postgres", withSchema("g1"), nil); !errors.Is(err, graph.ErrDatabaseExists) {
				t.Fatalf("second Init in g1 = %v, want ErrDatabaseExists", err)
			}

			g1, g2 := newStore(t, withSchema("g1")), newStore(t, withSchema("g2"))
			write(t, g1, "v1a", "v1b")
			write(t, g2, "v2")
			wantOut(t, g1, "a", "p", "<v1a>", "<v1b>")
			wantOut(t, g2, "a", "p", "<v2>")
			wantOut(t, newStore(t, dsn), "a", "p") // public stays empty

			got := tables(t, admin)
			want := []string{"g1.nodes", "g1.quads", "g2.nodes", "g2.quads", "public.nodes", "public.quads"}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("tables = %v, want %v", got, want)
			}
			var quads1, quads2 int
			if err := admin.QueryRow(`SELECT (SELECT count(*) FROM g1.quads), (SELECT count(*) FROM g2.quads)`).Scan(&quads1, &quads2); err != nil {
				t.Fatal(err)
			}
			if quads1 != 2 || quads2 != 1 {
				t.Fatalf("g1.quads=%d g2.quads=%d, want 2 and 1", quads1, quads2)
			}

			// Exact stats are per schema. Estimated stats are not: the
			// postgres flavour reads pg_class by table name only.
			ctx := context.Background()
			st, err := g1.Stats(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			if st.Quads.Value != 2 {
				t.Fatalf("g1 exact Stats quads = %d, want 2", st.Quads.Value)
			}
			if _, err := admin.Exec(`ANALYZE`); err != nil {
				t.Fatal(err)
			}
			var estimates int
			if err := admin.QueryRow(`SELECT count(*) FROM pg_class WHERE relname = 'quads'`).Scan(&estimates); err != nil {
				t.Fatal(err)
			}
			if estimates != 3 {
				t.Fatalf("pg_class has %d rows named quads, want 3 (one per schema)", estimates)
			}
			// Which schema's row wins is up to the server, so only log it;
			// Cayley uses estimates for query costs, never for results.
			est, err := newStore(t, withSchema("g1")).Stats(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("g1 estimated quads = %d (g1 really has 2; g2 1, public 0)", est.Quads.Value)
		})
	}
}

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newStore(t *testing.T, dsn string) graph.QuadStore {
	t.Helper()
	qs, err := graph.NewQuadStore("postgres", dsn, nil)
	if err != nil {
		t.Fatalf("NewQuadStore: %v", err)
	}
	t.Cleanup(func() { qs.Close() })
	return qs
}

func withParam(t *testing.T, dsn, key, value string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// write adds <a> <p> <obj> for each obj.
func write(t *testing.T, qs graph.QuadStore, objs ...string) {
	t.Helper()
	w, err := graph.NewQuadWriter("single", qs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := w.AddQuad(quad.Make(quad.IRI("a"), quad.IRI("p"), quad.IRI(o), nil)); err != nil {
			t.Fatal(err)
		}
	}
}

// wantOut checks the sorted objects of <from> --<pred>--> against want
// (values in N-Quads syntax).
func wantOut(t *testing.T, qs graph.QuadStore, from, pred string, want ...string) {
	t.Helper()
	vals, err := cayley.StartPath(qs, quad.IRI(from)).Out(quad.IRI(pred)).Iterate(context.Background()).AllValues(qs)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, 0, len(vals))
	for _, v := range vals {
		got = append(got, v.String())
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("<%s> <%s> = %v, want %v", from, pred, got, want)
	}
}

// tables lists schema.table for every base table outside the system schemas.
func tables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
