// Package kg is civicgraph's domain: entity kinds, ids, the relation vocabulary,
// qualifiers and time values. It imports neither Cayley nor gqlgen, so the loader
// (which writes the graph) and the API (which reads it) share one definition.
package kg

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Kind is the kind of an entity, the first segment of its id.
type Kind string

// The entity kinds. Source is not an entity kind: sources hold the text that
// evidence quotes, and have ids of the same shape.
const (
	Person       Kind = "person"
	Company      Kind = "company"
	Organization Kind = "organization"
	Place        Kind = "place"
	Honour       Kind = "honour"
	Project      Kind = "project"
	Document     Kind = "document"
	Event        Kind = "event"
)

// SourceKind is the id prefix of source documents.
const SourceKind = "source"

// Kinds lists the entity kinds in their documented order.
var Kinds = []Kind{Person, Company, Organization, Place, Honour, Project, Document, Event}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Sentinel errors, checked with errors.Is.
var (
	ErrBadID   = errors.New("malformed id")
	ErrBadKind = errors.New("unknown kind")
	ErrBadTime = errors.New("malformed time value")
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ParseID splits an id of the form kind/slug, where slug is lower-case ASCII
// words (toneless pinyin, digits) joined by single hyphens.
func ParseID(id string) (Kind, string, error) {
	kind, slug, ok := strings.Cut(id, "/")
	if !ok || kind == "" || slug == "" {
		return "", "", fmt.Errorf("%w %q: want kind/slug, like person/ma-shanxiang", ErrBadID, id)
	}
	if !slugRE.MatchString(slug) {
		return "", "", fmt.Errorf("%w %q: the slug must be lower-case toneless pinyin (a-z, 0-9) joined by single hyphens, like ma-shanxiang", ErrBadID, id)
	}
	if !Kind(kind).Valid() {
		return "", "", fmt.Errorf("%w %q in id %q: want one of %s", ErrBadKind, kind, id, kindList())
	}
	return Kind(kind), slug, nil
}

// ParseSourceID checks an id of the form source/slug.
func ParseSourceID(id string) error {
	kind, slug, ok := strings.Cut(id, "/")
	if !ok || kind != SourceKind || !slugRE.MatchString(slug) {
		return fmt.Errorf("%w %q: want source/slug, the slug lower-case a-z and 0-9 joined by single hyphens", ErrBadID, id)
	}
	return nil
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
