package kg

import (
	"fmt"
	"strings"
)

// IRIs mints and reads public IRIs under one base, fixed at start:
// entities are {base}/id/{kind}/{slug}, predicates {base}/vocab/{name}.
type IRIs struct{ Base string }

// NewIRIs returns the minter for base, without a trailing slash.
func NewIRIs(base string) IRIs { return IRIs{Base: strings.TrimRight(base, "/")} }

// Entity returns the public IRI of an entity or source id.
func (b IRIs) Entity(id string) string { return b.Base + "/id/" + id }

// Predicate returns the public IRI of a vocabulary name.
func (b IRIs) Predicate(name string) string { return b.Base + "/vocab/" + name }

// ID accepts an id (person/ma-shanxiang) or an entity IRI under the base and
// returns the id.
func (b IRIs) ID(s string) (string, error) {
	if rest, ok := strings.CutPrefix(s, b.Base+"/id/"); ok {
		return rest, nil
	}
	if strings.Contains(s, "://") {
		return "", fmt.Errorf("%w: %q is not an IRI under %s/id/", ErrBadID, s, b.Base)
	}
	return s, nil
}

// PredicateName accepts a predicate name (award) or its IRI under the base.
func (b IRIs) PredicateName(s string) string {
	if rest, ok := strings.CutPrefix(s, b.Base+"/vocab/"); ok {
		return rest
	}
	return s
}
