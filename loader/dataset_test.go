package loader_test

import (
	"io/fs"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/loader/normalize"
)

// TestRealDataset loads the embedded dataset and checks what must hold of any
// valid version of it, not counts of today's snapshot: it validates, every
// quote sits at its offsets in its source's normalised text and occurs there
// once, and every relation is allowed by the vocabulary.
func TestRealDataset(t *testing.T) {
	ds, err := loader.Load(data.FS, "data")
	if err != nil {
		t.Fatalf("the embedded dataset does not validate:\n%v", err)
	}
	if len(ds.Sources) == 0 || len(ds.Entities) == 0 || len(ds.Relations) == 0 {
		t.Fatalf("%d sources, %d entities, %d relations: want some of each", len(ds.Sources), len(ds.Entities), len(ds.Relations))
	}
	texts := map[string]string{}
	for _, s := range ds.Sources {
		texts[s.ID] = s.Text
	}
	check := func(what string, evs []kg.Evidence) {
		t.Helper()
		if len(evs) == 0 {
			t.Errorf("%s has no evidence", what)
		}
		for _, ev := range evs {
			text, ok := texts[ev.Source]
			if !ok {
				t.Errorf("%s: evidence from unknown source %q", what, ev.Source)
				continue
			}
			checkEvidence(t, text, ev)
		}
	}
	kinds := map[string]kg.Kind{}
	for _, e := range ds.Entities {
		kinds[e.ID] = e.Kind
		if k, _, err := kg.ParseID(e.ID); err != nil || k != e.Kind || e.Name == "" {
			t.Errorf("entity %+v: bad id, kind or name (%v)", e, err)
		}
	}
	for _, r := range ds.Relations {
		what := r.Subject + " " + r.Predicate + " " + r.Object
		p, ok := kg.LookupPredicate(r.Predicate)
		if !ok {
			t.Errorf("%s: unknown predicate", what)
		} else if _, ok := kinds[r.Object]; !ok {
			t.Errorf("%s: dangling target", what)
		} else if !p.Allows(kinds[r.Subject], kinds[r.Object]) {
			t.Errorf("%s: not allowed for %s → %s", what, kinds[r.Subject], kinds[r.Object])
		}
		for _, q := range r.Qualifiers {
			if q.Key == kg.QualTime {
				if err := kg.ParseTime(q.Value); err != nil {
					t.Errorf("%s: %v", what, err)
				}
			}
		}
		check(what, r.Evidence)
	}
	for id, figs := range ds.Figures {
		if _, ok := kinds[id]; !ok {
			t.Errorf("figures of unknown entity %s", id)
		}
		for _, f := range figs {
			check(id+" "+f.Indicator, f.Evidence)
		}
	}
	checkNoDuplicates(t, ds.Quads())

	again, err := loader.Load(data.FS, "data")
	if err != nil {
		t.Fatal(err)
	}
	if again.Version() != ds.Version() {
		t.Errorf("two loads of the embedded dataset: versions %s and %s", ds.Version(), again.Version())
	}
}

// BenchmarkNormalize is the baseline for BenchmarkLoad: normalising the
// sources alone, which every load does once.
func BenchmarkNormalize(b *testing.B) {
	raw := rawSources(b)
	for b.Loop() {
		for _, s := range raw {
			normalize.Normalize(s)
		}
	}
}

// BenchmarkLoad loads and validates the embedded dataset and builds its quads,
// what a server does at start and on every reload.
func BenchmarkLoad(b *testing.B) {
	var quads int
	for b.Loop() {
		ds, err := loader.Load(data.FS, "data")
		if err != nil {
			b.Fatal(err)
		}
		quads = len(ds.Quads())
	}
	b.ReportMetric(float64(quads), "quads")
}

func rawSources(b *testing.B) []string {
	b.Helper()
	files, err := fs.Glob(data.FS, "sources/*.txt")
	if err != nil || len(files) == 0 {
		b.Fatalf("no sources/*.txt in the embedded dataset (%v)", err)
	}
	var out []string
	for _, f := range files {
		raw, err := fs.ReadFile(data.FS, f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, string(raw))
	}
	return out
}
