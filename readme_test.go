package main

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strconv"
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

// README's Linking section shows real output: each line of its Turtle is a
// line of the server's answer, and its triple counts are the export's.
func TestREADMELinking(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := MustRunMain(t)
	block := regexp.MustCompile("(?s)```turtle\n(.*?)\n```").FindSubmatch(b)
	if block == nil {
		t.Fatal("README has no turtle example")
	}
	_, ttl := httpDo(t, http.MethodGet, m.URL()+"/id/person/ma-shanxiang", map[string]string{"Accept": "text/turtle"})
	lines := map[string]bool{}
	for l := range strings.SplitSeq(string(ttl), "\n") {
		lines[l] = true
	}
	for l := range strings.SplitSeq(string(block[1]), "\n") {
		if !lines[l] {
			t.Errorf("README's Turtle line is not in the answer: %s", l)
		}
	}
	if n := strings.Count(string(ttl), "\n"); !strings.Contains(string(b), "(Lines picked from its "+strconv.Itoa(n)+";") {
		t.Errorf("README should say the answer has %d lines", n)
	}
	_, nt := httpDo(t, http.MethodGet, m.URL()+"/export?format=nt", nil)
	want := "graph.nq " + strconv.Itoa(strings.Count(string(nt), "\n")) + " triples"
	if !strings.Contains(string(b), want) {
		t.Errorf("README's export round trip should read %q", want)
	}
}
