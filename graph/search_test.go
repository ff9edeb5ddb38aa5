package graph

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

// searchScope is a request context over the embedded dataset in a memory
// store, as the handler makes one: what the search resolver reads.
func searchScope(t *testing.T) context.Context {
	t.Helper()
	st, err := store.Open(context.Background(), "memory", func() (store.Source, error) { return loader.Load(data.FS, "data") })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Release)
	return WithGraph(context.Background(), g, 0)
}

// TestSearchResolver: hits map to the API's types, and bad text and page
// sizes are the documented error codes.
func TestSearchResolver(t *testing.T) {
	ctx := searchScope(t)
	r := &Resolver{IRIs: kg.NewIRIs("http://civicgraph.test"), MaxFirst: 1000}
	intp := func(n int) *int { return &n }
	ok := []struct {
		name, text string
		types      []model.EntityType
		first      *int
		id         string
		how        model.MatchKind
		matched    string
	}{
		{"OKAlias", "老马", nil, nil, "person/ma-shanxiang", model.MatchKindAlias, "老马"},
		{"OKSubstring", "金融博物馆", nil, nil, "organization/chongqing-jinrong-bowuguan", model.MatchKindSubstring, "重庆金融博物馆"},
		{"OKPinyin", "ma shanxiang", nil, nil, "person/ma-shanxiang", model.MatchKindPinyin, "马善祥"},
		{"OKInitials", "msx", nil, nil, "person/ma-shanxiang", model.MatchKindPinyin, "马善祥"},
		{"OKFuzzy", "马善详", nil, nil, "person/ma-shanxiang", model.MatchKindFuzzy, "马善祥"},
		{"OKTypes", "长安", []model.EntityType{model.EntityTypeHonour}, nil, "honour/changan-bei", model.MatchKindPrefix, "长安杯"},
		{"OKFirstOne", "长安", nil, intp(1), "", model.MatchKindPrefix, ""},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := r.search(ctx, tt.text, tt.types, tt.first)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				t.Fatalf("search(%q): no hits", tt.text)
			}
			if tt.first != nil && len(hits) != *tt.first {
				t.Errorf("search(%q, first %d): %d hits", tt.text, *tt.first, len(hits))
			}
			h := hits[0]
			if tt.id != "" && h.EntityID != tt.id || h.How != tt.how || tt.matched != "" && h.Matched != tt.matched {
				t.Errorf("search(%q) first hit %+v, want %s %s %s", tt.text, *h, tt.id, tt.how, tt.matched)
			}
			if !h.How.IsValid() || h.Score <= 0 {
				t.Errorf("search(%q): hit %+v", tt.text, *h)
			}
		})
	}
	errs := []struct {
		name, text string
		first      *int
		code       Code
	}{
		{"ErrEmpty", "", nil, BadUserInput},
		{"ErrWhitespace", " \u3000", nil, BadUserInput},
		{"ErrLong", strings.Repeat("长安", 5000), nil, BadUserInput},
		{"ErrControl", "马善\x07祥", nil, BadUserInput},
		{"ErrInvalidUTF8", "\xff\xfe", nil, BadUserInput},
		{"ErrFirstNegative", "老马", intp(-1), BadUserInput},
		{"ErrFirstTooLarge", "老马", intp(1001), LimitExceeded},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := r.search(ctx, tt.text, nil, tt.first)
			var coded *Error
			if !errors.As(err, &coded) || coded.Code != tt.code {
				t.Fatalf("search(%.20q) = %v, %v; want a %s error", tt.text, hits, err, tt.code)
			}
		})
	}
	t.Run("OKNoMatch", func(t *testing.T) {
		hits, err := r.search(ctx, "《》", nil, nil)
		if err != nil || hits == nil || len(hits) != 0 {
			t.Errorf("search(《》) = %v, %v; want an empty list", hits, err)
		}
	})
}

// TestEntityPinyin: the pinyin field is the data's override where it has
// one, else generated from the name.
func TestEntityPinyin(t *testing.T) {
	ctx := searchScope(t)
	r := &Resolver{IRIs: kg.NewIRIs("http://civicgraph.test"), MaxFirst: 1000}
	for id, want := range map[string]string{
		"person/ma-shanxiang":                     "ma shan xiang",
		"organization/chongqing-jinrong-bowuguan": "Chongqing Jinrong Bowuguan",
		"place/jiangbei-qu":                       "jiang bei qu",
	} {
		e, err := r.entity(ctx, id)
		if err != nil || e == nil {
			t.Fatalf("entity(%s) = %v, %v", id, e, err)
		}
		p, ok := e.(interface{ Pinyin() string })
		if !ok {
			t.Fatalf("%T has no Pinyin", e)
		}
		if got := p.Pinyin(); got != want {
			t.Errorf("%s pinyin %q, want %q", id, got, want)
		}
	}
}
