package main

import (
	"os"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
)

// README's vocabulary table and commands stay true to the code.
func TestREADME(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, p := range kg.Vocabulary {
		row := "| `" + p.Name + "` | " + p.Label + " / " + p.LabelEn + " | " + p.Inverse + " / " + p.InverseEn + " |"
		if !strings.Contains(readme, row) {
			t.Errorf("README's vocabulary lacks the row of %s: %s", p.Name, row)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"make run", "make test"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README lacks %q", cmd)
		}
	}
	if !strings.Contains(string(ci), "\nmake test\n") {
		t.Errorf(".ci/run does not run README's test command, make test")
	}
}
