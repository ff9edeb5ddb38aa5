package gqlhttp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// playgroundQueries are the playground's example queries (examples.go at
// the module's root), the requests newcomers send first.
func playgroundQueries(tb testing.TB) []string {
	tb.Helper()
	src, err := os.ReadFile("../examples.go")
	if err != nil {
		tb.Fatal(err)
	}
	var queries []string
	for _, m := range regexp.MustCompile("Query: `([^`]*)`").FindAllStringSubmatch(string(src), -1) {
		queries = append(queries, m[1])
	}
	if len(queries) == 0 {
		tb.Fatal("no queries in examples.go")
	}
	return queries
}

// FuzzDecode sends arbitrary GraphQL-over-HTTP requests through the
// endpoint, its response cache on: whatever the method, query string, media types and body, it
// never panics, never answers 5xx, and always answers with a GraphQL
// response in the media type negotiated — a refusal is a 4xx whose errors
// carry the contract's codes and which has no data.
//
//	go test -run='^$' -fuzz=FuzzDecode -fuzztime=10s ./gqlhttp
func FuzzDecode(f *testing.F) {
	post := func(body string) { f.Add("POST", "", mediaJSON, "", body) }
	for _, q := range playgroundQueries(f) {
		b, _ := json.Marshal(map[string]any{"query": q})
		post(string(b))
		f.Add("GET", "query="+url.QueryEscape(q), "", mediaGraphQLResponse, "")
	}
	// The shapes of graphql-http's audit (test/httpaudit).
	post(`{"query":"{ __typename }"}`)
	post(`{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null}`)
	post(`{"query":"query Type($name: String!) { __type(name: $name) { name } }","variables":{"name":"sometype"}}`)
	post(`{"query":"query A { __typename } query B { graphVersion }","operationName":"B"}`)
	post(`{"query":"{ __typename }","extensions":{"some":"value"}}`)
	post(`{"query":"{"}`)
	post(`{"notquery":"{ __typename }"}`)
	post(`{ "not a JSON`)
	post(`[{"query":"{ __typename }"}]`)
	post(`{"query":"{ __typename }","variables":"string"}`)
	post(`{"query":7}`)
	post(`{"query":"{ search(text: \"老马\", first: 3) { matched } }"}`)
	post(`{"query":"query($n: Int) { entities(first: $n) { totalCount } }","variables":{"n":1e3}}`)
	post(`{"query":"{ ...F } fragment F on Query { ...F }"}`)
	f.Add("POST", "", "application/json; charset=utf-8", "*/*", `{"query":"{ __typename }"}`)
	f.Add("POST", "", "application/json; charset=iso-8859-1", mediaJSON, `{"query":"{ __typename }"}`)
	f.Add("POST", "", "application/graphql", mediaJSON, `{ __typename }`)
	// Automatic persisted queries: a hash alone, a hash with its query, a
	// hash that is not the query's, a version gqlgen does not know.
	typename := `"ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"`
	post(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":` + typename + `}}}`)
	post(`{"query":"{__typename}","extensions":{"persistedQuery":{"version":1,"sha256Hash":` + typename + `}}}`)
	post(`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":` + typename + `}}}`)
	post(`{"extensions":{"persistedQuery":{"version":2,"sha256Hash":` + typename + `}}}`)
	f.Add("GET", "extensions="+url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":`+typename+`}}`), "", mediaGraphQLResponse, "")
	f.Add("GET", "extensions="+url.QueryEscape(`{"persistedQuery":null}`), "", "", "")
	f.Add("POST", "", "application/x-www-form-urlencoded", mediaJSON, `query=%7B+__typename+%7D`)
	f.Add("GET", "query="+url.QueryEscape("{ __typename }"), "", mediaJSON, "")
	f.Add("GET", "query="+url.QueryEscape("query Type($name: String!) { __type(name: $name) { name } }")+"&variables="+url.QueryEscape(`{"name":"sometype"}`), "", mediaGraphQLResponse, "")
	f.Add("GET", "query="+url.QueryEscape("mutation { __typename }"), "", mediaGraphQLResponse, "")
	f.Add("GET", "query=%7B&variables=%7Bnot", "", "", "")
	f.Add("GET", "query=%zz", "", "", "")
	f.Add("PUT", "", mediaJSON, "text/html", `{"query":"{ __typename }"}`)
	f.Add("POST", "", mediaJSON, "application/json;q=0, text/html", `{"query":"{ __typename }"}`)

	h := testHandler(f, func(c *Config) { c.MaxBody = 1 << 16; c.ResponseCache = 1 << 20 })
	f.Fuzz(func(t *testing.T, method, rawQuery, contentType, accept, body string) {
		r := (&http.Request{
			Method: method, URL: &url.URL{Path: "/graphql", RawQuery: rawQuery}, Host: "civicgraph.test",
			Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)),
		}).WithContext(context.Background())
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		checkAnswer(t, w)
	})
}

// checkAnswer checks that w holds a GraphQL response as the transport
// promises.
func checkAnswer(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 || w.Code < 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	ct := w.Header().Get("Content-Type")
	if !strings.HasPrefix(ct, mediaJSON+";") && !strings.HasPrefix(ct, mediaGraphQLResponse+";") {
		t.Fatalf("Content-Type %q", ct)
	}
	var resp struct {
		Data   *json.RawMessage
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d: not a JSON object: %v: %s", w.Code, err, w.Body)
	}
	if resp.Data == nil && len(resp.Errors) == 0 {
		t.Fatalf("status %d: neither data nor errors: %s", w.Code, w.Body)
	}
	for _, e := range resp.Errors {
		// Beside the contract's codes, Apollo's for a persisted query
		// the server does not hold, which its clients act on.
		if e.Message == "" || !slices.Contains(graph.Codes, graph.Code(e.Extensions.Code)) && e.Extensions.Code != codePersistedQueryNotFound {
			t.Fatalf("error without a message or a contract code: %s", w.Body)
		}
	}
	if w.Code >= 400 && (resp.Data != nil || len(resp.Errors) == 0) {
		t.Fatalf("status %d with data, or without errors: %s", w.Code, w.Body)
	}
}

// FuzzOverlappingFields checks OverlappingFieldsRule against gqlparser's
// rule on arbitrary documents: it never panics, always ends, and finds a
// conflict exactly when gqlparser's rule does (documents with a fragment
// cycle or an unused fragment, which other rules refuse, only need to end).
//
//	go test -run='^$' -fuzz=FuzzOverlappingFields -fuzztime=10s ./gqlhttp
func FuzzOverlappingFields(f *testing.F) {
	names := make([]string, 0, len(overlapSchemas))
	for name := range overlapSchemas {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, tt := range slices.Concat(overlapSpecCases, overlapOwnCases) {
		if len(tt.query) < 2000 {
			f.Add(uint8(slices.Index(names, tt.schema)), tt.query)
		}
	}
	f.Fuzz(func(t *testing.T, schemaIndex uint8, query string) {
		schema := overlapSchemas[names[int(schemaIndex)%len(names)]]
		doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, 2000)
		if err != nil || CountSelections(doc) > 2000 {
			return
		}
		// gqlparser's rule checks only the top selection set of a fragment
		// no operation spreads (testdata/fuzz/FuzzOverlappingFields holds a
		// conflict deeper in one, which this rule finds and it misses);
		// such a fragment, like a cycle, is another rule's error anyway.
		skip := false
		for _, e := range validateRules(schema, query, rules.NewDefaultRules()) {
			skip = skip || e.Rule == "NoFragmentCycles" || e.Rule == "NoUnusedFragments"
		}
		ours := validateRules(schema, query, ValidationRules())
		if skip {
			return
		}
		theirs := validateRules(schema, query, rules.NewDefaultRules())
		conflicts := func(errs gqlerror.List) bool {
			return slices.ContainsFunc(errs, func(e *gqlerror.Error) bool { return e.Rule == OverlappingFieldsRule.Name })
		}
		if conflicts(ours) != conflicts(theirs) {
			t.Fatalf("conflicts: ours %v, gqlparser's %v", filterRule(ours), filterRule(theirs))
		}
	})
}

func validateRules(schema *ast.Schema, query string, r *rules.Rules) gqlerror.List {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return gqlerror.List{gqlerror.Wrap(err)}
	}
	return validator.ValidateWithRules(schema, doc, r)
}

func filterRule(errs gqlerror.List) gqlerror.List {
	var out gqlerror.List
	for _, e := range errs {
		if e.Rule == OverlappingFieldsRule.Name {
			out = append(out, e)
		}
	}
	return out
}
