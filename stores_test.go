package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/civicgraph/civicgraph/internal/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown() // the throwaway PostgreSQL cluster, if a test started one
	os.Exit(code)
}

// The server answers the same on every store: the headline query and a walk
// over every entity's relations, byte for byte but for the IRIs' port.
func TestServeEveryStore(t *testing.T) {
	const walk = `{ entities(first: 1000) { totalCount edges { node { id name aliases
		relations(first: 1000) { predicate direction target { id } qualifiers { key value inferred } evidence { quote start end } }
		figures { indicator stated value period evidence { start end } } } } } }`
	answers := func(t *testing.T, args ...string) (string, string) {
		// The walk is far over the default cost limit on purpose: it compares
		// everything; and it compares answers, not speed, so a busy machine
		// (CI runs packages side by side) must not cut it off at -timeout.
		m := MustRunMain(t, append(args, "-base-iri", "http://civicgraph.test", "-max-complexity", "0", "-timeout", "2m", "-write-timeout", "3m")...)
		_, h := postQuery(t, m, headline)
		_, w := postQuery(t, m, walk)
		if len(h.Errors) > 0 || len(w.Errors) > 0 {
			t.Fatalf("errors: %v %v", h.Errors, w.Errors)
		}
		return string(h.Data), string(w.Data)
	}
	wantHeadline, wantWalk := answers(t)
	stores := []struct {
		name string
		spec func(t *testing.T) string
	}{
		{"OKBolt", func(t *testing.T) string { return "bolt:" + filepath.Join(t.TempDir(), "graph") }},
		{"OKPostgres", func(t *testing.T) string { return pgtest.MustCreateDB(t, pgtest.MustStart(t), "serve_every_store") }},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			spec := s.spec(t)
			gotHeadline, gotWalk := answers(t, "-store", spec)
			if !sameJSON(gotHeadline, wantHeadline) {
				t.Errorf("headline differs from memory's:\n%s\nwant\n%s", gotHeadline, wantHeadline)
			}
			if !sameJSON(gotWalk, wantWalk) {
				t.Errorf("the walk over every entity differs from memory's")
			}
			// A second start finds the graph the first one stored.
			again, _ := answers(t, "-store", spec)
			if !sameJSON(again, wantHeadline) {
				t.Errorf("after a restart: %s", again)
			}
		})
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}
