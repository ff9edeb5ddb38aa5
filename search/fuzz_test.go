package search_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
)

// FuzzSearch: whatever the text, kinds and page size, Search answers with
// ErrBadQuery or a well-ordered list, and never panics.
func FuzzSearch(f *testing.F) {
	ix := mustRealIndex(f)
	for _, s := range []string{
		"马善祥", "老马", "金融博物馆", "ma shanxiang", "mashanxiang", "msx", "马善详", "长安",
		"马shanxiang", "mashanxaing", "Mǎ Shànxiáng", "chang'an", "智能＋5G", "《》", "",
		" \u3000", "\x00", "\xff\xfe", "马\u200b善祥", strings.Repeat("长安", 120), strings.Repeat("z", 45),
	} {
		f.Add(s, 10, uint8(0))
	}
	f.Add("老马", -1, uint8(3))
	f.Add("江北", 1<<30, uint8(255))
	f.Fuzz(func(t *testing.T, text string, first int, kindBits uint8) {
		var kinds []kg.Kind
		for i, k := range kg.Kinds {
			if kindBits&(1<<i) != 0 {
				kinds = append(kinds, k)
			}
		}
		hits, err := ix.Search(text, kinds, first)
		if err != nil {
			if !errors.Is(err, search.ErrBadQuery) {
				t.Fatalf("Search(%q): %v, want nil or ErrBadQuery", text, err)
			}
			return
		}
		if hits == nil || len(hits) > max(first, 0) {
			t.Fatalf("Search(%q, first %d) = %d hits", text, first, len(hits))
		}
		checkOrder(t, text, hits)
	})
}
