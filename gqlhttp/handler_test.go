package gqlhttp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

var (
	testStoreOnce sync.Once
	testStore     *store.Store
	testStoreErr  error
)

// mustStore is a memory store holding the embedded dataset, shared by the
// package's tests.
func mustStore(tb testing.TB) *store.Store {
	tb.Helper()
	testStoreOnce.Do(func() {
		testStore, testStoreErr = store.Open(context.Background(), "memory", func() (store.Source, error) {
			return loader.Load(data.FS, "data")
		})
	})
	if testStoreErr != nil {
		tb.Fatal(testStoreErr)
	}
	return testStore
}

// testHandler is the endpoint over the dataset with the server's default
// limits, changed by edit.
func testHandler(tb testing.TB, edit func(*Config)) *Handler {
	cfg := Config{
		Store: mustStore(tb), IRIs: kg.NewIRIs("http://civicgraph.test"), MaxFirst: 1000, Introspection: true,
		Limits: Limits{MaxFields: 1000, MaxDepth: 12, MaxComplexity: 50000, MaxAliases: 30, MaxTokens: 10000},
	}
	if edit != nil {
		edit(&cfg)
	}
	return NewHandler(cfg)
}

type testReply struct {
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

// post sends query to h and decodes the answer.
func post(tb testing.TB, h http.Handler, query string, vars map[string]any) (int, testReply) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var reply testReply
	if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil {
		tb.Fatalf("status %d: %v: %.300s", w.Code, err, w.Body)
	}
	return w.Code, reply
}

// TestFieldLimit: a document with too many selections is refused before it
// is validated. Each refused document also selects a field the schema does
// not have: had it been validated, the answer would say so instead.
func TestFieldLimit(t *testing.T) {
	limited := testHandler(t, nil)
	unlimited := testHandler(t, func(c *Config) { c.Limits.MaxFields = 0 })
	tests := []struct {
		name    string
		h       http.Handler
		query   string
		code    string // "" for none
		message string // part of the error's message
	}{
		{"OKAtLimit", limited, "{" + strings.Repeat(" graphVersion", 1000) + " }", "", ""},
		{"OKIntrospection", limited, introspectionQuery, "", ""},
		{"ErrFields3000", limited, "{" + strings.Repeat(" graphVersion", 3000) + " nope }", "LIMIT_EXCEEDED", "the query selects 3001 fields, more than the limit of 1000"},
		{"ErrFields1001", limited, "{" + strings.Repeat(" graphVersion", 1001) + " }", "LIMIT_EXCEEDED", "the query selects 1001 fields"},
		{"ErrNestedFragments", limited, doublingFragments(40, "nope"), "LIMIT_EXCEEDED", "more than the limit of 1000"},
		{"ErrFragmentsInOperations", limited, strings.Repeat("query Q { ...F } ", 1) + "fragment F on Query {" + strings.Repeat(" graphVersion", 600) + " nope }",
			"LIMIT_EXCEEDED", "the query selects 1203 fields"},
		// Validation still refuses what it refused; a cycle is counted
		// once around, and validation says what is wrong.
		{"ErrCycleLeftToValidation", limited, `{ ...A } fragment A on Query { graphVersion ...B } fragment B on Query { ...A }`,
			"BAD_USER_INPUT", `Cannot spread fragment "A" within itself via "B"`},
		{"ErrValidationWithoutLimit", unlimited, "{" + strings.Repeat(" graphVersion", 3000) + " nope }", "BAD_USER_INPUT", `Cannot query field "nope"`},
		{"ErrConflictWithoutLimit", unlimited, "{" + strings.Repeat(" graphVersion", 3000) + " graphVersion: sources { id } }",
			"BAD_USER_INPUT", `Fields "graphVersion" conflict because "graphVersion" and "sources" are different fields`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, reply := post(t, tt.h, tt.query, nil)
			if status != http.StatusOK {
				t.Errorf("status %d, want 200", status)
			}
			if tt.code == "" {
				if len(reply.Errors) > 0 {
					t.Fatalf("errors %+v, want none", reply.Errors)
				}
				return
			}
			if len(reply.Errors) != 1 || reply.Errors[0].Extensions["code"] != tt.code || !strings.Contains(reply.Errors[0].Message, tt.message) {
				t.Fatalf("errors %+v, want one %s saying %q", reply.Errors, tt.code, tt.message)
			}
			if reply.Data != nil {
				t.Errorf("data %v, want none", reply.Data)
			}
		})
	}
}

// TestMaxFirstDefaults: with -max-first below a `first` default, a query
// that passes no first gets max-first items; one that passes more is
// refused.
func TestMaxFirstDefaults(t *testing.T) {
	h := testHandler(t, func(c *Config) { c.MaxFirst = 5 })
	count := func(path ...string) func(map[string]any) int {
		return func(data map[string]any) int {
			var v any = data
			for _, p := range path {
				v = v.(map[string]any)[p]
			}
			return len(v.([]any))
		}
	}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		n     func(map[string]any) int // items returned, when checked
		want  int
		code  string
	}{
		{name: "OKEntitiesTotalCount", query: `{ entities { totalCount } }`},
		{name: "OKEntitiesDefault", query: `{ entities { edges { node { id } } } }`, n: count("entities", "edges"), want: 5},
		{name: "OKSearchDefault", query: `{ search(text: "老马") { matched } }`},
		{name: "OKRelationsDefault", query: `{ entity(id: "person/ma-shanxiang") { relations { predicate } } }`, n: count("entity", "relations"), want: 5},
		{name: "OKNullFirst", query: `{ entities(first: null) { edges { node { id } } } }`, n: count("entities", "edges"), want: 5},
		{name: "OKVariableAbsent", query: `query($n: Int) { entities(first: $n) { edges { node { id } } } }`, n: count("entities", "edges"), want: 5},
		{name: "OKFirstAtMax", query: `{ entities(first: 5) { edges { node { id } } } }`, n: count("entities", "edges"), want: 5},
		{name: "OKSmallerFirst", query: `{ entities(first: 2) { edges { node { id } } } }`, n: count("entities", "edges"), want: 2},
		{name: "ErrFirstOverMax", query: `{ entities(first: 6) { totalCount } }`, code: "LIMIT_EXCEEDED"},
		{name: "ErrVariableOverMax", query: `query($n: Int) { search(text: "老马", first: $n) { matched } }`, vars: map[string]any{"n": 6}, code: "LIMIT_EXCEEDED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, reply := post(t, h, tt.query, tt.vars)
			if tt.code != "" {
				if len(reply.Errors) != 1 || reply.Errors[0].Extensions["code"] != tt.code || !strings.Contains(reply.Errors[0].Message, "first must be at most 5, got 6") {
					t.Fatalf("errors %+v, want one %s", reply.Errors, tt.code)
				}
				return
			}
			if len(reply.Errors) > 0 {
				t.Fatalf("errors %+v, want none", reply.Errors)
			}
			if tt.n != nil {
				if got := tt.n(reply.Data); got != tt.want {
					t.Errorf("%d items, want %d", got, tt.want)
				}
			}
		})
	}
}

// The schema clients read says what a query without first gets.
func TestMaxFirstIntrospectedDefaults(t *testing.T) {
	tests := []struct {
		name     string
		maxFirst int
		want     map[string]string // field of Query: default of its first
	}{
		{"OKClamped", 5, map[string]string{"entities": "5", "search": "5"}},
		{"OKUnderMax", 1000, map[string]string{"entities": "100", "search": "10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := testHandler(t, func(c *Config) { c.MaxFirst = tt.maxFirst })
			_, reply := post(t, h, `{ __type(name: "Query") { fields { name args { name defaultValue } } } }`, nil)
			if len(reply.Errors) > 0 {
				t.Fatal(reply.Errors)
			}
			got := map[string]string{}
			for _, f := range reply.Data["__type"].(map[string]any)["fields"].([]any) {
				f := f.(map[string]any)
				for _, a := range f["args"].([]any) {
					if a := a.(map[string]any); a["name"] == "first" {
						got[f["name"].(string)] = a["defaultValue"].(string)
					}
				}
			}
			for field, def := range tt.want {
				if got[field] != def {
					t.Errorf("%s(first:) defaults to %q, want %q", field, got[field], def)
				}
			}
		})
	}
}

// introspectionQuery is GraphiQL's (graphql-js getIntrospectionQuery with
// inputValueDeprecation), as the playground sends it.
const introspectionQuery = `
    query IntrospectionQuery {
      __schema {
        queryType { name kind }
        mutationType { name kind }
        subscriptionType { name kind }
        types {
          ...FullType
        }
        directives {
          name
          description
          locations
          args(includeDeprecated: true) {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      fields(includeDeprecated: true) {
        name
        description
        args(includeDeprecated: true) {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields(includeDeprecated: true) {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
      isDeprecated
      deprecationReason
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                    ofType {
                      name
                      kind
                      ofType {
                        name
                        kind
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
`
