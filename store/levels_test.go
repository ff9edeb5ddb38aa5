package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// levelReads are the batch reads with the number of levels each walks: one
// Cayley query per level, whatever the number of ids.
var levelReads = []struct {
	name   string
	levels int64
	read   func(context.Context, *store.Graph, []string) error
}{
	// attributes; identifier nodes
	{"OKEntities", 2, func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Entities(ctx, ids)
		return err
	}},
	// relations by subject; by object; statements; evidence; the other
	// ends' entities (two)
	{"OKEdges", 6, func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Edges(ctx, ids)
		return err
	}},
	// figure nodes; their attributes; their evidence
	{"OKFigures", 3, func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Figures(ctx, ids)
		return err
	}},
	{"OKSources", 1, func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := g.Sources(ctx, append([]string{"source/jiangbei-2021-05"}, ids...))
		return err
	}},
	// the relations of the entities, then those of the other ends
	{"OKWalk", 12, func(ctx context.Context, g *store.Graph, ids []string) error {
		_, err := walk(ctx, g, ids)
		return err
	}},
	// all kinds at once
	{"OKEntityIDs", 1, func(ctx context.Context, g *store.Graph, _ []string) error {
		_, err := g.EntityIDs(ctx)
		return err
	}},
	// the value; the nodes' schemes; their owners
	{"OKEntitiesByIdentifier", 3, func(ctx context.Context, g *store.Graph, _ []string) error {
		ids, err := g.EntitiesByIdentifier(ctx, "divisionCode", "500105")
		if err == nil && len(ids) != 1 {
			err = fmt.Errorf("the division code of 江北区 names %v, want one entity", ids)
		}
		return err
	}},
}

// walk reads the relations of ids, then those of every entity they lead to:
// the store's side of a two-level GraphQL walk.
func walk(ctx context.Context, g *store.Graph, ids []string) (int, error) {
	edges, err := g.Edges(ctx, ids)
	if err != nil {
		return 0, err
	}
	var next []string
	for _, es := range edges {
		for _, e := range es {
			next = append(next, e.Other)
		}
	}
	more, err := g.Edges(ctx, next)
	n := 0
	for _, es := range more {
		n += len(es)
	}
	return n, err
}

// TestQueriesPerLevel checks that a batch read runs one Cayley query per
// level, as many for two entities as for all of them, on every store, with
// the cache off. On PostgreSQL it also counts the SQL statements sent.
func TestQueriesPerLevel(t *testing.T) {
	ds, err := loader.Load(data.FS, "data")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Two entities that have every level: identifiers, figures, relations
	// with qualifiers and evidence.
	two := []string{"person/ma-shanxiang", "place/jiangbei-qu"}
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			spec := b.Spec(t)
			var sc *StatementCounter
			if b.Name == "postgres" {
				spec, sc = MustCountStatements(t, spec)
			}
			g := storetest.MustAcquire(t, storetest.MustOpen(t, spec, ds))
			all, err := g.EntityIDs(ctx, kg.Kinds...)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range levelReads {
				t.Run(r.name, func(t *testing.T) {
					count := func(ids []string) (queries, stmts int64) {
						q0 := g.Queries()
						var s0 int64
						if sc != nil {
							s0 = sc.Statements()
						}
						if err := r.read(ctx, g, ids); err != nil {
							t.Fatal(err)
						}
						if sc != nil {
							stmts = sc.Statements() - s0
						}
						return g.Queries() - q0, stmts
					}
					q2, s2 := count(two)
					qAll, sAll := count(all)
					if q2 != r.levels || qAll != r.levels {
						t.Errorf("Cayley queries: %d for 2 entities, %d for %d; want %d for both, one per level", q2, qAll, len(all), r.levels)
					}
					// A level is one statement for its quads and at most
					// one for the values.
					if sc != nil && (s2 > 2*r.levels || sAll > 2*r.levels) {
						t.Errorf("SQL statements: %d for 2 entities, %d for %d; want at most %d for both, two per level", s2, sAll, len(all), 2*r.levels)
					}
					// Read again, the values are in the graph's value
					// dictionary: one statement per level, for its quads.
					if _, again := count(two); sc != nil && again > r.levels {
						t.Errorf("SQL statements: %d for 2 entities read again, want at most %d, one per level", again, r.levels)
					}
				})
			}
		})
	}
}

// TestStatementCounter checks the counter against statements of known
// number, sent both ways database/sql sends them.
func TestStatementCounter(t *testing.T) {
	spec, sc := MustCountStatements(t, storetest.Postgres().Spec(t))
	db, err := sql.Open("postgres", spec)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		name  string
		query string
		args  []any
	}{
		{"OKSimple", "SELECT 1", nil},              // a simple Query message
		{"OKExtended", "SELECT $1::int", []any{1}}, // Parse, Bind, Execute
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := sc.Statements()
			for range 3 {
				var n int
				if err := db.QueryRow(tt.query, tt.args...).Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			if got := sc.Statements() - before; got != 3 {
				t.Errorf("counted %d statements, want 3", got)
			}
		})
	}
}
