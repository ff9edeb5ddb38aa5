package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/reconcile"
)

// readmeHost is the address README's examples use.
const readmeHost = "http://127.0.0.1:8080"

// README's "Reconcile in OpenRefine" section shows real responses: each
// curl command is sent to a live server and its answer must equal the
// JSON that follows it (with the server's address written as README's).
// It names the service URL and the limit flags' defaults.
func TestREADMEReconcile(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "\n## Reconcile in OpenRefine\n")
	if start < 0 {
		t.Fatal(`README has no "## Reconcile in OpenRefine" section`)
	}
	section := readme[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	for _, want := range []string{
		"```\n" + readmeHost + "/reconcile\n```",
		"`-reconcile-max-queries` (default " + itoa(reconcile.DefaultMaxQueries) + ")",
		"`-reconcile-max-limit` (default " + itoa(reconcile.DefaultMaxLimit) + ")",
		"**The match rule.**",
	} {
		if !strings.Contains(section, want) {
			t.Errorf("the section lacks %s", want)
		}
	}
	if i, j := strings.Index(readme, "\n## Linking\n"), strings.Index(readme, "\n## Data model\n"); !(i < start && start < j) {
		t.Error("the section should come after Linking, before Data model")
	}

	m := MustRunMain(t)
	examples := regexp.MustCompile("(?s)```sh\n(curl [^\n]*)\n```\n\n```json\n(.*?)\n```").FindAllStringSubmatch(section, -1)
	if len(examples) < 4 {
		t.Fatalf("the section has %d curl examples with their answers, want the manifest, queries, proposals and an extension", len(examples))
	}
	command := regexp.MustCompile(`^curl -s '?` + regexp.QuoteMeta(readmeHost) + `([^' ]*)'?(?: --data-urlencode '(queries|extend)=(.*)')?$`)
	for _, ex := range examples {
		t.Run("OK/"+ex[1][:min(len(ex[1]), 60)], func(t *testing.T) {
			c := command.FindStringSubmatch(ex[1])
			if c == nil {
				t.Fatalf("cannot run %s: want curl -s %s/… [--data-urlencode 'queries=…' or 'extend=…']", ex[1], readmeHost)
			}
			var resp *http.Response
			var err error
			if c[2] != "" {
				resp, err = http.PostForm(m.URL()+c[1], url.Values{c[2]: {c[3]}})
			} else {
				resp, err = http.Get(m.URL() + c[1])
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			live, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			live = []byte(strings.ReplaceAll(string(live), m.URL(), readmeHost))
			var got, documented any
			if err := json.Unmarshal(live, &got); err != nil {
				t.Fatalf("the answer: %v: %s", err, live)
			}
			if err := json.Unmarshal([]byte(ex[2]), &documented); err != nil {
				t.Fatalf("README's JSON: %v", err)
			}
			if !reflect.DeepEqual(got, documented) {
				t.Errorf("README's answer to %s is stale; the server now answers:\n%s", ex[1], live)
			}
		})
	}
}
