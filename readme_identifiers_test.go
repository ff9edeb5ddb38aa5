package main

import (
	"os"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
)

// README's Identifiers table stays true to kg.IdentifierSchemeTable: each
// scheme's name, labels, pattern, URL templates and reference list.
func TestREADMEIdentifiers(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, s := range kg.IdentifierSchemeTable {
		t.Run("OK/"+s.Name, func(t *testing.T) {
			// A | inside a table cell is written \|.
			row := "| `" + s.Name + "` | " + s.Label + " / " + s.LabelEn + " | `" + strings.ReplaceAll(s.Pattern.String(), "|", `\|`) + "` |"
			i := strings.Index(readme, row)
			if i < 0 {
				t.Fatalf("README's Identifiers table lacks the start of the row of %s: %s", s.Name, row)
			}
			line, _, _ := strings.Cut(readme[i:], "\n")
			want := []string{s.Reference}
			if s.URL != "" {
				want = append(want, "`"+s.URL+"`")
			}
			for _, u := range s.URLBySuffix {
				want = append(want, "`"+u+"`")
			}
			for _, w := range want {
				if !strings.Contains(line, w) {
					t.Errorf("README's row of %s lacks %s:\n%s", s.Name, w, line)
				}
			}
		})
	}
}
