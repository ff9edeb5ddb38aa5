package graph

import (
	"testing"

	"github.com/civicgraph/civicgraph/graph/generated"
)

// A `first` default above MaxFirst is lowered to it, in a schema of the
// handler's own: the generated schema the process shares keeps its
// defaults, and another handler with a larger MaxFirst sees those.
func TestNewExecutableSchemaClampsFirstDefaults(t *testing.T) {
	tests := []struct {
		name     string
		maxFirst int
		want     map[string]string // Query field: default of its first
	}{
		{"OKClamped", 5, map[string]string{"entities": "5", "search": "5"}},
		{"OKBetween", 50, map[string]string{"entities": "50", "search": "10"}},
		{"OKUnderMax", 1000, map[string]string{"entities": "100", "search": "10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := NewExecutableSchema(&Resolver{MaxFirst: tt.maxFirst}).Schema()
			for field, want := range tt.want {
				if got := schema.Query.Fields.ForName(field).Arguments.ForName("first").DefaultValue.Raw; got != want {
					t.Errorf("%s(first:) defaults to %s, want %s", field, got, want)
				}
			}
			if largestFirstDefault(schema) > max(tt.maxFirst, 0) {
				t.Errorf("a first default is above %d", tt.maxFirst)
			}
		})
	}
	shared := generated.NewExecutableSchema(generated.Config{}).Schema()
	if got := shared.Query.Fields.ForName("entities").Arguments.ForName("first").DefaultValue.Raw; got != "100" {
		t.Errorf("the shared schema's entities(first:) defaults to %s: clamping changed it", got)
	}
}

// A first the client passes is checked, never clamped; null gets the
// default, itself never above MaxFirst.
func TestCheckFirst(t *testing.T) {
	n := func(i int) *int { return &i }
	tests := []struct {
		name  string
		first *int
		def   int
		want  int
		code  Code
	}{
		{"OKDefault", nil, 100, 100, ""},
		{"OKDefaultClamped", nil, 2000, 1000, ""},
		{"OKGiven", n(7), 100, 7, ""},
		{"OKAtMax", n(1000), 100, 1000, ""},
		{"ErrOverMax", n(1001), 100, 0, LimitExceeded},
		{"ErrNegative", n(-1), 100, 0, BadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (&Resolver{MaxFirst: 1000}).checkFirst(tt.first, tt.def)
			if tt.code != "" {
				if e, ok := err.(*Error); !ok || e.Code != tt.code {
					t.Fatalf("got %d, %v; want a %s error", got, err, tt.code)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}
