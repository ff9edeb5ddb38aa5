package gen_test

import (
	"context"
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/gen"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

func TestGenerate(t *testing.T) {
	g := gen.Generate(5000, 7)
	if len(g.Entities) != 5000 {
		t.Fatalf("%d entities, want 5000", len(g.Entities))
	}
	kinds := map[kg.Kind]int{}
	aliases := 0
	for i, e := range g.Entities {
		if _, _, err := kg.ParseID(e.ID); err != nil {
			t.Errorf("entity %d: %v", i, err)
		}
		if i > 0 && g.Entities[i-1].ID >= e.ID {
			t.Errorf("ids not sorted and unique: %s then %s", g.Entities[i-1].ID, e.ID)
		}
		if e.Name == "" || slices.Contains(e.Aliases, e.Name) || slices.Contains(e.Aliases, "") {
			t.Errorf("%s: name %q, aliases %q", e.ID, e.Name, e.Aliases)
		}
		kinds[e.Kind]++
		aliases += len(e.Aliases)
	}
	for _, k := range kg.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no %s", k)
		}
	}
	if aliases < 500 {
		t.Errorf("%d aliases in 5000 entities: want a realistic share", aliases)
	}
	byID := map[string]*kg.Entity{}
	for _, e := range g.Entities {
		byID[e.ID] = e
	}
	for _, r := range g.Relations {
		p, ok := kg.LookupPredicate(r.Predicate)
		s, o := byID[r.Subject], byID[r.Object]
		if !ok || s == nil || o == nil || !p.Allows(s.Kind, o.Kind) {
			t.Errorf("bad relation %s %s %s", r.Subject, r.Predicate, r.Object)
		}
	}
	d := g.Degrees()
	if len(d) != len(g.Entities) || slices.Max(d) < 10*(2*len(g.Relations)/len(g.Entities)+1) {
		t.Errorf("degrees %d…%d: want a few well-connected entities", slices.Min(d), slices.Max(d))
	}
}

func TestGenerateSmall(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 10, 99} {
		if g := gen.Generate(n, 1); len(g.Entities) != n {
			t.Errorf("Generate(%d) made %d entities", n, len(g.Entities))
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := gen.Generate(2000, 42), gen.Generate(2000, 42)
	for i := range a.Entities {
		if a.Entities[i].ID != b.Entities[i].ID || a.Entities[i].Name != b.Entities[i].Name {
			t.Fatalf("entity %d: %v vs %v", i, a.Entities[i], b.Entities[i])
		}
	}
	if len(a.Relations) != len(b.Relations) {
		t.Fatalf("%d vs %d relations", len(a.Relations), len(b.Relations))
	}
	if c := gen.Generate(2000, 43); c.Entities[0].Name == a.Entities[0].Name && c.Entities[1].Name == a.Entities[1].Name {
		t.Errorf("seeds 42 and 43 made the same names")
	}
}

// TestDatasetLoads: the generated graph loads into a memory store and reads
// back through the read layer, search index included.
func TestDatasetLoads(t *testing.T) {
	ctx := context.Background()
	g := gen.Generate(300, 1)
	st, err := store.Open(ctx, "memory", func() (store.Source, error) { return g.Dataset(), nil })
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gr, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer gr.Release()
	if n := gr.Index().Len(); n != len(g.Entities) {
		t.Errorf("index holds %d entities, want %d", n, len(g.Entities))
	}
	e := g.Entities[len(g.Entities)/2]
	got, err := gr.Entities(ctx, []string{e.ID})
	if err != nil || got[0] == nil || got[0].Name != e.Name {
		t.Fatalf("Entities(%s) = %v, %v", e.ID, got, err)
	}
	hits, err := gr.Index().Search(e.Name, nil, 50)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Search(%s) = %v, %v", e.Name, hits, err)
	}
	found := false
	for _, h := range hits {
		found = found || h.ID == e.ID
	}
	if !found {
		t.Errorf("Search(%q) = %v: %s missing", e.Name, hits, e.ID)
	}
}
