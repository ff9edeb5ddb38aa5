package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

// TestAll runs the shared suite against stores of backend b. Every store
// must pass it with the same expectations: same answers, same order.
func TestAll(t *testing.T, b Backend) {
	v1 := Fixture(t, "v1")
	st := MustOpen(t, b.Spec(t), v1)
	g := MustAcquire(t, st)
	t.Run("Entities", func(t *testing.T) { testEntities(t, g) })
	t.Run("Edges", func(t *testing.T) { testEdges(t, g) })
	t.Run("Figures", func(t *testing.T) { testFigures(t, g) })
	t.Run("Sources", func(t *testing.T) { testSources(t, g, v1) })
	t.Run("Fragments", func(t *testing.T) { testFragments(t, g, v1) })
	t.Run("EntityIDs", func(t *testing.T) { testEntityIDs(t, g) })
	t.Run("EntitiesByIdentifier", func(t *testing.T) { testEntitiesByIdentifier(t, g) })
	t.Run("Degrees", func(t *testing.T) { testDegrees(t, g) })
	t.Run("Version", func(t *testing.T) {
		if got, want := g.Version(), v1.Version(); got != want {
			t.Errorf("Version() = %q, want %q (the dataset's content hash)", got, want)
		}
		if got, want := g.Index().Len(), len(fixtureIDs); got != want {
			t.Errorf("search index holds %d entries, want %d", got, want)
		}
	})
	t.Run("Info", func(t *testing.T) { testInfo(t, b, g, v1) })
	t.Run("Ping", func(t *testing.T) { testPing(t, b, st) })
	t.Run("LoadTwice", func(t *testing.T) { testLoadTwice(t, b, v1) })
	t.Run("Reload", func(t *testing.T) { testReload(t, b) })
	t.Run("Imports", func(t *testing.T) { testImports(t, b) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, b) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, b) })
	if b.Persistent {
		t.Run("Refresh", func(t *testing.T) { testRefresh(t, b) })
		t.Run("Reopen", func(t *testing.T) { testReopen(t, b) })
		t.Run("RacingLoads", func(t *testing.T) { testRacingLoads(t, b) })
	}
}

const fixtureSource = "source/fixture-2021"

// The fixture's normalised text, as the Source reads it back.
const fixtureText = "江北区概况\n江北区位于重庆主城中部。五里店街道位于江北区，红土地社区位于五里店街道。\n马善祥住在红土地社区，是老马工作室负责人。2019年，马善祥获得全国模范人民调解员称号。马善祥还获得改革先锋称号。\n李玉珍住在红土地社区，也获得改革先锋称号。社区志愿者王红也住在红土地社区。\n2020年，江北区地区生产总值达到1325亿元，同比增长3.9%。全区常住人口约90万人。\n图为改革先锋马善祥。"

var fixtureIDs = []string{
	"honour/gaige-xianfeng",
	"honour/quanguo-mofan-renmin-tiaojieyuan",
	"organization/laoma-gongzuoshi",
	"person/li-yuzhen",
	"person/ma-shanxiang",
	"place/hongtudi-shequ",
	"place/jiangbei-qu",
	"place/wulidian-jiedao",
}

func ev(quote string, start, end int) kg.Evidence {
	return kg.Evidence{Quote: quote, Start: start, End: end, Source: fixtureSource}
}

func testEntities(t *testing.T, g *store.Graph) {
	ma := &kg.Entity{ID: "person/ma-shanxiang", Kind: kg.Person, Name: "马善祥", Aliases: []string{"老马"}, Category: "人民调解员", Description: "老马工作室负责人。"}
	jb := &kg.Entity{ID: "place/jiangbei-qu", Kind: kg.Place, Name: "江北区", Category: "区", Description: "重庆主城中部的一个区。",
		Identifiers: []kg.Identifier{{Scheme: "divisionCode", Value: "500105", Citation: "中华人民共和国行政区划代码"}}}
	li := &kg.Entity{ID: "person/li-yuzhen", Kind: kg.Person, Name: "李玉珍"}
	tests := []struct {
		name string
		ids  []string
		want []*kg.Entity
	}{
		{"OK", []string{"person/ma-shanxiang"}, []*kg.Entity{ma}},
		{"OK/Identifiers", []string{"place/jiangbei-qu"}, []*kg.Entity{jb}},
		{"OK/Batch", []string{"person/li-yuzhen", "person/nobody", "person/ma-shanxiang"}, []*kg.Entity{li, nil, ma}},
		{"OK/None", nil, []*kg.Entity{}},
		{"UnknownID", []string{"person/nobody"}, []*kg.Entity{nil}},
		{"SourceIsNoEntity", []string{fixtureSource}, []*kg.Entity{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := g.Entities(context.Background(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range got {
				if e != nil && len(e.Aliases) == 0 {
					e.Aliases = nil // nil and empty mean the same here
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Entities(%q)\n got %s\nwant %s", tt.ids, dump(got), dump(tt.want))
			}
		})
	}
}

// edge builds an expected Edge seen from the entity "from".
func edge(from, pred string, dir store.Direction, other, otherName string, quals []kg.Qualifier, evs ...kg.Evidence) store.Edge {
	e := store.Edge{Dir: dir, Other: other, OtherName: otherName}
	e.Predicate, e.Qualifiers, e.Evidence = pred, quals, evs
	e.Subject, e.Object = from, other
	if dir == store.In {
		e.Subject, e.Object = other, from
	}
	return e
}

func testEdges(t *testing.T, g *store.Graph) {
	const (
		ma, li, gaige, mofan = "person/ma-shanxiang", "person/li-yuzhen", "honour/gaige-xianfeng", "honour/quanguo-mofan-renmin-tiaojieyuan"
		htd, wld, jb, laoma  = "place/hongtudi-shequ", "place/wulidian-jiedao", "place/jiangbei-qu", "organization/laoma-gongzuoshi"
	)
	gaigeMa := []kg.Evidence{ev("马善祥还获得改革先锋称号", 87, 99), ev("图为改革先锋马善祥", 185, 194)}
	maResident := ev("马善祥住在红土地社区", 43, 53)
	htdInWld := ev("红土地社区位于五里店街道", 29, 41)
	maEdges := []store.Edge{
		// award: outgoing; 2019 sorts before no time; evidence by offset.
		edge(ma, "award", store.Out, mofan, "全国模范人民调解员", []kg.Qualifier{{Key: "time", Value: "2019"}}, ev("2019年，马善祥获得全国模范人民调解员称号", 64, 86)),
		edge(ma, "award", store.Out, gaige, "改革先锋", nil, gaigeMa...),
		edge(ma, "leads", store.Out, laoma, "老马工作室", []kg.Qualifier{{Key: "role", Value: "负责人"}}, ev("是老马工作室负责人", 54, 63)),
		edge(ma, "residentOf", store.Out, htd, "红土地社区", nil, maResident),
	}
	tests := []struct {
		name string
		ids  []string
		want [][]store.Edge
	}{
		{"OK/Out", []string{ma}, [][]store.Edge{maEdges}},
		{"OK/InWithInferredTime", []string{gaige}, [][]store.Edge{{
			edge(gaige, "award", store.In, li, "李玉珍", []kg.Qualifier{{Key: "time", Value: "2018", Inferred: true}}, ev("也获得改革先锋称号", 112, 121)),
			edge(gaige, "award", store.In, ma, "马善祥", nil, gaigeMa...),
		}}},
		{"OK/BothByPredicateThenName", []string{htd}, [][]store.Edge{{
			edge(htd, "containedInPlace", store.Out, wld, "五里店街道", nil, htdInWld),
			edge(htd, "residentOf", store.In, li, "李玉珍", nil, ev("李玉珍住在红土地社区", 101, 111)),
			edge(htd, "residentOf", store.In, ma, "马善祥", nil, maResident),
		}}},
		{"OK/OutBeforeIn", []string{wld}, [][]store.Edge{{
			edge(wld, "containedInPlace", store.Out, jb, "江北区", nil, ev("五里店街道位于江北区", 18, 28)),
			edge(wld, "containedInPlace", store.In, htd, "红土地社区", nil, htdInWld),
		}}},
		{"OK/Batch", []string{"person/nobody", ma}, [][]store.Edge{nil, maEdges}},
		{"UnknownID", []string{"person/nobody"}, [][]store.Edge{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := g.Edges(context.Background(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			for _, es := range got {
				for i := range es {
					e := &es[i]
					if !strings.HasPrefix(e.Statement, kg.StmtPrefix) {
						t.Errorf("edge %s %s %s: statement %q, want %s…", e.Subject, e.Predicate, e.Object, e.Statement, kg.StmtPrefix)
					}
					e.Statement = "" // a content hash, compared across stores by TestSameAnswers
					if len(e.Qualifiers) == 0 {
						e.Qualifiers = nil
					}
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Edges(%q)\n got %s\nwant %s", tt.ids, dump(got), dump(tt.want))
			}
		})
	}
}

func testFigures(t *testing.T, g *store.Graph) {
	growth := 3.9
	jb := []kg.Figure{
		// One period, then by indicator in pinyin order: changzhu before diqu.
		{Indicator: "常住人口", Stated: "约90万人", Value: 90, Unit: "万人", Modifier: "约", Period: "2020", PeriodInferred: true,
			Evidence: []kg.Evidence{ev("全区常住人口约90万人", 172, 183)}},
		{Indicator: "地区生产总值", Stated: "1325亿元", Value: 1325, Unit: "亿元", Period: "2020", GrowthPercent: &growth,
			Evidence: []kg.Evidence{ev("江北区地区生产总值达到1325亿元", 145, 162), ev("同比增长3.9%", 163, 171)}},
	}
	tests := []struct {
		name string
		ids  []string
		want [][]kg.Figure
	}{
		{"OK", []string{"place/jiangbei-qu"}, [][]kg.Figure{jb}},
		{"OK/None", []string{"person/ma-shanxiang"}, [][]kg.Figure{nil}},
		{"UnknownID", []string{"place/nowhere", "place/jiangbei-qu"}, [][]kg.Figure{nil, jb}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := g.Figures(context.Background(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			// Keys are content hashes, the same on every store: checked
			// for shape and uniqueness, then left out of the comparison.
			keys := map[string]bool{}
			for _, figs := range got {
				for i := range figs {
					if !strings.HasPrefix(figs[i].Key, kg.FigPrefix) || keys[figs[i].Key] {
						t.Errorf("figure %q has key %q, want a unique %s… node id", figs[i].Indicator, figs[i].Key, kg.FigPrefix)
					}
					keys[figs[i].Key] = true
					figs[i].Key = ""
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Figures(%q)\n got %s\nwant %s", tt.ids, dump(got), dump(tt.want))
			}
		})
	}
}

func testSources(t *testing.T, g *store.Graph, ds *loader.Dataset) {
	src := &kg.Source{ID: fixtureSource, Title: "江北区测试页", Publisher: "civicgraph tests", Date: "2021-05", Language: "zh",
		Rights: "written for civicgraph's tests", Text: fixtureText}
	if ds.Sources[0].Text != fixtureText {
		t.Fatalf("the loader normalises the fixture differently now; update fixtureText and the offsets:\n%q", ds.Sources[0].Text)
	}
	tests := []struct {
		name string
		ids  []string
		want []*kg.Source
	}{
		{"OK", []string{fixtureSource}, []*kg.Source{src}},
		{"UnknownID", []string{"source/nothing"}, []*kg.Source{nil}},
		{"EntityIsNoSource", []string{"person/ma-shanxiang", fixtureSource}, []*kg.Source{nil, src}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := g.Sources(context.Background(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sources(%q)\n got %s\nwant %s", tt.ids, dump(got), dump(tt.want))
			}
		})
	}
	t.Run("OK/IDs", func(t *testing.T) {
		got, err := g.SourceIDs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{fixtureSource}; !reflect.DeepEqual(got, want) {
			t.Errorf("SourceIDs() = %q, want %q", got, want)
		}
	})
}

func testEntityIDs(t *testing.T, g *store.Graph) {
	tests := []struct {
		name  string
		kinds []kg.Kind
		want  []string
	}{
		{"OK/All", nil, fixtureIDs},
		{"OK/OneKind", []kg.Kind{kg.Person}, []string{"person/li-yuzhen", "person/ma-shanxiang"}},
		{"OK/KindsSortedTogether", []kg.Kind{kg.Place, kg.Honour}, []string{"honour/gaige-xianfeng", "honour/quanguo-mofan-renmin-tiaojieyuan", "place/hongtudi-shequ", "place/jiangbei-qu", "place/wulidian-jiedao"}},
		{"OK/NoneOfKind", []kg.Kind{kg.Event}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := g.EntityIDs(context.Background(), tt.kinds...)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("EntityIDs(%q) = %q, want %q", tt.kinds, got, tt.want)
			}
		})
	}
}

// testEntitiesByIdentifier finds an entity by the scheme and written value
// of an identifier, in one store read. Ningbo's 江北区 (330205) finds
// nothing, nor does the value under another scheme.
func testEntitiesByIdentifier(t *testing.T, g *store.Graph) {
	tests := []struct {
		name, scheme, value string
		want                []string
	}{
		{"OK", "divisionCode", "500105", []string{"place/jiangbei-qu"}},
		{"OK/NingboJiangbeiNone", "divisionCode", "330205", nil},
		{"OK/OtherSchemeNone", "stockCode", "500105", nil},
		{"OK/UnknownSchemeNone", "isin", "500105", nil},
		{"OK/NotWrittenFormNone", "divisionCode", " 500105", nil},
		{"OK/FigureValueNone", "divisionCode", "1325", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := g.Calls()
			got, err := g.EntitiesByIdentifier(context.Background(), tt.scheme, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("EntitiesByIdentifier(%s, %q) = %q, want %q", tt.scheme, tt.value, got, tt.want)
			}
			if n := g.Calls() - before; n != 1 {
				t.Errorf("EntitiesByIdentifier made %d store calls, want 1", n)
			}
		})
	}
}

func testDegrees(t *testing.T, g *store.Graph) {
	ids := []string{"person/ma-shanxiang", "honour/gaige-xianfeng", "place/hongtudi-shequ", "place/jiangbei-qu", "person/nobody"}
	got, err := g.Degrees(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{4, 2, 3, 1, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("Degrees(%q) = %v, want %v", ids, got, want)
	}
}

func testPing(t *testing.T, b Backend, st *store.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t.Run("OK", func(t *testing.T) {
		if err := st.Ping(ctx); err != nil {
			t.Errorf("Ping() = %v", err)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		other := MustOpen(t, b.Spec(t), Fixture(t, "v1"))
		other.Close()
		if err := other.Ping(ctx); !errors.Is(err, store.ErrClosed) {
			t.Errorf("Ping() after Close = %v, want ErrClosed", err)
		}
	})
}

// testInfo checks that the dataset's info is read back whole with the
// version, and that a graph stored without it has none.
func testInfo(t *testing.T, b Backend, g *store.Graph, ds *loader.Dataset) {
	want := kg.DatasetInfo{
		Base:        "https://w3id.org/civicgraph",
		Title:       "江北区测试图谱",
		TitleEn:     "civicgraph test: Jiangbei",
		Description: "为存储测试编写的实体与关系。",
		DescEn:      "Entities and relations written for the store tests.",
		Publisher:   "civicgraph tests",
		License:     "https://creativecommons.org/licenses/by/4.0/",
		Homepage:    "https://github.com/civicgraph/civicgraph",
	}
	tests := []struct {
		name string
		g    func(t *testing.T) *store.Graph
		want kg.DatasetInfo
	}{
		{"OK", func(*testing.T) *store.Graph { return g }, want},
		{"OK/Loaded", func(*testing.T) *store.Graph { return g }, ds.Info},
		{"OK/None", func(t *testing.T) *store.Graph {
			bare := Generated(5, "bare")
			bare.Info = kg.DatasetInfo{}
			return MustAcquire(t, MustOpen(t, b.Spec(t), bare))
		}, kg.DatasetInfo{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g(t).Info(); got != tt.want {
				t.Errorf("Info() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// testLoadTwice checks that writing a dataset twice adds nothing: in a bare
// Cayley store of the backend's kind, and through Store.Load.
func testLoadTwice(t *testing.T, b Backend, ds *loader.Dataset) {
	ctx := context.Background()
	want := int64(len(ds.Quads()) + 1) // and the version quad
	t.Run("OK/Cayley", func(t *testing.T) {
		qs := b.Raw(t)
		var counts []int64
		for range 2 {
			if err := store.Write(qs, ds); err != nil {
				t.Fatal(err)
			}
			st, err := qs.Stats(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			counts = append(counts, st.Quads.Value)
		}
		if counts[0] != want || counts[1] != want {
			t.Errorf("quads after writing once, twice = %v, want %d both times", counts, want)
		}
	})
	t.Run("OK/Store", func(t *testing.T) {
		spec := b.Spec(t)
		st := MustOpen(t, spec, ds)
		gens := generations(t, b, spec)
		v, err := st.Load(ctx, ds)
		if err != nil {
			t.Fatal(err)
		}
		if v != ds.Version() {
			t.Errorf("Load() = %q, want %q", v, ds.Version())
		}
		g := MustAcquire(t, st)
		n, err := g.QuadCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("served graph holds %d quads, want %d", n, want)
		}
		if after := generations(t, b, spec); !reflect.DeepEqual(after, gens) {
			t.Errorf("loading the served dataset again built a generation: %q, then %q", gens, after)
		}
	})
}

// generations lists a persistent store's generations, current first.
func generations(t *testing.T, b Backend, spec string) []string {
	t.Helper()
	if b.Generations == nil {
		return nil
	}
	cur, all := b.Generations(t, spec)
	return append([]string{cur}, all...)
}

// CheckVersion reads a graph of fixture v1 or v2 and checks that it is
// wholly the version it names: never a mix of two.
func CheckVersion(ctx context.Context, g *store.Graph, v1, v2 *loader.Dataset) error {
	ents, err := g.Entities(ctx, []string{"person/ma-shanxiang", "person/wang-hong"})
	if err != nil {
		return err
	}
	ids, err := g.EntityIDs(ctx)
	if err != nil {
		return err
	}
	edges, err := g.Edges(ctx, []string{"place/hongtudi-shequ"})
	if err != nil {
		return err
	}
	type view struct {
		Description string
		WangHong    bool
		IDs, Edges  int
	}
	got := view{ents[0].Description, ents[1] != nil, len(ids), len(edges[0])}
	var want view
	switch g.Version() {
	case v1.Version():
		want = view{"老马工作室负责人。", false, 8, 3}
	case v2.Version():
		want = view{"红土地社区居民，老马工作室负责人。", true, 9, 4}
	default:
		return errors.New("unknown version " + g.Version())
	}
	if got != want {
		return errors.New("graph " + g.Version() + " mixes versions: " + dump(got) + ", want " + dump(want))
	}
	return nil
}

func testReload(t *testing.T, b Backend) {
	v1, v2 := Fixture(t, "v1"), Fixture(t, "v2")
	t.Run("OK", func(t *testing.T) {
		ctx := context.Background()
		spec := b.Spec(t)
		st := MustOpen(t, spec, v1)
		old, err := st.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		gens := generations(t, b, spec)
		v, err := st.Load(ctx, v2)
		if err != nil {
			t.Fatal(err)
		}
		if v != v2.Version() {
			t.Errorf("Load() = %q, want %q", v, v2.Version())
		}
		cur := MustAcquire(t, st)
		if cur.Version() != v2.Version() {
			t.Errorf("serving %s after Load, want %s", cur.Version(), v2.Version())
		}
		// The request that pinned the old graph keeps reading it, whole.
		for _, g := range []*store.Graph{old, cur} {
			if err := CheckVersion(ctx, g, v1, v2); err != nil {
				t.Error(err)
			}
		}
		old.Release()
		if b.Generations != nil {
			cur, all := b.Generations(t, spec)
			if len(all) != 2 || !slices.Contains(all, gens[0]) || !slices.Contains(all, cur) || cur == gens[0] {
				t.Errorf("generations after a reload: current %s of %q; want the new one and the previous %s", cur, all, gens[0])
			}
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		spec := b.Spec(t)
		st := MustOpen(t, spec, v1)
		gens := generations(t, b, spec)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := st.Load(ctx, v2); !errors.Is(err, context.Canceled) {
			t.Errorf("Load(cancelled) = %v, want context.Canceled", err)
		}
		g := MustAcquire(t, st)
		if err := CheckVersion(context.Background(), g, v1, v2); err != nil || g.Version() != v1.Version() {
			t.Errorf("after a cancelled load: serving %s (%v), want %s", g.Version(), err, v1.Version())
		}
		if after := generations(t, b, spec); !reflect.DeepEqual(after, gens) {
			t.Errorf("a cancelled load left generations: %q, then %q", gens, after)
		}
	})
	t.Run("ErrCancelledMidway", func(t *testing.T) {
		// Cancelled at some point of a longer load: it either completes or
		// leaves the previous graph served and no generation behind.
		big := Generated(150, "midway")
		spec := b.Spec(t)
		st := MustOpen(t, spec, v1)
		for _, after := range []time.Duration{time.Millisecond, 20 * time.Millisecond, 80 * time.Millisecond} {
			before := generations(t, b, spec)
			ctx, cancel := context.WithTimeout(context.Background(), after)
			v, err := st.Load(ctx, big)
			cancel()
			g, aerr := st.Acquire()
			if aerr != nil {
				t.Fatal(aerr)
			}
			served := g.Version()
			g.Release()
			switch {
			case err == nil && served != big.Version():
				t.Errorf("cancel after %v: Load() = %s, nil but serving %s", after, v, served)
			case err != nil && !errors.Is(err, context.DeadlineExceeded):
				t.Errorf("cancel after %v: Load() = %v, want context.DeadlineExceeded", after, err)
			case err != nil && served != v1.Version():
				t.Errorf("cancel after %v: failed load left %s served, want %s", after, served, v1.Version())
			case err != nil && !reflect.DeepEqual(generations(t, b, spec), before):
				t.Errorf("cancel after %v: failed load left generations %q, had %q", after, generations(t, b, spec), before)
			case err == nil:
				return // the load outran the deadline: nothing more to cancel
			}
		}
	})
}

func testClosed(t *testing.T, b Backend) {
	ctx := context.Background()
	v1, v2 := Fixture(t, "v1"), Fixture(t, "v2")
	st := MustOpen(t, b.Spec(t), v1)
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"ErrClosed/Load", func() error { _, err := st.Load(ctx, v2); return err }},
		{"ErrClosed/Acquire", func() error { _, err := st.Acquire(); return err }},
		{"ErrClosed/Refresh", func() error { _, err := st.Refresh(ctx); return err }},
		{"ErrClosed/Ping", func() error { return st.Ping(ctx) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, store.ErrClosed) {
				t.Errorf("got %v, want ErrClosed", err)
			}
		})
	}
	t.Run("OK/PinnedGraphOutlivesClose", func(t *testing.T) {
		if err := CheckVersion(ctx, g, v1, v2); err != nil {
			t.Error(err)
		}
		g.Release()
	})
	if err := st.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
}

// testConcurrent reads while loads switch versions back and forth: every
// request sees one whole version (run with -race).
func testConcurrent(t *testing.T, b Backend) {
	v1, v2 := Fixture(t, "v1"), Fixture(t, "v2")
	st := MustOpen(t, b.Spec(t), v1)
	ctx := context.Background()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	errs := make(chan error, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				g, err := st.Acquire()
				if err != nil {
					errs <- err
					return
				}
				err = CheckVersion(ctx, g, v1, v2)
				g.Release()
				if err != nil {
					errs <- err
					return
				}
				reads.Add(1)
			}
		}()
	}
	for _, ds := range []*loader.Dataset{v2, v1, v2} {
		if _, err := st.Load(ctx, ds); err != nil {
			t.Error(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d consistent reads during 3 switches", reads.Load())
}

// testRefresh: a second Store on the same spec — another process — loads;
// the first picks the new version up without a restart.
func testRefresh(t *testing.T, b Backend) {
	ctx := context.Background()
	v1, v2 := Fixture(t, "v1"), Fixture(t, "v2")
	spec := b.Spec(t)
	server := MustOpen(t, spec, v1)
	loaderSt := MustOpen(t, spec, nil)
	old := MustAcquire(t, server)
	t.Run("OK/NoChange", func(t *testing.T) {
		if changed, err := server.Refresh(ctx); err != nil || changed {
			t.Errorf("Refresh() = %v, %v; want false, nil", changed, err)
		}
	})
	if _, err := loaderSt.Load(ctx, v2); err != nil {
		t.Fatal(err)
	}
	t.Run("OK/NewVersion", func(t *testing.T) {
		if changed, err := server.Refresh(ctx); err != nil || !changed {
			t.Fatalf("Refresh() = %v, %v; want true, nil", changed, err)
		}
		g := MustAcquire(t, server)
		if g.Version() != v2.Version() {
			t.Errorf("serving %s after Refresh, want %s", g.Version(), v2.Version())
		}
		if changed, err := server.Refresh(ctx); err != nil || changed {
			t.Errorf("second Refresh() = %v, %v; want false, nil", changed, err)
		}
	})
	t.Run("OK/PinnedGraphStaysOld", func(t *testing.T) {
		if old.Version() != v1.Version() {
			t.Errorf("pinned graph is %s, want %s", old.Version(), v1.Version())
		}
		if err := CheckVersion(ctx, old, v1, v2); err != nil {
			t.Error(err)
		}
	})
}

// testRacingLoads: two Stores on one spec — two processes: the bolt lock is
// an flock on a file of its own and the PostgreSQL one a session's advisory
// lock, so they exclude each other within one process too — load the same
// dataset at once. Loads are serialised and the second serves what the first
// built: one new generation, and both report the same version.
func testRacingLoads(t *testing.T, b Backend) {
	ctx := context.Background()
	v1, v2 := Fixture(t, "v1"), Fixture(t, "v2")
	spec := b.Spec(t)
	stores := []*store.Store{MustOpen(t, spec, v1), MustOpen(t, spec, v1)}
	versions := make([]string, len(stores))
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Go(func() { versions[i], errs[i] = st.Load(ctx, v2) })
	}
	wg.Wait()
	for i := range stores {
		if errs[i] != nil || versions[i] != v2.Version() {
			t.Errorf("store %d: Load() = %q, %v; want %q", i, versions[i], errs[i], v2.Version())
		}
		g, err := stores[i].Acquire()
		if err != nil {
			t.Fatal(err)
		}
		if g.Version() != v2.Version() {
			t.Errorf("store %d serves %s, want %s", i, g.Version(), v2.Version())
		}
		g.Release()
	}
	if cur, all := b.Generations(t, spec); len(all) != 2 {
		t.Errorf("generations %q (current %s): want the first and one new one", all, cur)
	}
}

// testReopen: a persistent store serves its graph after a restart, and a
// later Open's seed does not replace it.
func testReopen(t *testing.T, b Backend) {
	v1, v2 := Fixture(t, "v1"), Fixture(t, "v2")
	spec := b.Spec(t)
	st := MustOpen(t, spec, v1)
	if _, err := st.Load(context.Background(), v2); err != nil {
		t.Fatal(err)
	}
	st.Close()
	again := MustOpen(t, spec, v1)
	g := MustAcquire(t, again)
	if g.Version() != v2.Version() {
		t.Errorf("reopened store serves %s, want %s", g.Version(), v2.Version())
	}
	if err := CheckVersion(context.Background(), g, v1, v2); err != nil {
		t.Error(err)
	}
	t.Run("ErrEmpty", func(t *testing.T) {
		_, err := store.Open(context.Background(), b.Spec(t), nil)
		if !errors.Is(err, store.ErrEmpty) {
			t.Errorf("Open(empty store, no seed) = %v, want ErrEmpty", err)
		}
	})
}

// dump shows a value for a failure message, through pointers.
func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}
