package graph_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/gqlhttp"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

const base = "http://civicgraph.test"

// MustOpenStore opens a memory store holding the embedded dataset.
func MustOpenStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), "memory", func() (store.Source, error) {
		return loader.Load(data.FS, "data")
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// MustClient returns a gqlgen test client over the real handler and store.
func MustClient(tb testing.TB, st *store.Store) *client.Client {
	tb.Helper()
	return MustClientWait(tb, st, 20*time.Millisecond)
}

// MustClientWait is MustClient with the loaders' batch wait.
func MustClientWait(tb testing.TB, st *store.Store, wait time.Duration) *client.Client {
	tb.Helper()
	return client.New(gqlhttp.NewHandler(gqlhttp.Config{Store: st, IRIs: kg.NewIRIs(base), MaxFirst: 1000, Introspection: true, BatchWait: wait}))
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// query runs q and decodes its data into out; it returns the errors.
func query(tb testing.TB, c *client.Client, q string, out any, opts ...client.Option) []gqlError {
	tb.Helper()
	resp, err := c.RawPost(q, opts...)
	if err != nil {
		tb.Fatalf("post: %v", err)
	}
	var errs []gqlError
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &errs); err != nil {
			tb.Fatalf("errors: %v: %s", err, resp.Errors)
		}
	}
	if out != nil && resp.Data != nil {
		b, _ := json.Marshal(resp.Data)
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("data: %v: %s", err, b)
		}
	}
	return errs
}

func mustQuery(tb testing.TB, c *client.Client, q string, out any, opts ...client.Option) {
	tb.Helper()
	if errs := query(tb, c, q, out, opts...); len(errs) > 0 {
		tb.Fatalf("query failed: %+v", errs)
	}
}

type evidence struct {
	Quote      string
	Start, End int
	Source     struct{ Text string }
}

// The headline question: which honours did 马善祥 receive?
func TestHonoursOfMaShanxiang(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	var resp struct {
		Entity struct {
			Name    string
			Honours []struct {
				Honour       struct{ Name string }
				Time         *string
				TimeInferred bool
				Evidence     []evidence
			}
		}
	}
	mustQuery(t, c, `{ entity(id: "person/ma-shanxiang") { name ... on Person { honours {
		honour { name } time timeInferred evidence { quote start end source { text } } } } } }`, &resp)
	want := map[string]string{
		"全国时代楷模": "", "全国先进工作者": "", "全国敬业奉献模范": "", "全国优秀共产党员": "",
		"改革先锋": "", "最美奋斗者": "", "基层理论宣讲先进个人": "2020",
		"富民兴渝贡献奖特别奖": "2012/2014", "感动重庆十大人物": "2013",
	}
	got := map[string]string{}
	for _, h := range resp.Entity.Honours {
		time := ""
		if h.Time != nil {
			time = *h.Time
		}
		if _, dup := got[h.Honour.Name]; dup {
			t.Errorf("honour %s listed twice", h.Honour.Name)
		}
		got[h.Honour.Name] = time
		if h.TimeInferred {
			t.Errorf("%s: time %s is stated by the source, not inferred", h.Honour.Name, time)
		}
		if len(h.Evidence) == 0 {
			t.Errorf("%s: no evidence", h.Honour.Name)
		}
		for _, ev := range h.Evidence {
			assertQuoteAt(t, ev)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d honours, want %d: %v", len(got), len(want), got)
	}
	for name, time := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("missing honour %s", name)
		case g != time:
			t.Errorf("%s: time %q, want %q", name, g, time)
		}
	}
}

func assertQuoteAt(tb testing.TB, ev evidence) {
	tb.Helper()
	text := []rune(ev.Source.Text)
	if ev.Start < 0 || ev.End > len(text) || ev.Start >= ev.End {
		tb.Errorf("quote %q: offsets [%d,%d) outside the text", ev.Quote, ev.Start, ev.End)
		return
	}
	if got := string(text[ev.Start:ev.End]); got != ev.Quote {
		tb.Errorf("quote %q: text at [%d,%d) is %q", ev.Quote, ev.Start, ev.End, got)
	}
}

func TestEntity(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, id, want string
	}{
		{"OK", "person/ma-shanxiang", "马善祥"},
		{"OKByIRI", base + "/id/person/ma-shanxiang", "马善祥"},
		{"OKPlace", "place/hongtudi-shequ", "红土地社区"},
		{"ErrUnknownID", "person/nobody", ""},
		{"ErrMalformedID", "not an id", ""},
		{"ErrForeignIRI", "http://elsewhere.example/id/person/ma-shanxiang", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Entity *struct{ Name, Iri, Type string }
			}
			mustQuery(t, c, `query($id: ID!) { entity(id: $id) { name iri type } }`, &resp, client.Var("id", tt.id))
			if tt.want == "" {
				if resp.Entity != nil {
					t.Fatalf("got %+v, want null", resp.Entity)
				}
				return
			}
			if resp.Entity == nil || resp.Entity.Name != tt.want {
				t.Fatalf("got %+v, want %s", resp.Entity, tt.want)
			}
			if !strings.HasPrefix(resp.Entity.Iri, base+"/id/") {
				t.Errorf("iri %s not under %s/id/", resp.Entity.Iri, base)
			}
		})
	}
}

func TestPlaces(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	var resp struct {
		Hongtudi struct {
			ContainedIn *struct{ Name string }
			Residents   []struct{ Name string }
		}
		Wulidian struct {
			ContainedIn *struct{ Name string }
			Contains    []struct{ ID, Name string }
		}
	}
	mustQuery(t, c, `{
		hongtudi: entity(id: "place/hongtudi-shequ") { ... on Place { containedIn { name } residents { name } } }
		wulidian: entity(id: "place/wulidian-jiedao") { ... on Place { containedIn { name } contains { id name } } }
	}`, &resp)
	if resp.Hongtudi.ContainedIn == nil || resp.Hongtudi.ContainedIn.Name != "五里店街道" {
		t.Errorf("红土地社区 containedIn = %+v, want 五里店街道", resp.Hongtudi.ContainedIn)
	}
	if !hasName(resp.Hongtudi.Residents, "陈远秀") {
		t.Errorf("红土地社区 residents = %+v, want 陈远秀 among them", resp.Hongtudi.Residents)
	}
	if resp.Wulidian.ContainedIn == nil || resp.Wulidian.ContainedIn.Name != "江北区" {
		t.Errorf("五里店街道 containedIn = %+v, want 江北区", resp.Wulidian.ContainedIn)
	}
	var contains []struct{ Name string }
	for _, e := range resp.Wulidian.Contains {
		contains = append(contains, struct{ Name string }{e.Name})
	}
	if !hasName(contains, "红土地社区") || !hasName(contains, "渝能阳光社区") {
		t.Errorf("五里店街道 contains = %+v, want 红土地社区 and 渝能阳光社区", contains)
	}
}

func hasName(list []struct{ Name string }, name string) bool {
	for _, e := range list {
		if e.Name == name {
			return true
		}
	}
	return false
}

type relation struct {
	Predicate, PredicateIri, Cursor, Label, LabelEn, Direction string
	Target                                                     struct{ ID, Name string }
	Qualifiers                                                 []struct {
		Key, Value string
		Inferred   bool
	}
	Evidence []evidence
}

const relationFields = `predicate predicateIri cursor label labelEn direction target { id name }
	qualifiers { key value inferred } evidence { quote start end source { text } }`

func TestRelations(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	all := func(t *testing.T, args string) ([]relation, int) {
		var resp struct {
			Entity struct {
				Relations     []relation
				RelationCount int
			}
		}
		mustQuery(t, c, `{ entity(id: "person/ma-shanxiang") { relations(`+args+`) { `+relationFields+` } relationCount`+countArgs(args)+` } }`, &resp)
		return resp.Entity.Relations, resp.Entity.RelationCount
	}
	t.Run("OKBoth", func(t *testing.T) {
		rels, n := all(t, "first: 1000")
		if len(rels) != n || n < 9 {
			t.Fatalf("%d relations, relationCount %d; want equal and at least the nine honours", len(rels), n)
		}
		for _, r := range rels {
			if r.PredicateIri != base+"/vocab/"+r.Predicate {
				t.Errorf("predicateIri %s for %s", r.PredicateIri, r.Predicate)
			}
			if len(r.Evidence) == 0 {
				t.Errorf("%s → %s: no evidence", r.Predicate, r.Target.ID)
			}
			for _, ev := range r.Evidence {
				assertQuoteAt(t, ev)
			}
		}
		// The documented order: by predicate, then OUT before IN.
		if !sort.SliceIsSorted(rels, func(i, j int) bool {
			if rels[i].Predicate != rels[j].Predicate {
				return rels[i].Predicate < rels[j].Predicate
			}
			return rels[i].Direction == "OUT" && rels[j].Direction == "IN"
		}) {
			t.Errorf("relations not in documented order")
		}
	})
	t.Run("OKPredicateByNameAndIRI", func(t *testing.T) {
		byName, n := all(t, `predicate: "award"`)
		byIRI, _ := all(t, `predicate: "`+base+`/vocab/award"`)
		if len(byName) != 9 || n != 9 || len(byIRI) != 9 {
			t.Fatalf("award relations: by name %d (count %d), by IRI %d; want 9", len(byName), n, len(byIRI))
		}
		for _, r := range byName {
			if r.Label != "获得荣誉" || r.LabelEn != "award received" || r.Direction != "OUT" {
				t.Errorf("award relation labelled %s/%s %s", r.Label, r.LabelEn, r.Direction)
			}
		}
	})
	t.Run("OKInverseLabel", func(t *testing.T) {
		var resp struct {
			Entity struct{ Relations []relation }
		}
		mustQuery(t, c, `{ entity(id: "honour/gaige-xianfeng") { relations(predicate: "award", direction: IN) { `+relationFields+` } } }`, &resp)
		if len(resp.Entity.Relations) == 0 {
			t.Fatal("改革先锋 has no IN award relations")
		}
		r := resp.Entity.Relations[0]
		if r.Direction != "IN" || r.Label != "获奖者" || r.LabelEn != "awarded to" || r.Target.ID != "person/ma-shanxiang" {
			t.Errorf("got %s %s/%s → %s", r.Direction, r.Label, r.LabelEn, r.Target.ID)
		}
	})
	t.Run("OKPaging", func(t *testing.T) {
		full, _ := all(t, "first: 1000")
		var paged []relation
		after := ""
		for i := 0; i < 100; i++ {
			args := "first: 2"
			if after != "" {
				args += `, after: "` + after + `"`
			}
			page, _ := all(t, args)
			paged = append(paged, page...)
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1].Cursor
		}
		if len(paged) != len(full) {
			t.Fatalf("paged %d relations, want %d", len(paged), len(full))
		}
		for i := range full {
			if paged[i].Cursor != full[i].Cursor {
				t.Fatalf("page item %d is %s, want %s", i, paged[i].Cursor, full[i].Cursor)
			}
		}
	})
	errTests := []struct{ name, args, code string }{
		{"ErrUnknownPredicate", `predicate: "likes"`, "BAD_USER_INPUT"},
		{"ErrUnknownCursor", `after: "bm9wZQ"`, "BAD_USER_INPUT"},
		{"ErrNegativeFirst", `first: -1`, "BAD_USER_INPUT"},
		{"ErrFirstAboveMax", `first: 1001`, "LIMIT_EXCEEDED"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			errs := query(t, c, `{ entity(id: "person/ma-shanxiang") { relations(`+tt.args+`) { predicate } } }`, nil)
			assertCode(t, errs, tt.code)
		})
	}
}

func countArgs(args string) string {
	if strings.HasPrefix(args, "predicate") {
		return "(" + args + ")"
	}
	return ""
}

func assertCode(tb testing.TB, errs []gqlError, code string) {
	tb.Helper()
	if len(errs) == 0 {
		tb.Fatalf("no error, want %s", code)
	}
	if got := errs[0].Extensions["code"]; got != code {
		tb.Fatalf("code %v (%s), want %s", got, errs[0].Message, code)
	}
}

func TestSearch(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, text, types, wantID, wantHow string
	}{
		{"OKExact", "马善祥", "", "person/ma-shanxiang", "EXACT"},
		{"OKAlias", "老马", "", "person/ma-shanxiang", "ALIAS"},
		{"OKTypes", "马善祥", "[PERSON]", "person/ma-shanxiang", "EXACT"},
		{"OKSubstring", "金融博物馆", "", "organization/chongqing-jinrong-bowuguan", "SUBSTRING"},
		{"OKPinyinSpaced", "ma shanxiang", "", "person/ma-shanxiang", "PINYIN"},
		{"OKPinyinJoined", "mashanxiang", "", "person/ma-shanxiang", "PINYIN"},
		{"OKPinyinInitials", "msx", "[PERSON]", "person/ma-shanxiang", "PINYIN"},
		{"OKTypo", "马善详", "", "person/ma-shanxiang", "FUZZY"},
		{"OKPolyphone", "chongqing", "[PLACE]", "place/chongqing-shi", "PINYIN"},
		{"OKKindFilter", "长安", "[HONOUR]", "honour/changan-bei", "PREFIX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Search []struct {
					Entity  struct{ ID string }
					Score   float64
					Matched string
					How     string
				}
			}
			types := ""
			if tt.types != "" {
				types = ", types: " + tt.types
			}
			mustQuery(t, c, `query($t: String!) { search(text: $t`+types+`) { entity { id } score matched how } }`, &resp, client.Var("t", tt.text))
			if len(resp.Search) == 0 {
				t.Fatalf("no hits for %s", tt.text)
			}
			top := resp.Search[0]
			if top.Entity.ID != tt.wantID || top.How != tt.wantHow {
				t.Errorf("top hit %s %s (matched %s), want %s %s", top.Entity.ID, top.How, top.Matched, tt.wantID, tt.wantHow)
			}
		})
	}
	t.Run("OKAmbiguous", func(t *testing.T) {
		var resp struct {
			Search []struct{ Entity struct{ ID string } }
		}
		mustQuery(t, c, `{ search(text: "长安") { entity { id } } }`, &resp)
		got := map[string]bool{}
		for _, h := range resp.Search {
			got[h.Entity.ID] = true
		}
		for _, id := range []string{"company/chongqing-changan-qiche-gufen-youxian-gongsi", "honour/changan-bei", "organization/changan-quanqiu-yanfa-zhongxin"} {
			if !got[id] {
				t.Errorf("长安 does not find %s: %v", id, got)
			}
		}
	})
	t.Run("ErrLongText", func(t *testing.T) {
		assertCode(t, query(t, c, `query($t: String!) { search(text: $t) { how } }`, nil, client.Var("t", strings.Repeat("马", 10000))), "BAD_USER_INPUT")
	})
	t.Run("ErrControlCharacters", func(t *testing.T) {
		assertCode(t, query(t, c, `query($t: String!) { search(text: $t) { how } }`, nil, client.Var("t", "马\u0007")), "BAD_USER_INPUT")
	})
	t.Run("ErrEmptyText", func(t *testing.T) {
		assertCode(t, query(t, c, `{ search(text: "  ") { how } }`, nil), "BAD_USER_INPUT")
	})
	t.Run("ErrTypesFilter", func(t *testing.T) {
		var resp struct{ Search []struct{ How string } }
		mustQuery(t, c, `{ search(text: "马善祥", types: [COMPANY]) { how } }`, &resp)
		for _, h := range resp.Search {
			if h.How == "EXACT" {
				t.Errorf("a company matched 马善祥 exactly")
			}
		}
	})
}

func TestEntities(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	type page struct {
		Entities struct {
			TotalCount  int
			HasNextPage bool
			EndCursor   *string
			Edges       []struct {
				Cursor string
				Node   struct{ ID, Type string }
			}
		}
	}
	var seen []string
	var after *string
	total := -1
	for i := 0; i < 100; i++ {
		var resp page
		opts := []client.Option{}
		q := `query($after: String) { entities(type: PERSON, first: 2, after: $after) { totalCount hasNextPage endCursor edges { cursor node { id type } } } }`
		if after != nil {
			opts = append(opts, client.Var("after", *after))
		}
		mustQuery(t, c, q, &resp, opts...)
		total = resp.Entities.TotalCount
		for _, e := range resp.Entities.Edges {
			if e.Node.Type != "PERSON" {
				t.Errorf("%s has type %s", e.Node.ID, e.Node.Type)
			}
			seen = append(seen, e.Node.ID)
		}
		if !resp.Entities.HasNextPage {
			break
		}
		after = resp.Entities.EndCursor
	}
	if len(seen) != total || total < 5 {
		t.Fatalf("paged %d people, totalCount %d; want equal and at least the five people", len(seen), total)
	}
	if !sort.StringsAreSorted(seen) {
		t.Errorf("entities not in id order: %v", seen)
	}
}

func TestSource(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	var resp struct {
		Sources []struct {
			ID, Iri, Title, Language, Text string
			Publisher, Date                *string
		}
	}
	mustQuery(t, c, `{ sources { id iri title publisher date language text } }`, &resp)
	if len(resp.Sources) != 1 {
		t.Fatalf("%d sources, want 1", len(resp.Sources))
	}
	s := resp.Sources[0]
	if s.ID != "source/jiangbei-2021-05" || s.Publisher == nil || *s.Publisher != "江北区委宣传部" || s.Language != "zh" {
		t.Errorf("source %+v", s)
	}
	for _, bad := range []string{"13251325", "亿元亿元", "%%"} {
		if strings.Contains(s.Text, bad) {
			t.Errorf("source text is not normalised: contains %s", bad)
		}
	}
}

// TestNoNPlusOne catches a resolver reading the store once per list item:
// the store calls of a query must not grow with the number of entities it
// walks.
func TestNoNPlusOne(t *testing.T) {
	st := MustOpenStore(t)
	// A wait far longer than a level takes to gather its keys, even on a
	// busy machine, keeps the counts exact; the batching is the same at
	// any wait.
	c := MustClientWait(t, st, 250*time.Millisecond)
	// What a query costs the store: its batch reads (calls) and the Cayley
	// queries they ran, one per level of each read.
	type cost struct{ calls, queries int64 }
	measure := func(q string) cost {
		g, err := st.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		defer g.Release()
		calls, queries := g.Calls(), g.Queries()
		mustQuery(t, c, q, nil)
		return cost{g.Calls() - calls, g.Queries() - queries}
	}
	walk := `relations { target { name relations { target { name } } } } figures { indicator evidence { source { id } } }`
	small := measure(`{ entities(first: 2) { edges { node { ` + walk + ` } } } }`)
	large := measure(`{ entities(first: 1000) { edges { node { ` + walk + ` } } } }`)
	t.Logf("two entities: %d store calls, %d Cayley queries; all entities: %d, %d", small.calls, small.queries, large.calls, large.queries)
	// The most levels one read runs: Edges' relations by subject and by
	// object, statements and evidence (the other ends are a call of their
	// own).
	const levels = 4
	tests := []struct {
		name      string
		got, want int64
	}{
		// One call per level of the query, whatever its width; a little
		// slack for a level whose keys arrive in two batches.
		{"OKStoreCalls", large.calls, small.calls + 2},
		// One Cayley query per level of each read, never one per id.
		{"OKCayleyQueriesPerCall/Two", small.queries, levels * small.calls},
		{"OKCayleyQueriesPerCall/All", large.queries, levels * large.calls},
		// All entities cost no more queries than two, but for the reads
		// of the batches they may add.
		{"OKCayleyQueries", large.queries, small.queries + levels*max(0, large.calls-small.calls)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got > tt.want {
				t.Errorf("%d, want at most %d: reads are not batched", tt.got, tt.want)
			}
		})
	}
}

// TestContract pins the names outside tools rely on: every type, field,
// argument, default and enum value of testdata/contract.graphqls must stay
// in schema.graphqls with the same type.
func TestContract(t *testing.T) {
	src, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	csrc, err := os.ReadFile("testdata/contract.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	contract, gerr := parser.ParseSchema(&ast.Source{Name: "contract.graphqls", Input: string(csrc)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	for _, want := range contract.Definitions {
		got := schema.Types[want.Name]
		if got == nil {
			t.Errorf("type %s is missing", want.Name)
			continue
		}
		if got.Kind != want.Kind {
			t.Errorf("%s is a %s, want %s", want.Name, got.Kind, want.Kind)
		}
		for _, iface := range want.Interfaces {
			if !slices.Contains(got.Interfaces, iface) {
				t.Errorf("%s does not implement %s", want.Name, iface)
			}
		}
		for _, v := range want.EnumValues {
			if got.EnumValues.ForName(v.Name) == nil {
				t.Errorf("enum value %s.%s is missing", want.Name, v.Name)
			}
		}
		for _, wf := range want.Fields {
			gf := got.Fields.ForName(wf.Name)
			if gf == nil {
				t.Errorf("field %s.%s is missing", want.Name, wf.Name)
				continue
			}
			if gf.Type.String() != wf.Type.String() {
				t.Errorf("%s.%s: type %s, want %s", want.Name, wf.Name, gf.Type, wf.Type)
			}
			for _, wa := range wf.Arguments {
				ga := gf.Arguments.ForName(wa.Name)
				switch {
				case ga == nil:
					t.Errorf("argument %s.%s(%s) is missing", want.Name, wf.Name, wa.Name)
				case ga.Type.String() != wa.Type.String():
					t.Errorf("%s.%s(%s): type %s, want %s", want.Name, wf.Name, wa.Name, ga.Type, wa.Type)
				case (ga.DefaultValue == nil) != (wa.DefaultValue == nil) ||
					ga.DefaultValue != nil && ga.DefaultValue.String() != wa.DefaultValue.String():
					t.Errorf("%s.%s(%s): default %v, want %v", want.Name, wf.Name, wa.Name, ga.DefaultValue, wa.DefaultValue)
				}
			}
		}
	}
}

// Every type and field carries a description, so the playground's docs
// explain the graph.
func TestSchemaDescribed(t *testing.T) {
	src, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	for name, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if def.Description == "" {
			t.Errorf("type %s has no description", name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			// Introspection shows each field's own description: one
			// inherited from an interface is not shown, so none counts.
			if f.Description == "" {
				t.Errorf("field %s.%s has no description", name, f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					t.Errorf("argument %s.%s(%s) has no description", name, f.Name, a.Name)
				}
			}
		}
		for _, v := range def.EnumValues {
			if v.Description == "" {
				t.Errorf("enum value %s.%s has no description", name, v.Name)
			}
		}
	}
}

// "What figures does the page give for 江北区 in 2020?"
func TestFiguresByPeriod(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, period, want string
	}{
		{"OKYear", "2020", "1325亿元"},
		{"OKYearHoldsQuarter", "2021", "351.92亿元"},
		{"OKInterval", "2021-01/2021-03", "351.92亿元"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Entity struct {
					Figures []struct{ Stated, Period string }
				}
			}
			mustQuery(t, c, `query($p: String) { entity(id: "place/jiangbei-qu") { figures(period: $p) { stated period } } }`, &resp, client.Var("p", tt.period))
			found := false
			for _, f := range resp.Entity.Figures {
				if !strings.HasPrefix(f.Period, tt.period) {
					t.Errorf("figure %s of period %s listed for %s", f.Stated, f.Period, tt.period)
				}
				found = found || strings.Contains(f.Stated, tt.want)
			}
			if !found {
				t.Errorf("no figure %s for %s among %+v", tt.want, tt.period, resp.Entity.Figures)
			}
		})
	}
	t.Run("ErrBadPeriod", func(t *testing.T) {
		assertCode(t, query(t, c, `{ entity(id: "place/jiangbei-qu") { figures(period: "last year") { stated } } }`, nil), "BAD_USER_INPUT")
	})
}
