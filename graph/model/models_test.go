package model

import (
	"reflect"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
)

// TestNeedsAttributes: every field Base answers reads an attribute a stub
// lacks, but for the id, name, kind and IRI, which a stub knows. A field
// added to Base and not to NeedsAttributes fails here.
func TestNeedsAttributes(t *testing.T) {
	known := map[string]bool{"ID": true, "Name": true, "Type": true, "Iri": true}
	internal := map[string]bool{"IsEntity": true, "EntityID": true} // not fields
	typ := reflect.TypeFor[Base]()
	for i := range typ.NumMethod() {
		method := typ.Method(i).Name
		if internal[method] {
			continue
		}
		field := strings.ToLower(method[:1]) + method[1:]
		if method == "ID" {
			field = "id"
		}
		t.Run("OK"+method, func(t *testing.T) {
			if got, want := NeedsAttributes(field), !known[method]; got != want {
				t.Errorf("NeedsAttributes(%q) = %v, want %v", field, got, want)
			}
		})
	}
}

// TestNewStub: a stub answers what it knows as the entity does.
func TestNewStub(t *testing.T) {
	iris := kg.NewIRIs("http://civicgraph.test")
	full := &kg.Entity{ID: "honour/gaige-xianfeng", Kind: kg.Honour, Name: "改革先锋", Aliases: []string{"x"}, Category: "荣誉称号"}
	tests := []struct {
		name, id, entityName string
		want                 Entity // nil: no stub
	}{
		{"OK", full.ID, full.Name, NewEntity(full, iris)},
		{"ErrNoName", full.ID, "", nil},
		{"ErrNotAnEntityID", "source/jiangbei-2021-05", "江北", nil},
		{"ErrMalformedID", "ma shanxiang", "马善祥", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewStub(tt.id, tt.entityName, iris)
			if tt.want == nil {
				if got != nil {
					t.Fatalf("stub %+v, want none", got)
				}
				return
			}
			g, ok := got.(*Honour)
			w := tt.want.(*Honour)
			if !ok {
				t.Fatalf("stub of type %T, want %T", got, tt.want)
			}
			if g.ID() != w.ID() || g.Name() != w.Name() || g.Type() != w.Type() || g.Iri() != w.Iri() {
				t.Errorf("stub %s %s %s %s, want %s %s %s %s", g.ID(), g.Name(), g.Type(), g.Iri(), w.ID(), w.Name(), w.Type(), w.Iri())
			}
		})
	}
}
