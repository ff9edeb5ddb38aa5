package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// comunica runs a SPARQL query with Comunica (test/comunica, from the npm
// registry) over the server's triple pattern fragments and returns its rows.
func comunica(t *testing.T, m *Main, query string) []map[string]string {
	t.Helper()
	node, dir := nodeProject(t, "comunica", "the Comunica queries")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "query.mjs", m.URL()+"/fragments", query)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("comunica: %v\n%s", err, stderr.String())
	}
	var rows []map[string]string
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("comunica printed %s: %v", out, err)
	}
	return rows
}

const sparqlPrefixes = `PREFIX cg: <https://w3id.org/civicgraph/vocab/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
`

// TestSPARQLOverFragments runs SPARQL with Comunica, an independent engine,
// over /fragments and checks the answers against GraphQL's.
func TestSPARQLOverFragments(t *testing.T) {
	m := MustRunMain(t)
	t.Run("OK/Honours", func(t *testing.T) {
		rows := comunica(t, m, sparqlPrefixes+`SELECT ?honour ?name ?time WHERE {
  <https://w3id.org/civicgraph/id/person/ma-shanxiang> cg:award ?honour .
  ?honour rdfs:label ?name .
  OPTIONAL { ?st rdf:subject <https://w3id.org/civicgraph/id/person/ma-shanxiang> ; rdf:predicate cg:award ; rdf:object ?honour ; cg:time ?time }
}`)
		var got []string
		for _, r := range rows {
			got = append(got, r["name"]+"|"+r["time"])
		}
		_, resp := postQuery(t, m, `{ entity(id:"person/ma-shanxiang") { ... on Person { honours { honour { name } time } } } }`)
		var data struct {
			Entity struct {
				Honours []struct {
					Honour struct{ Name string }
					Time   *string
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, h := range data.Entity.Honours {
			tm := ""
			if h.Time != nil {
				tm = *h.Time
			}
			want = append(want, h.Honour.Name+"|"+tm)
		}
		sort.Strings(got)
		sort.Strings(want)
		if len(want) != 9 || !slices.Equal(got, want) {
			t.Errorf("SPARQL over fragments:\n%q\nGraphQL:\n%q", got, want)
		}
	})
	t.Run("OK/InWulidian", func(t *testing.T) {
		rows := comunica(t, m, sparqlPrefixes+`SELECT ?x ?name WHERE { ?x cg:containedInPlace <https://w3id.org/civicgraph/id/place/wulidian-jiedao> ; rdfs:label ?name }`)
		_, resp := postQuery(t, m, `{ entity(id:"place/wulidian-jiedao") { ... on Place { contains { id name } } } }`)
		var data struct {
			Entity struct{ Contains []struct{ ID, Name string } }
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, r := range rows {
			got = append(got, strings.TrimPrefix(r["x"], canonical+"/id/")+"|"+r["name"])
		}
		for _, c := range data.Entity.Contains {
			want = append(want, c.ID+"|"+c.Name)
		}
		sort.Strings(got)
		sort.Strings(want)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("SPARQL over fragments:\n%q\nGraphQL:\n%q", got, want)
		}
	})
	t.Run("OK/StockCodes", func(t *testing.T) {
		rows := comunica(t, m, sparqlPrefixes+`SELECT ?c ?code WHERE { ?c a cg:Company ; schema:identifier ?i . ?i schema:propertyID "stockCode" ; schema:value ?code }`)
		_, resp := postQuery(t, m, `{ entities(type: COMPANY, first: 1000) { edges { node { id identifiers { scheme value } } } } }`)
		var data struct {
			Entities struct {
				Edges []struct {
					Node struct {
						ID          string
						Identifiers []struct{ Scheme, Value string }
					}
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatalf("%v: %s %v", err, resp.Data, resp.Errors)
		}
		var got, want []string
		for _, r := range rows {
			got = append(got, strings.TrimPrefix(r["c"], canonical+"/id/")+"|"+r["code"])
		}
		for _, e := range data.Entities.Edges {
			n := e.Node
			for _, i := range n.Identifiers {
				if i.Scheme == "stockCode" {
					want = append(want, n.ID+"|"+i.Value)
				}
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if len(want) < 3 || !slices.Equal(got, want) {
			t.Errorf("SPARQL over fragments:\n%q\nGraphQL:\n%q", got, want)
		}
	})
}

// README's SPARQL example prints what Comunica really answers.
func TestREADMESPARQL(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)node query.mjs http://127.0.0.1:8080/fragments '\n(.*?)'\n```\n\n```json\n(.*?)\n```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README has no SPARQL example with its answer")
	}
	rows := comunica(t, MustRunMain(t), string(m[1]))
	got, _ := json.Marshal(rows)
	var want []map[string]string
	if err := json.Unmarshal(m[2], &want); err != nil {
		t.Fatal(err)
	}
	if wantJSON, _ := json.Marshal(want); string(got) != string(wantJSON) {
		t.Errorf("README shows\n%s\nComunica answers\n%s", wantJSON, got)
	}
}
