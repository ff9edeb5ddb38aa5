package main

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestFirstOperationName(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"OKQuery", "query HonoursOfMaShanxiang { graphVersion }", "HonoursOfMaShanxiang"},
		{"OKAfterComments", "# a comment\n\n  # another\nquery Search($t: String!) { search(text: $t) { how } }", "Search"},
		{"OKMutation", "mutation M { x }", "M"},
		{"OKBOM", "\ufeffquery Q { x }", "Q"},
		{"OKEveryExample", examples[1].Query, "InWulidian"},
		{"ErrAnonymous", "{ graphVersion }", ""},
		{"ErrUnnamed", "query { graphVersion }", ""},
		{"ErrFragmentFirst", "fragment F on Entity { id } query Q { x }", ""},
		{"ErrEmpty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstOperationName(tt.doc); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name, body string
		codes      []string
	}{
		{"OKRequestError", `{"errors":[{"message":"m","extensions":{"code":"BAD_USER_INPUT"}}],"extensions":{"graphVersion":"v"}}`, []string{"BAD_USER_INPUT"}},
		{"OKSeveral", `{"errors":[{"message":"a","extensions":{"code":"TIMEOUT"}},{"message":"b","path":["x"],"extensions":{"code":"INTERNAL"}}],"data":{"x":null}}`, []string{"TIMEOUT", "INTERNAL"}},
		{"OKTruncatedKeepsWhole", `{"errors":[{"message":"a","extensions":{"code":"TIMEOUT"}},{"message":"b","exten`, []string{"TIMEOUT"}},
		{"OKErrorsAfterData", `{"data":{"x":1},"errors":[{"message":"a","extensions":{"code":"TIMEOUT"}}]}`, []string{"TIMEOUT"}},
		{"ErrNoErrors", `{"data":{"x":1}}`, nil},
		{"ErrErrorsInsideData", `{"data":{"errors":[{"message":"a","extensions":{"code":"TIMEOUT"}}]}}`, nil},
		{"ErrNotJSON", `ok`, nil},
		{"ErrNotObject", `[1]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			codes, _ := errorCodes([]byte(tt.body))
			if !reflect.DeepEqual(codes, tt.codes) {
				t.Errorf("got %v, want %v", codes, tt.codes)
			}
		})
	}
}

// Each limit's refusal is counted under its own name, read from the real
// server's answers.
func TestRefusedByLimit(t *testing.T) {
	m := MustRunMain(t, "-metrics-addr", "127.0.0.1:0", "-max-depth", "4", "-max-aliases", "1", "-max-complexity", "20",
		"-max-tokens", "60", "-max-body", "3000", "-max-first", "5", "-max-fields", "8")
	tests := []struct {
		name, limit, query string
		status             int
	}{
		{"ErrDepth", "depth", `{ entity(id: "person/ma-shanxiang") { relations { target { relations { predicate } } } } }`, 200},
		{"ErrAliases", "aliases", `{ a: graphVersion b: graphVersion }`, 200},
		{"ErrComplexity", "complexity", `{ entities(first: 5) { edges { node { id name } } } }`, 200},
		{"ErrFields", "fields", `{ entity(id: "person/ma-shanxiang") { id name aliases description type } graphVersion sources { id } }`, 200},
		{"ErrTokens", "tokens", "{ " + strings.Repeat("graphVersion ", 70) + "}", 200},
		{"ErrBody", "body", "{ graphVersion " + strings.Repeat(" ", 4000) + "}", 413},
		{"ErrFirst", "first", `{ entities(first: 6) { totalCount } }`, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series := `civicgraph_refused_requests_total{limit="` + tt.limit + `"}`
			before := scrape(t, m)[series]
			resp, b := send(t, http.MethodPost, m.URL()+"/graphql", nil, gqlBody(tt.query, nil))
			if resp.StatusCode != tt.status || !strings.Contains(string(b), "LIMIT_EXCEEDED") {
				t.Fatalf("%d %s, want %d with LIMIT_EXCEEDED", resp.StatusCode, b, tt.status)
			}
			if after := scrape(t, m)[series]; after != before+1 {
				t.Errorf("%s went from %v to %v, want one more", series, before, after)
			}
		})
	}
}
