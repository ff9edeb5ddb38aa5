package search_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
	"go.yaml.in/yaml/v3"
)

// realEntries reads the names, aliases, pinyin overrides and relations of
// the real data (../data/entities), so the tests search the names users will
// search. Only those fields are read: the loader's checks are its own tests'.
func realEntries(tb testing.TB) []search.Entry {
	tb.Helper()
	entries, err := loadRealEntries()
	if err != nil {
		tb.Fatal(err)
	}
	return entries
}

// realIndex is the index of the real data, built once for all tests.
var realIndex = sync.OnceValues(func() (*search.Index, error) {
	entries, err := loadRealEntries()
	if err != nil {
		return nil, err
	}
	return search.Build(entries), nil
})

func mustRealIndex(tb testing.TB) *search.Index {
	tb.Helper()
	ix, err := realIndex()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

func loadRealEntries() ([]search.Entry, error) {
	files, err := filepath.Glob("../data/entities/*.yaml")
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no data files: %v", err)
	}
	type file struct {
		Entities []struct {
			ID        string   `yaml:"id"`
			Name      string   `yaml:"name"`
			Aliases   []string `yaml:"aliases"`
			Pinyin    string   `yaml:"pinyin"`
			Relations []struct {
				Target string `yaml:"target"`
			} `yaml:"relations"`
		} `yaml:"entities"`
	}
	degree := map[string]int{}
	var out []search.Entry
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var doc file
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		for _, e := range doc.Entities {
			kind, _, err := kg.ParseID(e.ID)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", f, err)
			}
			for _, r := range e.Relations {
				degree[e.ID]++
				degree[r.Target]++
			}
			out = append(out, search.Entry{ID: e.ID, Kind: kind, Name: e.Name, Aliases: e.Aliases, Pinyin: e.Pinyin})
		}
	}
	for i := range out {
		out[i].Degree = degree[out[i].ID]
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
