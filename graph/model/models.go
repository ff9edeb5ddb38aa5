// Package model holds the Go types the GraphQL schema binds to: thin views
// over the domain types of package kg and the read layer's results.
package model

import (
	"encoding/base64"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
	"github.com/civicgraph/civicgraph/store"
)

// Base is what every entity type shares: the domain entity it shows and the
// IRI minter of the server.
type Base struct {
	E    *kg.Entity
	IRIs kg.IRIs
}

func (Base) IsEntity() {}

func (b Base) ID() string                { return b.E.ID }
func (b Base) Name() string              { return b.E.Name }
func (b Base) Aliases() []string         { return nonNil(b.E.Aliases) }
func (b Base) Pinyin() string            { return search.Romanize(b.E.Name, b.E.Kind, b.E.Pinyin) }
func (b Base) Description() *string      { return optional(b.E.Description) }
func (b Base) Category() *string         { return optional(b.E.Category) }
func (b Base) Identifiers() []Identifier { return identifiers(b.E.Identifiers) }
func (b Base) Type() EntityType          { return TypeOf(b.E.Kind) }
func (b Base) Iri() string               { return b.IRIs.Entity(b.E.ID) }

// The entity types, one per kind.
type (
	Person       struct{ Base }
	Company      struct{ Base }
	Organization struct{ Base }
	Place        struct{ Base }
	Honour       struct{ Base }
	Project      struct{ Base }
	Document     struct{ Base }
	Event        struct{ Base }
)

// NewEntity wraps e in the GraphQL type of its kind; nil stays nil.
func NewEntity(e *kg.Entity, iris kg.IRIs) Entity {
	if e == nil {
		return nil
	}
	b := Base{E: e, IRIs: iris}
	switch e.Kind {
	case kg.Person:
		return &Person{b}
	case kg.Company:
		return &Company{b}
	case kg.Organization:
		return &Organization{b}
	case kg.Place:
		return &Place{b}
	case kg.Honour:
		return &Honour{b}
	case kg.Project:
		return &Project{b}
	case kg.Document:
		return &Document{b}
	}
	return &Event{b}
}

// NewStub is the entity at the other end of an edge as the edge knows it:
// its id, its kind (the id's first part) and its name. It answers every
// field but its attributes (see NeedsAttributes), which take a read. Nil
// when id names no entity or the name is unknown.
func NewStub(id, name string, iris kg.IRIs) Entity {
	return NewStubs([]string{id}, []string{name}, iris)[0]
}

// NewStubs makes the stubs of the entities ids, named names, together.
func NewStubs(ids, names []string, iris kg.IRIs) []Entity {
	es := make([]kg.Entity, len(ids)) // one allocation for all
	out := make([]Entity, len(ids))
	for i, id := range ids {
		// The ids come from the store, which holds valid ones: the kind is
		// all that is needed of them.
		kind, _, ok := strings.Cut(id, "/")
		if !ok || !kg.Kind(kind).Valid() || names[i] == "" {
			continue
		}
		es[i] = kg.Entity{ID: id, Kind: kg.Kind(kind), Name: names[i]}
		out[i] = NewEntity(&es[i], iris)
	}
	return out
}

// NeedsAttributes reports whether field, of one of the entity types,
// reads the attributes of the entity, which a stub lacks: the methods of
// Base but its id, name, kind and IRI. (The other fields are resolvers,
// which read by id.)
func NeedsAttributes(field string) bool {
	switch field {
	case "aliases", "pinyin", "description", "category", "identifiers":
		return true
	}
	return false
}

// EntityTypes are the names of the entity types and their interface: a
// fragment on any of them may select an entity's fields.
var EntityTypes = []string{"Entity", "Person", "Company", "Organization", "Place", "Honour", "Project", "Document", "Event"}

// IDOf returns the id of an entity value of any of the types above.
func IDOf(e Entity) string {
	if b, ok := e.(interface{ EntityID() string }); ok {
		return b.EntityID()
	}
	return ""
}

// EntityID is the id, for code that holds an Entity of unknown type.
func (b Base) EntityID() string { return b.E.ID }

// TypeOf maps a kind to its GraphQL enum value.
func TypeOf(k kg.Kind) EntityType { return EntityType(strings.ToUpper(string(k))) }

// KindOf maps a GraphQL enum value to its kind.
func KindOf(t EntityType) kg.Kind { return kg.Kind(strings.ToLower(string(t))) }

// Relation is one relation read from one end; Target is the entity at the
// other end, read with the list when the query asks for it.
type Relation struct {
	store.Edge
	IRIs   kg.IRIs
	Target Entity
}

func (r *Relation) PredicateIri() string { return r.IRIs.Predicate(r.Predicate) }

func (r *Relation) Direction() Direction {
	if r.Dir == store.In {
		return DirectionIn
	}
	return DirectionOut
}

func (r *Relation) Label() string {
	p, _ := kg.LookupPredicate(r.Predicate)
	if p == nil {
		return r.Predicate
	}
	if r.Dir == store.In {
		return p.Inverse
	}
	return p.Label
}

func (r *Relation) LabelEn() string {
	p, _ := kg.LookupPredicate(r.Predicate)
	if p == nil {
		return r.Predicate
	}
	if r.Dir == store.In {
		return p.InverseEn
	}
	return p.LabelEn
}

// Cursor names the relation by its statement and direction, which stay the
// same whatever else the list holds.
func (r *Relation) Cursor() string { return RelationCursor(r.Edge) }

// RelationCursor is the opaque cursor of an edge.
func RelationCursor(e store.Edge) string {
	d := "o"
	if e.Dir == store.In {
		d = "i"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(d + ":" + e.Statement))
}

func (r *Relation) Qualifiers() []kg.Qualifier { return nonNil(r.Edge.Qualifiers) }
func (r *Relation) Evidence() []kg.Evidence    { return nonNil(r.Edge.Evidence) }

// Identifier is an identifier of an entity in another dataset.
type Identifier struct{ kg.Identifier }

// URL is the page about the value, nil when its scheme has none.
func (i *Identifier) URL() *string { return optional(i.Identifier.URL()) }

func identifiers(ids []kg.Identifier) []Identifier {
	out := make([]Identifier, len(ids))
	for i, id := range ids {
		out[i] = Identifier{id}
	}
	return out
}

// HonourAward is an honour received, read from the recipient's award
// relation; Honour is read with the list when the query asks for it.
type HonourAward struct {
	HonourID     string
	Honour       *Honour
	Time         *string
	TimeInferred bool
	Evidence     []kg.Evidence
}

// Figure is a number the source gives.
type Figure struct{ kg.Figure }

func (f *Figure) Modifier() *string       { return optional(f.Figure.Modifier) }
func (f *Figure) Period() *string         { return optional(f.Figure.Period) }
func (f *Figure) Evidence() []kg.Evidence { return nonNil(f.Figure.Evidence) }

// Source is a source document.
type Source struct {
	kg.Source
	IRIs kg.IRIs
}

func (s *Source) Iri() string        { return s.IRIs.Entity(s.ID) }
func (s *Source) Publisher() *string { return optional(s.Source.Publisher) }
func (s *Source) Date() *string      { return optional(s.Source.Date) }
func (s *Source) Rights() *string    { return optional(s.Source.Rights) }

// Predicate is a predicate of the vocabulary.
type Predicate struct {
	P    *kg.Predicate
	IRIs kg.IRIs
}

func (p *Predicate) Name() string           { return p.P.Name }
func (p *Predicate) Iri() string            { return p.IRIs.Predicate(p.P.Name) }
func (p *Predicate) Label() string          { return p.P.Label }
func (p *Predicate) LabelEn() string        { return p.P.LabelEn }
func (p *Predicate) InverseLabel() string   { return p.P.Inverse }
func (p *Predicate) InverseLabelEn() string { return p.P.InverseEn }
func (p *Predicate) Equivalent() *string    { return optional(p.P.Maps) }
func (p *Predicate) Description() string    { return p.P.Doc }

// SearchHit is one search result; Entity is read with the hits when the
// query asks for it.
type SearchHit struct {
	EntityID string
	Entity   Entity
	Score    float64
	Matched  string
	How      MatchKind
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
