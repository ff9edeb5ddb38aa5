package main

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
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

// README's first example shows the real output of the headline query on
// the built-in dataset: when the data changes, so must the README.
func TestREADMEHeadlineOutput(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```json\n(.*?)\n```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README has no json example")
	}
	var documented any
	if err := json.Unmarshal(m[1], &documented); err != nil {
		t.Fatalf("README's first json example: %v", err)
	}
	_, r := postQuery(t, MustRunMain(t), headline)
	live, _ := json.Marshal(map[string]any{"data": json.RawMessage(r.Data), "extensions": r.Extensions})
	var got any
	json.Unmarshal(live, &got)
	if !reflect.DeepEqual(got, documented) {
		t.Errorf("README's headline output is stale; the server now answers:\n%s", live)
	}
}
