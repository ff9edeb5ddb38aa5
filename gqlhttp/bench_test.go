package gqlhttp

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// BenchmarkParseValidate is what a new document costs before any limit
// but the token and field limits can be checked: parsing and validating it,
// with this package's rules and with gqlparser's, for n repeated fields
// (`{ graphVersion graphVersion … }`), n aliases (`{ a0: graphVersion
// a1: graphVersion … }`) and n repeated fields with a selection
// (`{ entity(id: "x") { name } … }`), up to 3,000 (limits raised: 3,000 is
// over the default -max-fields). Each size is about 3× the one before:
// with a linear cost each time is about 3× the one before too.
func BenchmarkParseValidate(b *testing.B) {
	schema := graph.NewExecutableSchema(&graph.Resolver{MaxFirst: 1000}).Schema()
	shapes := []struct {
		name  string
		query func(n int) string
	}{
		{"fields", func(n int) string { return "{" + strings.Repeat(" graphVersion", n) + " }" }},
		{"aliases", func(n int) string { return "{" + aliases(n, "graphVersion") + " }" }},
		{"subfields", func(n int) string { return "{" + strings.Repeat(` entity(id: "x") { name }`, n/2) + " }" }},
	}
	ruleSets := []struct {
		name  string
		rules func() *rules.Rules
	}{
		{"linear", ValidationRules},
		{"gqlparser", rules.NewDefaultRules},
	}
	for _, rs := range ruleSets {
		for _, shape := range shapes {
			for _, n := range []int{100, 300, 1000, 3000} {
				query := shape.query(n)
				b.Run(fmt.Sprintf("rules=%s/shape=%s/n=%d", rs.name, shape.name, n), func(b *testing.B) {
					for b.Loop() {
						doc, err := parser.ParseQuery(&ast.Source{Input: query})
						if err != nil {
							b.Fatal(err)
						}
						if errs := validator.ValidateWithRules(schema, doc, rs.rules()); len(errs) > 0 {
							b.Fatal(errs)
						}
					}
				})
			}
		}
	}
}

// BenchmarkParseValidateTypes is the worst document known for the rule:
// at each of d levels a subtree under an interface and another under one
// of its implementations, all different, so that no two can be merged or
// skipped and each must be compared with each (n selections, about 2^d·4).
// Telling whether any pair of those conflicts is as hard as the orthogonal
// vectors problem, so no rule is linear here: the cost grows about as n²,
// like gqlparser's, and the field limit bounds it.
func BenchmarkParseValidateTypes(b *testing.B) {
	schema := graph.NewExecutableSchema(&graph.Resolver{MaxFirst: 1000}).Schema()
	for _, d := range []int{6, 7, 8} {
		leaf := 0
		var level func(d int) string
		level = func(d int) string {
			if d == 0 {
				leaf++
				return fmt.Sprintf("n%d: name", leaf)
			}
			return "relations { target { ... on Person { " + level(d-1) + " } " + level(d-1) + " } }"
		}
		query := `{ entity(id: "x") { ` + level(d) + ` } }`
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			b.Fatal(err)
		}
		n := CountSelections(doc)
		for _, rs := range []struct {
			name  string
			rules func() *rules.Rules
		}{{"linear", ValidationRules}, {"gqlparser", rules.NewDefaultRules}} {
			b.Run(fmt.Sprintf("rules=%s/n=%d", rs.name, n), func(b *testing.B) {
				for b.Loop() {
					doc, err := parser.ParseQuery(&ast.Source{Input: query})
					if err != nil {
						b.Fatal(err)
					}
					if errs := validator.ValidateWithRules(schema, doc, rs.rules()); len(errs) > 0 {
						b.Fatal(errs)
					}
				}
			})
		}
	}
}

// BenchmarkCountSelections is the field limit's cost: linear, and a small
// part of parsing.
func BenchmarkCountSelections(b *testing.B) {
	for _, n := range []int{100, 1000, 3000} {
		doc, err := parser.ParseQuery(&ast.Source{Input: "{" + strings.Repeat(" graphVersion", n) + " }"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				CountSelections(doc)
			}
		})
	}
}

// BenchmarkResponseCache is one GET /graphql of the honours query with
// evidence through the handler: answered from the response cache (hit);
// executed, then kept (miss: each request reaches another host, so none
// repeats); and executed with the response cache off. The store keeps the
// dataset with its entity cache on, as the server does by default, so the
// misses cost GraphQL's execution rather than store reads.
//
//	go test -run '^$' -bench ResponseCache -count 6 ./gqlhttp
func BenchmarkResponseCache(b *testing.B) {
	st, err := store.OpenWith(context.Background(), "memory", func() (store.Source, error) {
		return loader.Load(data.FS, "data")
	}, store.Options{CacheEntries: 100000})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	target := "/graphql?" + url.Values{
		"query":     {`query($id:ID!){entity(id:$id){id name ... on Person{honours{time honour{id name} evidence{quote start end}}}}}`},
		"variables": {`{"id":"person/ma-shanxiang"}`},
	}.Encode()
	for _, c := range []struct {
		name     string
		cache    int64
		manyHost bool
	}{{"hit", 32 << 20, false}, {"miss", 32 << 20, true}, {"off", 0, false}} {
		b.Run(c.name, func(b *testing.B) {
			h := NewHandler(Config{
				Store: st, IRIs: kg.NewIRIs("http://civicgraph.test"), MaxFirst: 1000, Introspection: true,
				Limits:        Limits{MaxFields: 1000, MaxDepth: 12, MaxComplexity: 50000, MaxAliases: 30, MaxTokens: 10000},
				ResponseCache: c.cache, MaxAge: time.Minute,
			})
			req := httptest.NewRequest(http.MethodGet, target, nil)
			w := &discardWriter{header: http.Header{}}
			i := 0
			serve := func() {
				r := req
				if c.manyHost {
					r = req.Clone(req.Context())
					r.Host = fmt.Sprintf("h%d.civicgraph.test", i)
					i++
				}
				clear(w.header)
				w.status, w.n = 0, 0
				h.ServeHTTP(w, r)
				if w.status != http.StatusOK || w.n < 1000 {
					b.Fatalf("status %d, %d bytes", w.status, w.n)
				}
			}
			serve() // fills the entity cache, and the response cache for "hit"
			for b.Loop() {
				serve()
			}
			if s, _ := h.CacheStats(); c.name == "hit" && s.Misses != 1 || c.name == "miss" && s.Hits != 0 {
				b.Fatalf("%s: stats %+v", c.name, s)
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps the status and size only, so
// that a benchmark measures the handler rather than a recorder.
type discardWriter struct {
	header http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(b)
	return len(b), nil
}
