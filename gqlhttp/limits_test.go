package gqlhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestMeasure(t *testing.T) {
	schema := graph.NewExecutableSchema(&graph.Resolver{MaxFirst: 1000}).Schema()
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  Cost
	}{
		{"OKScalar", `{ graphVersion }`, nil, Cost{Depth: 1, Complexity: 1}},
		{"OKTypename", `{ __typename }`, nil, Cost{Depth: 1, Complexity: 1}},
		// entity 1 + name 1 + honours 1 + 10 × (honour 1 + name 1) = 23.
		{"OKListWithoutFirst", `{ entity(id: "x") { name ... on Person { honours { honour { name } } } } }`, nil,
			Cost{Depth: 4, Complexity: 23}},
		// search 1 + 10 (a list not sized by the client) × (entity 1 + name 1).
		{"OKFirstDefault", `{ search(text: "a") { entity { name } } }`, nil, Cost{Depth: 3, Complexity: 21}},
		{"OKFirstLiteral", `{ search(text: "a", first: 3) { entity { name } } }`, nil, Cost{Depth: 3, Complexity: 7}},
		{"OKFirstVariable", `query($n: Int) { search(text: "a", first: $n) { entity { name } } }`, map[string]any{"n": json.Number("5")},
			Cost{Depth: 3, Complexity: 11}},
		// Above the maximum the resolver refuses with its own message.
		{"OKFirstClamped", `{ search(text: "a", first: 100000) { entity { name } } }`, nil, Cost{Depth: 3, Complexity: 1 + 1000*2}},
		{"OKFirstNegative", `{ search(text: "a", first: -1) { entity { name } } }`, nil, Cost{Depth: 3, Complexity: 1}},
		// A connection's edges are its page: entities 1 + 4 × (edges 1 + node 1 + id 1).
		{"OKConnection", `{ entities(first: 4) { edges { node { id } } } }`, nil, Cost{Depth: 4, Complexity: 13}},
		{"OKAliases", `{ a: graphVersion b: graphVersion graphVersion c: entity(id: "x") { d: name id } }`, nil,
			Cost{Depth: 2, Complexity: 6, Aliases: 4}},
		// A fragment spread twice counts twice, and is walked once.
		{"OKFragments", `{ entity(id: "x") { ...F ...F } } fragment F on Entity { name aliases }`, nil, Cost{Depth: 2, Complexity: 5}},
		{"OKIntrospectionCountsOnce", `{ __schema { types { name fields { name type { name ofType { name } } } } } }`, nil,
			Cost{Depth: 1, Complexity: 1, Introspection: true}},
		{"OKTypeIntrospection", `{ __type(name: "Query") { name } }`, nil, Cost{Depth: 1, Complexity: 1, Introspection: true}},
		// Lists not sized by the client count 10 each, whatever their default.
		{"OKTwoHops", `{ entity(id: "x") { relations { target { relations { target { name } } } } } }`, nil,
			Cost{Depth: 6, Complexity: 1 + 1 + 10*(1+1+10*(1+1))}},
		// Sized by the client: counted as asked.
		{"OKTwoHopsSized", `{ entity(id: "x") { relations(first: 100) { target { relations(first: 100) { target { name } } } } } }`, nil,
			Cost{Depth: 6, Complexity: 1 + 1 + 100*(1+1+100*(1+1))}},
		// An ordinary first exploration stays well under the default limit.
		{"OKExploring", `{ entities(type: PERSON) { edges { node { name relations { predicate target { name } evidence { quote } } } } } }`, nil,
			Cost{Depth: 6, Complexity: 1 + 10*(1+1+1+1+10*(1+1+1+1+10*1))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(schema, tt.query)
			if errs != nil {
				t.Fatal(errs)
			}
			if got := Measure(doc.Operations[0], tt.vars, 1000); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// With -max-first below a list's default the schema's default is lowered to
// it (graph.NewExecutableSchema), and a list a client did not size counts
// that many, not ListFactor.
func TestMeasureClampedDefault(t *testing.T) {
	tests := []struct {
		name     string
		maxFirst int
		query    string
		want     Cost
	}{
		// search 1 + 3 (its default, clamped) × (entity 1 + name 1).
		{"OKSearchDefaultClamped", 3, `{ search(text: "a") { entity { name } } }`, Cost{Depth: 3, Complexity: 1 + 3*2}},
		// entities 1 + 4 × (edges 1 + node 1 + id 1).
		{"OKConnectionDefaultClamped", 4, `{ entities { edges { node { id } } } }`, Cost{Depth: 4, Complexity: 1 + 4*3}},
		{"OKDefaultOverListFactor", 1000, `{ entities { edges { node { id } } } }`, Cost{Depth: 4, Complexity: 1 + ListFactor*3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := graph.NewExecutableSchema(&graph.Resolver{MaxFirst: tt.maxFirst}).Schema()
			doc, errs := gqlparser.LoadQuery(schema, tt.query)
			if errs != nil {
				t.Fatal(errs)
			}
			// No maxFirst: the schema's default alone sizes the list.
			if got := Measure(doc.Operations[0], nil, 0); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A document whose fragments each spread the next twice names 2^40 fields;
// measuring it must take no time and saturate, not overflow.
func TestMeasureExponentialFragments(t *testing.T) {
	schema := graph.NewExecutableSchema(&graph.Resolver{MaxFirst: 1000}).Schema()
	var b strings.Builder
	b.WriteString(`{ entity(id: "x") { ...F0 } }`)
	const n = 40
	for i := 0; i < n; i++ {
		next := "name"
		if i < n-1 {
			next = "...F" + strconv.Itoa(i+1) + " ...F" + strconv.Itoa(i+1)
		}
		b.WriteString(" fragment F" + strconv.Itoa(i) + " on Entity { " + next + " }")
	}
	doc, errs := gqlparser.LoadQuery(schema, b.String())
	if errs != nil {
		t.Fatal(errs)
	}
	c := Measure(doc.Operations[0], nil, 1000)
	if c.Complexity < 1<<30 || c.Complexity > costCap || c.Depth != 2 {
		t.Errorf("got %+v, want a saturated complexity and depth 2", c)
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name   string
		accept []string
		want   string
		ok     bool
	}{
		{"OKNone", nil, mediaJSON, true},
		{"OKEmpty", []string{""}, mediaJSON, true},
		{"OKJSON", []string{"application/json"}, mediaJSON, true},
		{"OKGraphQLResponse", []string{"application/graphql-response+json"}, mediaGraphQLResponse, true},
		{"OKAny", []string{"*/*"}, mediaJSON, true},
		{"OKBrowser", []string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, mediaJSON, true},
		{"OKFirstOnTie", []string{"application/graphql-response+json, application/json"}, mediaGraphQLResponse, true},
		{"OKHigherQ", []string{"application/graphql-response+json;q=0.5, application/json"}, mediaJSON, true},
		{"OKTwoHeaders", []string{"text/plain", "application/graphql-response+json"}, mediaGraphQLResponse, true},
		{"ErrNoneAcceptable", []string{"text/html"}, "", false},
		{"ErrRefused", []string{"application/json;q=0"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := negotiate(tt.accept)
			if got != tt.want || ok != tt.ok {
				t.Errorf("negotiate(%q) = %q, %v; want %q, %v", tt.accept, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// gqlgen's and the parser's own errors reach clients with the contract's
// codes only.
func TestPresentRequestErrors(t *testing.T) {
	withCode := func(msg, code string) error {
		e := gqlerror.Errorf("%s", msg)
		errcode.Set(e, code)
		return e
	}
	deadline, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		err       error
		msg, code string
	}{
		{"OKParse", context.Background(), withCode("Expected Name, found <EOF>", errcode.ParseFailed), "Expected Name, found <EOF>", "BAD_USER_INPUT"},
		{"OKValidation", context.Background(), withCode(`Cannot query field "x"`, errcode.ValidationFailed), `Cannot query field "x"`, "BAD_USER_INPUT"},
		{"OKUncoded", context.Background(), gqlerror.Errorf("operation X not found"), "operation X not found", "BAD_USER_INPUT"},
		{"OKTokenLimit", context.Background(), withCode("exceeded token limit of 10", errcode.ParseFailed), "exceeded token limit of 10", "LIMIT_EXCEEDED"},
		{"OKGqlgenComplexity", context.Background(), withCode("operation has complexity 9", "COMPLEXITY_LIMIT_EXCEEDED"), "operation has complexity 9", "LIMIT_EXCEEDED"},
		{"OKLimit", context.Background(), requestError(graph.LimitExceeded, "too deep"), "too deep", "LIMIT_EXCEEDED"},
		{"OKWrappedDeadline", context.Background(), fmt.Errorf("read edges: %w", context.DeadlineExceeded), "the query took too long", "TIMEOUT"},
		{"OKPastDeadline", deadline, errors.New("iterator stopped"), "the query took too long", "TIMEOUT"},
		{"OKCancelled", context.Background(), fmt.Errorf("read: %w", context.Canceled), "the request was cancelled", "UNAVAILABLE"},
		{"OKCoded", context.Background(), graph.Errorf(graph.BadUserInput, "bad %s", "thing"), "bad thing", "BAD_USER_INPUT"},
		{"OKCodedWrapped", context.Background(), fmt.Errorf("page: %w", graph.Errorf(graph.LimitExceeded, "too big")), "too big", "LIMIT_EXCEEDED"},
		{"OKDeadline", context.Background(), context.DeadlineExceeded, "the query took too long", "TIMEOUT"},
		{"ErrInternalHidden", context.Background(), os.ErrPermission, "internal error", "INTERNAL"},
		{"ErrStoreUnavailable", context.Background(), fmt.Errorf("read edges: %w: connection refused", store.ErrUnavailable), "the graph's store is unavailable: try again shortly", "UNAVAILABLE"},
		{"ErrStoreUnavailablePastDeadline", deadline, fmt.Errorf("read: %w", store.ErrUnavailable), "the graph's store is unavailable: try again shortly", "UNAVAILABLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PresentError(tt.ctx, tt.err)
			if got.Message != tt.msg || got.Extensions["code"] != tt.code {
				t.Errorf("got %q %v, want %q %s", got.Message, got.Extensions["code"], tt.msg, tt.code)
			}
		})
	}
}

func TestCollapseTimeouts(t *testing.T) {
	timeout := func() *gqlerror.Error {
		return &gqlerror.Error{Message: "the query took too long", Extensions: map[string]any{"code": "TIMEOUT"}}
	}
	other := &gqlerror.Error{Message: "bad", Extensions: map[string]any{"code": "BAD_USER_INPUT"}}
	got := collapseTimeouts(gqlerror.List{timeout(), other, timeout(), timeout()})
	if len(got) != 2 || got[0].Message != "the query took too long (3 fields were cut off)" || got[1] != other {
		t.Errorf("got %v", got)
	}
}

// panicky is an executor that fails as a bug would, to show that the
// transport still answers with a GraphQL error.
type panicky struct{ graphql.GraphExecutor }

func (panicky) CreateOperationContext(context.Context, *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	panic("secret internals")
}

// The endpoint recovers, and the response cache lets the next identical
// request through: it does not wait for the one that panicked.
func TestTransportRecovers(t *testing.T) {
	h := testHandler(t, func(c *Config) { c.ResponseCache = 1 << 20 })
	h.exec = panicky{h.exec}
	for _, name := range []string{"ErrFirst", "ErrSecond"} {
		t.Run(name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			r.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(w, r)
			var resp struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("%v: %s", err, w.Body)
			}
			if w.Code != http.StatusInternalServerError || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "INTERNAL" ||
				strings.Contains(w.Body.String(), "secret") || w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("status %d headers %v body %s", w.Code, w.Header(), w.Body)
			}
		})
	}
}
