package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/gqlhttp"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

// honoursQuery is the query bench/run.sh sends to every GraphQL server.
const honoursQuery = `query($id:ID!){entity(id:$id){id name ... on Person{honours{time honour{id name} evidence{quote start end}}}}}`

// MustCivicgraph serves civicgraph's GraphQL endpoint over the built-in
// dataset in a memory store, as the server does at /graphql.
func MustCivicgraph(tb testing.TB) *httptest.Server {
	tb.Helper()
	st, err := store.Open(context.Background(), "memory", func() (store.Source, error) {
		return loader.Load(data.FS, "data")
	})
	if err != nil {
		tb.Fatal(err)
	}
	h := gqlhttp.NewHandler(gqlhttp.Config{Store: st, IRIs: kg.NewIRIs("https://w3id.org/civicgraph"), MaxFirst: 1000, Introspection: true})
	mux := http.NewServeMux()
	mux.Handle("/graphql", h)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// MustPost sends a GraphQL request and returns its status and body bytes.
func MustPost(tb testing.TB, url, query, id string) (int, []byte) {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": id}})
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, b
}

// The map is filled from civicgraph's answers, and gqlmin then gives the
// same bytes as civicgraph to the same request: for the honours query on
// people with and without dated honours, on an entity that is not a Person,
// on an unknown id, and on another selection of the same data.
func TestSameBytes(t *testing.T) {
	cg := MustCivicgraph(t)
	var answers [][]byte
	for _, id := range []string{"person/ma-shanxiang", "person/zhang-yongzhong", "honour/gaige-xianfeng"} {
		status, b := MustPost(t, cg.URL, honoursQuery, id)
		if status != http.StatusOK {
			t.Fatalf("civicgraph %s: status %d: %s", id, status, b)
		}
		answers = append(answers, b)
	}
	d, err := Load(answers...)
	if err != nil {
		t.Fatal(err)
	}
	min := httptest.NewServer(NewHandler(d))
	defer min.Close()

	tests := []struct {
		name, query, id string
		want            string // a part of the answer, so that a test of two empty answers cannot pass
	}{
		{"OKHonours", honoursQuery, "person/ma-shanxiang", `"time":"2012/2014","honour":{"id":"honour/fumin-xingyu-gongxianjiang-tebiejiang"`},
		{"OKUndatedHonour", honoursQuery, "person/ma-shanxiang", `"time":null,"honour":{"id":"honour/gaige-xianfeng","name":"改革先锋"}`},
		{"OKOtherPerson", honoursQuery, "person/zhang-yongzhong", `"id":"person/zhang-yongzhong"`},
		{"OKNotAPerson", honoursQuery, "honour/gaige-xianfeng", `{"entity":{"id":"honour/gaige-xianfeng","name":"改革先锋"}}`},
		{"OKUnknownID", honoursQuery, "person/nobody", `{"entity":null}`},
		{"OKOtherSelection", `query($id:ID!){entity(id:$id){name ... on Person{honours{honour{name}}}}}`, "person/ma-shanxiang", `{"honour":{"name":"最美奋斗者"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cgStatus, cgBody := MustPost(t, cg.URL, tt.query, tt.id)
			minStatus, minBody := MustPost(t, min.URL, tt.query, tt.id)
			if cgStatus != http.StatusOK || minStatus != http.StatusOK {
				t.Fatalf("status: civicgraph %d, gqlmin %d", cgStatus, minStatus)
			}
			if !bytes.Equal(cgBody, minBody) {
				t.Fatalf("different bytes:\ncivicgraph %s\ngqlmin     %s", cgBody, minBody)
			}
			if !strings.Contains(string(minBody), tt.want) || !strings.Contains(string(minBody), `"extensions":{"graphVersion":"`+d.Version+`"}`) {
				t.Errorf("answer lacks %s or the graph version: %s", tt.want, minBody)
			}
		})
	}
}

// Load takes only answers to the honours query, of one graph version, with
// no errors.
func TestLoad(t *testing.T) {
	const ma = `{"data":{"entity":{"id":"person/ma-shanxiang","name":"马善祥","honours":[{"time":null,"honour":{"id":"honour/gaige-xianfeng","name":"改革先锋"},"evidence":[{"quote":"改革先锋","start":1,"end":5}]}]}},"extensions":{"graphVersion":"v1"}}`
	const honour = `{"data":{"entity":{"id":"honour/gaige-xianfeng","name":"改革先锋"}},"extensions":{"graphVersion":"v1"}}`
	tests := []struct {
		name    string
		answers []string
		err     string // "" for success
		ids     []string
	}{
		{"OKPersonAndHonour", []string{ma, honour}, "", []string{"person/ma-shanxiang", "honour/gaige-xianfeng"}},
		{"ErrNone", nil, "no answers", nil},
		{"ErrNotJSON", []string{`{"data":`}, "answer 1", nil},
		{"ErrErrors", []string{`{"errors":[{"message":"boom"}],"data":{"entity":null},"extensions":{"graphVersion":"v1"}}`}, "has errors", nil},
		{"ErrNullEntity", []string{`{"data":{"entity":null},"extensions":{"graphVersion":"v1"}}`}, "has no entity", nil},
		{"ErrNoVersion", []string{`{"data":{"entity":{"id":"honour/x","name":"x"}}}`}, "names no extensions.graphVersion", nil},
		{"ErrOtherField", []string{`{"data":{"entity":{"id":"honour/x","name":"x","iri":"https://example.org/x"}},"extensions":{"graphVersion":"v1"}}`}, `unknown field "iri"`, nil},
		{"ErrNoID", []string{`{"data":{"entity":{"name":"x"}},"extensions":{"graphVersion":"v1"}}`}, "has no id", nil},
		{"ErrTwoVersions", []string{ma, strings.Replace(honour, `"v1"`, `"v2"`, 1)}, "answer 2 is of graph version v2, the first of v1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in [][]byte
			for _, a := range tt.answers {
				in = append(in, []byte(a))
			}
			d, err := Load(in...)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Load: %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Version != "v1" || len(d.Entities) != len(tt.ids) {
				t.Fatalf("version %q, %d entities", d.Version, len(d.Entities))
			}
			for _, id := range tt.ids {
				if d.Entities[id] == nil {
					t.Errorf("%s missing", id)
				}
			}
		})
	}
}

// The command refuses to start without data, and LoadFiles names the file
// it could not read.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"data":{"entity":null}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"ErrNoData", nil, "usage: gqlmin"},
		{"ErrExtraArgs", []string{"-data", bad, "more"}, "usage: gqlmin"},
		{"ErrMissingFile", []string{"-data", filepath.Join(dir, "none.json")}, "no such file"},
		{"ErrBadAnswer", []string{"-data", bad}, "bad.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("run(%q): %v, want an error with %q", tt.args, err, tt.err)
			}
		})
	}
}
