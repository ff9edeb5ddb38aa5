package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// ImportQuads is a small import NAME by hand: two records, one linked to
// 马善祥 by an identifier, as package imports lays them out.
func ImportQuads(name string) []quad.Quad {
	pub, meta := quad.IRI(kg.ImportLabelPrefix+name), quad.IRI(kg.ImportMetaPrefix+name)
	node := quad.IRI(kg.ImportNode(name))
	r1, r2 := quad.IRI("http://example.org/"+name+"/1"), quad.IRI("http://example.org/"+name+"/2")
	link := quad.IRI(kg.LinkPrefix + name + "/1")
	return []quad.Quad{
		{Subject: r1, Predicate: quad.IRI(kg.NSRDFS + "label"), Object: quad.LangString{Value: "马善祥", Lang: "zh-Hans"}, Label: pub},
		{Subject: r1, Predicate: quad.IRI("http://example.org/role"), Object: quad.String("调解员"), Label: pub},
		{Subject: r2, Predicate: quad.IRI(kg.NSRDFS + "label"), Object: quad.String("无名"), Label: pub},
		{Subject: node, Predicate: quad.IRI(kg.AttrKind), Object: quad.String(kg.ImportKind), Label: meta},
		{Subject: node, Predicate: quad.IRI(kg.AttrName), Object: quad.String(name), Label: meta},
		{Subject: node, Predicate: quad.IRI(kg.AttrFile), Object: quad.String(name + ".nt"), Label: meta},
		{Subject: node, Predicate: quad.IRI(kg.AttrFormat), Object: quad.String("nt"), Label: meta},
		{Subject: node, Predicate: quad.IRI(kg.AttrLoadedAt), Object: quad.String("2026-01-02T03:04:05Z"), Label: meta},
		{Subject: node, Predicate: quad.IRI(kg.AttrRecordCount), Object: quad.Int(2), Label: meta},
		{Subject: node, Predicate: quad.IRI(kg.AttrLinkedCount), Object: quad.Int(1), Label: meta},
		{Subject: r1, Predicate: quad.IRI(kg.AttrInImport), Object: node, Label: meta},
		{Subject: r1, Predicate: quad.IRI(kg.AttrLabel), Object: quad.String("马善祥"), Label: meta},
		{Subject: r1, Predicate: quad.IRI(kg.AttrLine), Object: quad.Int(1), Label: meta},
		{Subject: r2, Predicate: quad.IRI(kg.AttrInImport), Object: node, Label: meta},
		{Subject: r2, Predicate: quad.IRI(kg.AttrLabel), Object: quad.String("无名"), Label: meta},
		{Subject: r2, Predicate: quad.IRI(kg.AttrLine), Object: quad.Int(3), Label: meta},
		{Subject: quad.IRI("person/ma-shanxiang"), Predicate: quad.IRI(kg.AttrLinkedRecord), Object: link, Label: meta},
		{Subject: link, Predicate: quad.IRI(kg.AttrRecord), Object: r1, Label: meta},
		{Subject: link, Predicate: quad.IRI(kg.AttrHow), Object: quad.String(kg.LinkIdentifier), Label: meta},
		{Subject: link, Predicate: quad.IRI(kg.AttrScore), Object: quad.String("1"), Label: meta},
		{Subject: link, Predicate: quad.IRI(kg.AttrDetail), Object: quad.String("wikidata Q1"), Label: meta},
	}
}

// testImports keeps an import beside the graph: read back, kept across a
// reload and a reopen, removed exactly, refused when wrong.
func testImports(t *testing.T, b Backend) {
	ctx := context.Background()
	spec := b.Spec(t)
	v1, v2 := Fixture(t, "v1"), Fixture(t, "v2")
	st := MustOpen(t, spec, v1)
	plain, err := quadCount(st)
	if err != nil {
		t.Fatal(err)
	}
	version, err := st.Import(ctx, "test-a", ImportQuads("test-a"))
	if err != nil {
		t.Fatal(err)
	}
	if version == v1.Version() {
		t.Error("an import did not change the graph version")
	}
	check := func(t *testing.T, st *store.Store, names ...string) {
		t.Helper()
		g := MustAcquire(t, st)
		got, err := g.ImportNames(ctx)
		if err != nil || len(got) != len(names) {
			t.Fatalf("ImportNames = %q, %v; want %q", got, err, names)
		}
		if len(names) == 0 {
			return
		}
		infos, err := g.Imports(ctx)
		if err != nil || infos[0].Records != 2 || infos[0].Linked != 1 || infos[0].File != "test-a.nt" || infos[0].LoadedAt.Year() != 2026 {
			t.Errorf("Imports = %+v, %v", infos, err)
		}
		recs, total, err := g.ImportRecords(ctx, "test-a", 1, 10)
		if err != nil || total != 2 || len(recs) != 1 || recs[0].Label != "无名" || recs[0].Line != 3 || len(recs[0].Properties) != 1 {
			t.Errorf("ImportRecords from 1 = %+v, %d, %v", recs, total, err)
		}
		linked, err := g.LinkedRecords(ctx, []string{"person/ma-shanxiang", "person/li-yuzhen"})
		if err != nil || len(linked[0]) != 1 || len(linked[1]) != 0 {
			t.Fatalf("LinkedRecords = %+v, %v", linked, err)
		}
		if l := linked[0][0]; l.How != kg.LinkIdentifier || l.Score != 1 || l.Detail != "wikidata Q1" || l.Label != "马善祥" || len(l.Properties) != 2 {
			t.Errorf("linked record = %+v", l)
		}
		role := kg.IRI("http://example.org/role")
		if qs, n, err := g.Fragment(ctx, store.Pattern{P: &role}, 0, 10); err != nil || n != 1 || len(qs) != 1 {
			t.Errorf("the import's triples in fragments: %v, %d, %v", qs, n, err)
		}
		triples, err := g.ImportTriples(ctx, "test-a")
		if err != nil || len(triples) != 3 {
			t.Errorf("ImportTriples = %d, %v", len(triples), err)
		}
	}
	t.Run("OK/Read", func(t *testing.T) { check(t, st, "test-a") })
	t.Run("OK/KeptByReload", func(t *testing.T) {
		v, err := st.Load(ctx, v2)
		if err != nil {
			t.Fatal(err)
		}
		if v == v2.Version() {
			t.Error("the reloaded graph with an import has the version of the bare dataset")
		}
		check(t, st, "test-a")
	})
	if b.Persistent {
		t.Run("OK/KeptByReopen", func(t *testing.T) {
			other := MustOpen(t, spec, nil)
			check(t, other, "test-a")
		})
	}
	t.Run("ErrExists", func(t *testing.T) {
		if _, err := st.Import(ctx, "test-a", ImportQuads("test-a")); !errors.Is(err, store.ErrImportExists) {
			t.Errorf("a second import test-a = %v", err)
		}
	})
	t.Run("ErrForeignQuad", func(t *testing.T) {
		qs := append(ImportQuads("test-b"), quad.Quad{Subject: quad.IRI("person/ma-shanxiang"), Predicate: quad.IRI(kg.AttrName), Object: quad.String("冒名")})
		if _, err := st.Import(ctx, "test-b", qs); !errors.Is(err, store.ErrImportQuads) {
			t.Errorf("an import touching curated facts = %v", err)
		}
	})
	t.Run("ErrName", func(t *testing.T) {
		if _, err := st.Import(ctx, "Test A", nil); !errors.Is(err, kg.ErrBadImportName) {
			t.Errorf("a bad name = %v", err)
		}
	})
	t.Run("OK/Remove", func(t *testing.T) {
		v, err := st.RemoveImport(ctx, "test-a")
		if err != nil {
			t.Fatal(err)
		}
		if v != v2.Version() {
			t.Errorf("after removing the only import, version %s, want the dataset's %s", v, v2.Version())
		}
		check(t, st)
		if _, err := st.Load(ctx, v1); err != nil {
			t.Fatal(err)
		}
		if n, err := quadCount(st); err != nil || n != plain {
			t.Errorf("after removal and reload, %d quads, want %d as before the import (%v)", n, plain, err)
		}
	})
	t.Run("ErrNoImport", func(t *testing.T) {
		if _, err := st.RemoveImport(ctx, "test-a"); !errors.Is(err, store.ErrNoImport) {
			t.Errorf("removing an unknown import = %v", err)
		}
	})
}

func quadCount(st *store.Store) (int64, error) {
	g, err := st.Acquire()
	if err != nil {
		return 0, err
	}
	defer g.Release()
	return g.QuadCount(context.Background())
}
