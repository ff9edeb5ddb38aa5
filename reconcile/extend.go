package reconcile

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// extendIn is a data extension query.
type extendIn struct {
	IDs        []string `json:"ids"`
	Properties []struct {
		ID       *string         `json:"id"`
		Settings json.RawMessage `json:"settings"`
	} `json:"properties"`
}

// ExtendResponse is the answer to a data extension query: a column per
// property (meta) and, per id, each property's values.
type ExtendResponse struct {
	Meta []ColumnMeta                       `json:"meta"`
	Rows map[string]map[string][]ExtendCell `json:"rows"`
}

// ColumnMeta describes one property of an extension.
type ColumnMeta struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type *Type  `json:"type,omitempty"` // of its entity values, when one
}

// ExtendCell is one value: an entity ({"id","name"}), a literal ({"str"})
// or nothing ({}), which keeps its row (an undated honour's time).
type ExtendCell struct {
	ID   string  `json:"id,omitempty"`
	Name string  `json:"name,omitempty"`
	Str  *string `json:"str,omitempty"`
}

// extend answers a data extension query. Each id gets each property's
// values, an empty list when it has none; an id the graph does not know
// gets empty lists. Values of several properties line up by position:
// award's third honour and awardTime's third time are one row of the
// sheet.
func (h *Handler) extend(w http.ResponseWriter, r *http.Request, g *store.Graph, raw string) {
	// The schema of an extension query, unlike a reconciliation query's,
	// allows fields it does not name: they are ignored.
	var in extendIn
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		writeError(w, http.StatusBadRequest, `extend must be a JSON data extension query, like {"ids":["person/ma-shanxiang"],"properties":[{"id":"award"}]}: %v`, err)
		return
	}
	if in.IDs == nil || in.Properties == nil {
		writeError(w, http.StatusBadRequest, "a data extension query needs ids and properties")
		return
	}
	if len(in.IDs) > h.cfg.MaxQueries {
		writeError(w, http.StatusBadRequest, "an extension may ask for at most %d ids, not %d", h.cfg.MaxQueries, len(in.IDs))
		return
	}
	var props []*property
	for i, p := range in.Properties {
		if p.ID == nil {
			writeError(w, http.StatusBadRequest, "properties[%d] needs an id", i)
			return
		}
		prop, ok := h.lookupProperty(*p.ID)
		if !ok {
			fail(w, r, unknownProperty(*p.ID))
			return
		}
		props = append(props, prop)
	}
	s := &session{h: h, r: r, g: g, rd: newReader(r.Context(), g)}
	// Ids as given, and the graph's id each names.
	known := map[string]string{}
	var ids []string
	for _, given := range in.IDs {
		if id, ok := s.idOf(given); ok {
			known[given] = id
			ids = appendNew(ids, id)
		}
	}
	if err := s.rd.entities(ids); err != nil {
		fail(w, r, err)
		return
	}
	ids = ids[:0]
	for _, given := range in.IDs {
		if id, ok := known[given]; ok && s.rd.ents[id] == nil {
			delete(known, given) // not in this graph version
		} else if ok {
			ids = appendNew(ids, id)
		}
	}
	resp := ExtendResponse{Rows: map[string]map[string][]ExtendCell{}}
	for _, given := range in.IDs {
		resp.Rows[given] = map[string][]ExtendCell{}
	}
	for _, p := range props {
		col := ColumnMeta{ID: p.ID, Name: p.Name()}
		if p.Range != "" {
			t := brief(p.Range)
			col.Type = &t
		}
		resp.Meta = append(resp.Meta, col)
		vals, err := p.values(s.rd, ids)
		if err != nil {
			fail(w, r, fmt.Errorf("extend %s: %w", p.ID, err))
			return
		}
		for _, given := range in.IDs {
			cells := []ExtendCell{}
			if id, ok := known[given]; ok && p.AppliesTo(s.rd.ents[id].Kind) {
				for _, v := range vals[id] {
					cells = append(cells, cell(v))
				}
			}
			resp.Rows[given][p.ID] = cells
		}
	}
	if resp.Meta == nil {
		resp.Meta = []ColumnMeta{}
	}
	writeJSON(w, http.StatusOK, resp)
}

// cell is a value as the extension writes it.
func cell(v value) ExtendCell {
	switch {
	case v.isEntity():
		return ExtendCell{ID: v.ID, Name: v.Name}
	case v.Str != "":
		s := v.Str
		return ExtendCell{Str: &s}
	}
	return ExtendCell{}
}

// ProposeResponse is a data extension property proposal.
type ProposeResponse struct {
	Type       string         `json:"type,omitempty"`
	Limit      int            `json:"limit,omitempty"`
	Properties []PropertyInfo `json:"properties"`
}

// PropertyInfo names a property.
type PropertyInfo struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

func (p *property) info() PropertyInfo {
	return PropertyInfo{ID: p.ID, Name: p.Name(), Description: p.Doc}
}

// propose answers GET /reconcile/propose_properties?type=…[&limit=…]: the
// properties entities of the type can be extended with, the most useful
// first. No type (OpenRefine sends type= for a column reconciled without
// one) proposes the properties of every type.
func (h *Handler) propose(w http.ResponseWriter, r *http.Request) {
	if !onlyGet(w, r) {
		return
	}
	q := r.URL.Query()
	var kind kg.Kind
	if t := q.Get("type"); t != "" {
		k, ok := h.lookupType(t)
		if !ok {
			writeError(w, http.StatusBadRequest, "unknown type %q: want one of %s", t, kindNames())
			return
		}
		kind = k
	}
	limit := 0
	if l := q.Get("limit"); l != "" {
		n, err := parsePositive(l)
		if err != nil {
			writeError(w, http.StatusBadRequest, "limit must be a whole number of at least 1, not %q", l)
			return
		}
		limit = n
	}
	resp := ProposeResponse{Type: q.Get("type"), Limit: limit, Properties: []PropertyInfo{}}
	for _, p := range properties {
		if kind == "" || p.AppliesTo(kind) {
			resp.Properties = append(resp.Properties, p.info())
		}
	}
	if limit > 0 && len(resp.Properties) > limit {
		resp.Properties = resp.Properties[:limit]
	}
	writeJSON(w, http.StatusOK, resp)
}
