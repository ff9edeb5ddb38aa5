package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

// testFragments reads the public view kept with the graph: every pattern
// shape, exact counts, stable pages, the same triples on every store.
func testFragments(t *testing.T, g *store.Graph, ds *loader.Dataset) {
	ctx := context.Background()
	iris := kg.NewIRIs(ds.Info.Base)
	all, total, err := g.Fragment(ctx, store.Pattern{}, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(all) || total < 100 {
		t.Fatalf("the whole view: %d triples, count %d", len(all), total)
	}
	ma := kg.IRI(iris.Entity("person/ma-shanxiang"))
	award := kg.IRI(iris.Predicate("award"))
	label := kg.IRI(kg.NSRDFS + "label")
	name := kg.Lit("马善祥", kg.LangZh)
	gaige := kg.IRI(iris.Entity("honour/gaige-xianfeng"))
	match := func(p store.Pattern) []kg.Quad {
		var out []kg.Quad
		for _, q := range all {
			if (p.S == nil || *p.S == q.S) && (p.P == nil || *p.P == q.P) && (p.O == nil || *p.O == q.O) {
				out = append(out, q)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		pat  store.Pattern
		min  int
	}{
		{"OK/None", store.Pattern{}, 100},
		{"OK/S", store.Pattern{S: &ma}, 5},
		{"OK/P", store.Pattern{P: &award}, 3},
		{"OK/O", store.Pattern{O: &gaige}, 3},
		{"OK/SP", store.Pattern{S: &ma, P: &award}, 2},
		{"OK/SO", store.Pattern{S: &ma, O: &gaige}, 1},
		{"OK/PO", store.Pattern{P: &label, O: &name}, 1},
		{"OK/SPO", store.Pattern{S: &ma, P: &award, O: &gaige}, 1},
		{"OK/LiteralObject", store.Pattern{O: &name}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := match(tc.pat)
			if len(want) < tc.min {
				t.Fatalf("the view has %d triples of the pattern, want at least %d", len(want), tc.min)
			}
			// Two at a time, to cross page boundaries.
			var got []kg.Quad
			for off := 0; off < len(want)+2; off += 2 {
				page, n, err := g.Fragment(ctx, tc.pat, off, 2)
				if err != nil {
					t.Fatal(err)
				}
				if n != len(want) {
					t.Errorf("count %d, want %d", n, len(want))
				}
				got = append(got, page...)
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages give %v\nwant %v", got, want)
			}
		})
	}
	nobody := kg.IRI(iris.Entity("person/nobody"))
	if qs, n, err := g.Fragment(ctx, store.Pattern{S: &nobody}, 0, 10); err != nil || n != 0 || len(qs) != 0 {
		t.Errorf("an unknown subject: %v, %d, %v", qs, n, err)
	}
}
