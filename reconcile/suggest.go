package reconcile

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
)

// Suggest services complete what a person types: GET
// /reconcile/suggest/{entity,type,property}?prefix=…[&cursor=n][&type=…]
// [&limit=n]. An entity, type or property is suggested when the prefix is
// its name or an alias (a type's or property's English label or id), the
// start of one, or its pinyin, pinyin initials or the start of those
// (马善, ma shan, msx); an id or IRI suggests its entity. Parts of names
// and near misses, which reconciliation queries find, are left out:
// suggestions complete, they do not guess. cursor skips that many
// suggestions; limit (default 10) is at most the largest query limit.

// SuggestResponse is the answer of a suggest service.
type SuggestResponse struct {
	Result []Suggestion `json:"result"`
}

// Suggestion is one suggested entity, type or property.
type Suggestion struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Notable     []Type `json:"notable,omitempty"` // an entity's type
}

// completes reports whether a search hit completes its text rather than
// guesses at it.
func completes(h search.Hit) bool {
	switch h.How {
	case search.Exact, search.Alias, search.Prefix, search.Pinyin:
		return true
	}
	return false
}

// Indexes of the types and properties, for suggest: each named by its
// Chinese label, with its English label and id as aliases.
var (
	typeIndex = func() *search.Index {
		var es []search.Entry
		for _, k := range kg.Kinds {
			t := typeOf(k)
			zh, en, _ := strings.Cut(t.Name, " / ")
			es = append(es, search.Entry{ID: t.ID, Name: zh, Aliases: []string{en, t.ID, className(k)}})
		}
		return search.Build(es)
	}()
	propertyIndex = func() *search.Index {
		var es []search.Entry
		for i, p := range properties {
			// Earlier properties are the more useful: they rank first.
			es = append(es, search.Entry{ID: p.ID, Name: p.Label, Aliases: []string{p.LabelEn, p.ID}, Degree: len(properties) - i})
		}
		return search.Build(es)
	}()
)

func typeIDs() []string {
	out := make([]string, len(kg.Kinds))
	for i, k := range kg.Kinds {
		out[i] = string(k)
	}
	return out
}

func propertyIDs() []string {
	out := make([]string, len(properties))
	for i, p := range properties {
		out[i] = p.ID
	}
	return out
}

// parsePositive reads a whole number of at least 1.
func parsePositive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, errors.New("not a whole number of at least 1")
	}
	return n, nil
}

// suggest answers /reconcile/suggest/{entity,type,property}.
func (h *Handler) suggest(w http.ResponseWriter, r *http.Request) {
	if !onlyGet(w, r) {
		return
	}
	g := graphOf(r)
	what := r.PathValue("what")
	if what != "entity" && what != "type" && what != "property" {
		writeError(w, http.StatusNotFound, "no suggest service %q: use entity, type or property", what)
		return
	}
	q := r.URL.Query()
	prefix := strings.TrimSpace(q.Get("prefix"))
	cursor, limit := 0, min(defaultLimit, h.cfg.MaxLimit)
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "cursor must be a whole number of at least 0, not %q", c)
			return
		}
		cursor = n
	}
	if l := q.Get("limit"); l != "" {
		n, err := h.parseLimit(l)
		if err != nil {
			fail(w, r, err)
			return
		}
		limit = n
	}
	var kinds []kg.Kind
	if t := q.Get("type"); t != "" {
		k, ok := h.lookupType(t)
		if !ok {
			writeError(w, http.StatusBadRequest, "unknown type %q: want one of %s", t, kindNames())
			return
		}
		kinds = []kg.Kind{k}
	}
	s := &session{h: h, r: r, g: g, rd: newReader(r.Context(), g)}
	var out []Suggestion
	var err error
	switch what {
	case "entity":
		out, err = s.suggestEntities(prefix, kinds, cursor+limit)
	case "type":
		out = suggestFrom(typeIndex, typeIDs(), prefix, cursor+limit, func(id string) (Suggestion, bool) {
			t := typeOf(kg.Kind(id))
			return Suggestion{ID: t.ID, Name: t.Name, Description: t.Description}, true
		})
	case "property":
		out = suggestFrom(propertyIndex, propertyIDs(), prefix, cursor+limit, func(id string) (Suggestion, bool) {
			p, _ := h.lookupProperty(id)
			if len(kinds) > 0 && !p.AppliesTo(kinds[0]) {
				return Suggestion{}, false
			}
			return Suggestion{ID: p.ID, Name: p.Name(), Description: p.Doc}, true
		})
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	if cursor >= len(out) {
		out = nil
	} else {
		out = out[cursor:]
	}
	if out == nil {
		out = []Suggestion{}
	}
	writeJSON(w, http.StatusOK, SuggestResponse{Result: out})
}

// searchDepth is how many hits to ask the index for to keep n that
// complete the text: parts of names and near misses take places.
func searchDepth(n int) int { return min(4*n+20, 1000) }

// suggestFrom suggests from a small index of types or properties, whose
// ids are all (in their order); an empty prefix lists them all.
func suggestFrom(ix *search.Index, all []string, prefix string, n int, suggestion func(string) (Suggestion, bool)) []Suggestion {
	ids := all
	if prefix != "" {
		ids = nil
		hits, _ := ix.Search(prefix, nil, ix.Len())
		for _, hit := range hits {
			if completes(hit) {
				ids = append(ids, hit.ID)
			}
		}
	}
	var out []Suggestion
	for _, id := range ids {
		if s, ok := suggestion(id); ok && len(out) < n {
			out = append(out, s)
		}
	}
	return out
}

// suggestEntities suggests the first n entities the prefix completes.
func (s *session) suggestEntities(prefix string, kinds []kg.Kind, n int) ([]Suggestion, error) {
	if prefix == "" {
		return nil, nil
	}
	var ids []string
	if id, ok := s.idOf(prefix); ok {
		ids = append(ids, id)
	}
	hits, err := s.g.Index().Search(prefix, kinds, searchDepth(n))
	if err != nil && !errors.Is(err, search.ErrBadQuery) {
		return nil, err
	}
	for _, hit := range hits {
		if completes(hit) && len(ids) < n {
			ids = appendNew(ids, hit.ID)
		}
	}
	if err := s.rd.entities(ids); err != nil {
		return nil, err
	}
	var out []Suggestion
	for _, id := range ids {
		e := s.rd.ents[id]
		if e == nil || len(kinds) > 0 && e.Kind != kinds[0] {
			continue
		}
		out = append(out, Suggestion{ID: e.ID, Name: e.Name, Description: e.Category, Notable: []Type{brief(e.Kind)}})
	}
	return out, nil
}
