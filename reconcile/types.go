package reconcile

import (
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// The types are the kinds, named by their classes' labels in the
// vocabulary (kg.VocabTerms: Person is 人物 / person).

// className is the vocabulary class of a kind: person → Person.
func className(k kg.Kind) string {
	s := string(k)
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// typeOf is the reconciliation type of a kind.
func typeOf(k kg.Kind) Type {
	t := Type{ID: string(k), Name: string(k)}
	if term, ok := kg.LookupTerm(className(k)); ok && term.Class {
		t.Name = term.Label + " / " + term.LabelEn
		t.Description = term.Doc
	}
	return t
}

// brief is the type without its description, as candidates and
// suggestions name it.
func brief(k kg.Kind) Type {
	t := typeOf(k)
	t.Description = ""
	return t
}

// allTypes lists every kind's type, in the kinds' documented order.
func allTypes() []Type {
	out := make([]Type, len(kg.Kinds))
	for i, k := range kg.Kinds {
		out[i] = brief(k)
	}
	return out
}

// lookupType reads a type a client names: a kind (person), its class
// (Person), or either under the schema space (…/vocab/Person).
func (h *Handler) lookupType(s string) (kg.Kind, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, h.schemaSpace())
	for _, k := range kg.Kinds {
		if strings.EqualFold(s, string(k)) {
			return k, true
		}
	}
	return "", false
}

// kindNames lists the type ids for error messages.
func kindNames() string {
	s := make([]string, len(kg.Kinds))
	for i, k := range kg.Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// parseTypes reads the type field of a query: a type or a list of types.
// An unknown type is a bad request.
func (h *Handler) parseTypes(names []string) ([]kg.Kind, error) {
	var kinds []kg.Kind
	for _, n := range names {
		k, ok := h.lookupType(n)
		if !ok {
			return nil, bad("unknown type %q: want one of %s", n, kindNames())
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}
