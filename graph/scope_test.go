package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// MustGraph opens a memory store of the embedded dataset with opts and
// returns its graph.
func MustGraph(tb testing.TB, opts store.Options) *store.Graph {
	tb.Helper()
	st, err := store.OpenWith(context.Background(), "memory", func() (store.Source, error) { return loader.Load(data.FS, "data") }, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	g, err := st.Acquire()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(g.Release)
	return g
}

// scopeServer runs the schema over g and keeps the scope of the last
// request, to see which loaders it made.
type scopeServer struct {
	g    *store.Graph
	h    http.Handler
	last *scope
}

func newScopeServer(g *store.Graph) *scopeServer {
	srv := handler.New(NewExecutableSchema(&Resolver{IRIs: kg.NewIRIs("http://civicgraph.test"), MaxFirst: 1000}))
	srv.AddTransport(transport.POST{})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		e := graphql.DefaultErrorPresenter(ctx, err)
		if ge, ok := errors.AsType[*Error](err); ok {
			e.Extensions = map[string]any{"code": string(ge.Code)}
		}
		return e
	})
	return &scopeServer{g: g, h: srv}
}

// MustQuery runs q and returns its data and error codes; the batch wait is
// long, so that a read that waits shows as a dataloader made.
func (s *scopeServer) MustQuery(tb testing.TB, q string) (data map[string]any, codes []string) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": q})
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	ctx := WithGraph(r.Context(), s.g, 50*time.Millisecond)
	s.last, _ = scopeOf(ctx)
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r.WithContext(ctx))
	var resp struct {
		Data   map[string]any
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		tb.Fatalf("%v: %s", err, w.Body.Bytes())
	}
	for _, e := range resp.Errors {
		codes = append(codes, e.Extensions.Code)
	}
	return resp.Data, codes
}

// waited lists the kinds whose reads went through a waiting dataloader.
func (s *scope) waited() []string {
	var kinds []string
	for _, l := range []struct {
		kind string
		made bool
	}{
		{"entities", s.entities.batched != nil},
		{"edges", s.edges.batched != nil},
		{"figures", s.figures.batched != nil},
		{"sources", s.sources.batched != nil},
		{"linked", s.linked.batched != nil},
	} {
		if l.made {
			kinds = append(kinds, l.kind)
		}
	}
	return kinds
}

// TestReadsWait: a field that can have no sibling reads at once, without
// waiting for a batch to fill; the fields of list items, and of one of
// several root fields, wait for their siblings.
func TestReadsWait(t *testing.T) {
	srv := newScopeServer(MustGraph(t, store.Options{}))
	tests := []struct {
		name, query string
		waited      string // the kinds read through a dataloader
		has         string // in the answer
		code        string // the error's code, if one is expected
	}{
		{"OKHonours", `{ entity(id: "person/ma-shanxiang") { name ... on Person { honours { time honour { id name } evidence { quote start end } } } } }`, "", "全国时代楷模", ""},
		{"OKRelationTargets", `{ entity(id: "place/hongtudi-shequ") { relations { label target { name } } } }`, "", "陈远秀", ""},
		{"OKSearchHits", `{ search(text: "老马") { entity { name } } }`, "", "马善祥", ""},
		{"OKSingleObjects", `{ entity(id: "place/hongtudi-shequ") { ... on Place { containedIn { name containedIn { name relationCount } } } } }`, "", "五里店街道", ""},
		{"OKRelatedList", `{ entity(id: "place/wulidian-jiedao") { ... on Place { contains { name } } } }`, "", "红土地社区", ""},
		{"OKListItemsWait", `{ entities(type: PERSON, first: 3) { edges { node { name relationCount } } } }`, "edges", "node", ""},
		{"OKListTargetsFromEdges", `{ entity(id: "person/ma-shanxiang") { relations(first: 3) { target { relations(first: 1) { target { name } } } } } }`, "edges", "name", ""},
		{"OKListTargetsWait", `{ entity(id: "person/ma-shanxiang") { relations(first: 3) { target { relations(first: 1) { target { aliases } } } } } }`, "entities edges", "aliases", ""},
		{"OKSourcesWait", `{ entity(id: "person/ma-shanxiang") { ... on Person { honours { evidence { source { id } } } } } }`, "sources", "source/jiangbei-2021-05", ""},
		{"OKBesideRootFieldsThatReadNothing", `{ graphVersion vocabulary { name } entity(id: "person/ma-shanxiang") { name relations(first: 2) { target { name } } } }`, "", "马善祥", ""},
		{"OKTwoRootFieldsWait", `{ a: entity(id: "person/ma-shanxiang") { name } b: entity(id: "place/jiangbei-qu") { name } }`, "entities", "江北区", ""},
		{"ErrUnknownPredicate", `{ entity(id: "person/ma-shanxiang") { relations(predicate: "nope") { label } } }`, "", "", "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, codes := srv.MustQuery(t, tt.query)
			if got := strings.Join(codes, " "); got != tt.code {
				t.Fatalf("error codes %q, want %q", got, tt.code)
			}
			if got := strings.Join(srv.last.waited(), " "); got != tt.waited {
				t.Errorf("waited for %q, want %q", got, tt.waited)
			}
			b, _ := json.Marshal(data)
			if !strings.Contains(string(b), tt.has) {
				t.Errorf("answer lacks %q: %s", tt.has, b)
			}
		})
	}
}

// TestBatchLoader: a read with no siblings is made at once, the others
// wait for theirs in a dataloader; either way a key is read once.
func TestBatchLoader(t *testing.T) {
	root := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
		Operation: &ast.OperationDefinition{SelectionSet: ast.SelectionSet{&ast.Field{Name: "entity"}}},
	})
	item := 0
	inList := graphql.WithFieldContext(root, &graphql.FieldContext{Index: &item})
	type load struct {
		ctx  context.Context
		keys []string
	}
	tests := []struct {
		name   string
		loads  []load
		reads  string // the keys of each read, reads apart by |
		waited bool   // whether a dataloader was made
		err    string
	}{
		{"OKAlone", []load{{root, []string{"a", "b"}}, {root, []string{"c"}}}, "a b|c", false, ""},
		{"OKOutsideAnOperation", []load{{context.Background(), []string{"a"}}}, "a", false, ""},
		{"OKListItem", []load{{inList, []string{"a", "b"}}}, "a b", true, ""},
		{"OKReadOnce", []load{{root, []string{"a", "b"}}, {inList, []string{"b", "c"}}, {inList, []string{"a"}}}, "a b|c", true, ""},
		{"OKReadOnceAfterTheLoader", []load{{inList, []string{"c"}}, {root, []string{"a"}}, {inList, []string{"a", "c"}}}, "c|a", true, ""},
		{"ErrRead", []load{{root, []string{"a", "bad"}}}, "a bad", false, "no such key bad"},
		{"ErrReadInList", []load{{inList, []string{"bad"}}}, "bad", true, "no such key bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var reads []string
			var l batchLoader[string]
			l.init(func(_ context.Context, keys []string) ([]string, error) {
				mu.Lock()
				reads = append(reads, strings.Join(keys, " "))
				mu.Unlock()
				if slices.Contains(keys, "bad") {
					return nil, errors.New("no such key bad")
				}
				vs := make([]string, len(keys))
				for i, k := range keys {
					vs[i] = "value of " + k
				}
				return vs, nil
			}, time.Millisecond)
			var err error
			for _, ld := range tt.loads {
				var vs []string
				if vs, err = l.LoadAll(ld.ctx, ld.keys); err != nil {
					break
				}
				for i, k := range ld.keys {
					if vs[i] != "value of "+k {
						t.Errorf("%s: got %q", k, vs[i])
					}
				}
			}
			if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
			if got := strings.Join(reads, "|"); got != tt.reads {
				t.Errorf("reads %q, want %q", got, tt.reads)
			}
			if got := l.batched != nil; got != tt.waited {
				t.Errorf("dataloader made: %v, want %v", got, tt.waited)
			}
		})
	}
}

// TestStubs: an entity at the other end of an edge is made from the edge
// unless the query asks for its attributes, which take a read.
func TestStubs(t *testing.T) {
	g := MustGraph(t, store.Options{})
	srv := newScopeServer(g)
	calls := func(q string) (int64, string) {
		before := g.Calls()
		data, codes := srv.MustQuery(t, q)
		if len(codes) > 0 {
			t.Fatalf("errors %v", codes)
		}
		b, _ := json.Marshal(data)
		return g.Calls() - before, string(b)
	}
	tests := []struct {
		name           string
		stub, entity   string // a query answered by stubs, and one asking the attributes
		has, attribute string
	}{
		{
			"OKRelationTargets",
			`{ entity(id: "place/hongtudi-shequ") { relations { target { id name type iri __typename } } } }`,
			`{ entity(id: "place/hongtudi-shequ") { relations { target { id name type iri __typename description } } } }`,
			"陈远秀", "description",
		},
		{
			"OKHonours",
			`{ entity(id: "person/ma-shanxiang") { ... on Person { honours { honour { name } } } } }`,
			`{ entity(id: "person/ma-shanxiang") { ... on Person { honours { honour { name category } } } } }`,
			"改革先锋", "category",
		},
		{
			"OKRelatedList",
			`{ entity(id: "place/wulidian-jiedao") { ... on Place { contains { name } } } }`,
			`{ entity(id: "place/wulidian-jiedao") { ... on Place { contains { name ... on Place { pinyin } } } } }`,
			"红土地社区", "pinyin",
		},
		{
			"OKRelatedPlace",
			`{ entity(id: "place/hongtudi-shequ") { ... on Place { containedIn { name } } } }`,
			`{ entity(id: "place/hongtudi-shequ") { ... on Place { containedIn { name identifiers { value } } } } }`,
			"五里店街道", "identifiers",
		},
		{
			"OKAttributeUnderAnAlias",
			`{ entity(id: "place/hongtudi-shequ") { relations { target { name } } } }`,
			`{ entity(id: "place/hongtudi-shequ") { relations { target { name } t: target { aliases } } } }`,
			"陈远秀", "aliases",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stubCalls, stubAnswer := calls(tt.stub)
			entityCalls, entityAnswer := calls(tt.entity)
			if entityCalls != stubCalls+1 {
				t.Errorf("%d store calls with the attribute, %d without: want one more read", entityCalls, stubCalls)
			}
			for _, answer := range []string{stubAnswer, entityAnswer} {
				if !strings.Contains(answer, tt.has) {
					t.Errorf("answer lacks %q: %s", tt.has, answer)
				}
			}
			if !strings.Contains(entityAnswer, `"`+tt.attribute+`"`) {
				t.Errorf("answer lacks %q: %s", tt.attribute, entityAnswer)
			}
		})
	}
}

// TestEdgesShared: edges returns a run of the list the read layer shares
// between requests, uncopied; appending to the run must not write into
// that list.
func TestEdgesShared(t *testing.T) {
	g := MustGraph(t, store.Options{CacheEntries: 1000})
	r := &Resolver{IRIs: kg.NewIRIs("http://civicgraph.test"), MaxFirst: 1000}
	ctx := WithGraph(context.Background(), g, 0)
	statements := func(id string) []string {
		all, err := r.edges(ctx, id, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(all))
		for i, e := range all {
			out[i] = e.Statement
		}
		return out
	}
	tests := []struct {
		name, id, predicate string
		dir                 model.Direction
	}{
		{"OKAward", "person/ma-shanxiang", "award", model.DirectionOut},
		{"OKContainedIn", "place/wulidian-jiedao", "containedInPlace", model.DirectionIn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := statements(tt.id)
			run, err := r.edgesOf(ctx, tt.id, tt.predicate, tt.dir)
			if err != nil || len(run) == 0 || len(run) == len(want) {
				t.Fatalf("edges: %v, %d of %d", err, len(run), len(want))
			}
			_ = append(run, run[0])
			if got := statements(tt.id); !slices.Equal(got, want) {
				t.Errorf("the shared list changed:\n got %v\nwant %v", got, want)
			}
		})
	}
}
