package reconcile

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
	"github.com/civicgraph/civicgraph/store"
)

// queryIn is one query of a batch as the client sends it.
type queryIn struct {
	Query      *string         `json:"query"`
	Type       json.RawMessage `json:"type"`
	Limit      *json.Number    `json:"limit"`
	Properties []conditionIn   `json:"properties"`
	TypeStrict *string         `json:"type_strict"`
}

type conditionIn struct {
	PID *string         `json:"pid"`
	V   json.RawMessage `json:"v"`
}

// query is a checked query.
type query struct {
	text       string // trimmed; "" when none
	kinds      []kg.Kind
	limit      int
	conditions []condition
}

// condition is a property condition: the property and the values it
// should have.
type condition struct {
	prop   *property
	values []conditionValue
}

// conditionValue is one value of a condition: text, or an entity by id
// (a reconciled cell).
type conditionValue struct {
	text string
	id   string
}

// Candidate is one candidate of a result.
type Candidate struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Type        []Type    `json:"type"`
	Score       float64   `json:"score"`
	Features    []Feature `json:"features"`
	Match       bool      `json:"match"`
}

// Feature is one matching feature of a candidate.
type Feature struct {
	ID    string `json:"id"`
	Value any    `json:"value"` // a number or a boolean
}

// Result is the answer to one query.
type Result struct {
	Result []Candidate `json:"result"`
}

// Name scores by how search matched.
var nameScores = map[search.MatchKind]float64{
	search.Exact: 100, search.Alias: 95, search.Prefix: 80, search.Substring: 70, search.Pinyin: 60, search.Fuzzy: 50,
}

// Condition effects.
const (
	conditionHolds = 10
	conditionFails = -20
	decisiveScore  = 100
)

// queries answers a batch.
func (h *Handler) queries(w http.ResponseWriter, r *http.Request, g *store.Graph, raw string) {
	batch, err := h.parseBatch(raw)
	if err != nil {
		fail(w, r, err)
		return
	}
	s := &session{h: h, r: r, rd: newReader(r.Context(), g), g: g}
	out := make(map[string]Result, len(batch))
	for key, q := range batch {
		cands, err := s.reconcile(q)
		if err != nil {
			fail(w, r, err)
			return
		}
		out[key] = Result{Result: cands}
	}
	writeJSON(w, http.StatusOK, out)
}

// decodeStrict decodes one JSON value into v: numbers kept as written, no
// unknown fields, nothing after it.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// parseBatch reads and checks a query batch: a bad one is a bad request
// naming the query at fault.
func (h *Handler) parseBatch(raw string) (map[string]query, error) {
	var batch map[string]json.RawMessage
	if err := decodeStrict([]byte(raw), &batch); err != nil || batch == nil {
		if err == nil {
			err = errors.New("null")
		}
		return nil, bad(`queries must be a JSON object of queries by key, like {"q0":{"query":"马善祥"}}: %v`, err)
	}
	if len(batch) > h.cfg.MaxQueries {
		return nil, bad("a batch may hold at most %d queries (the manifest's batchSize), not %d", h.cfg.MaxQueries, len(batch))
	}
	out := make(map[string]query, len(batch))
	for key, rawQ := range batch {
		q, err := h.parseQuery(rawQ)
		if err != nil {
			return nil, bad("query %q: %v", key, err)
		}
		out[key] = q
	}
	return out, nil
}

func (h *Handler) parseQuery(raw json.RawMessage) (query, error) {
	var in queryIn
	if err := decodeStrict(raw, &in); err != nil {
		return query{}, fmt.Errorf("not a reconciliation query (fields query, type, limit, properties, type_strict): %v", err)
	}
	var q query
	if in.Query != nil {
		q.text = strings.TrimSpace(*in.Query)
	}
	if (in.Query == nil || *in.Query == "") && len(in.Properties) == 0 {
		return query{}, errors.New("give a non-empty query, properties, or both")
	}
	if len(in.Type) > 0 && !bytes.Equal(in.Type, []byte("null")) {
		var names []string
		var one string
		if err := json.Unmarshal(in.Type, &one); err == nil {
			names = []string{one}
		} else if err := json.Unmarshal(in.Type, &names); err != nil {
			return query{}, errors.New("type must be a type id or a list of type ids")
		}
		kinds, err := h.parseTypes(names)
		if err != nil {
			return query{}, err
		}
		q.kinds = kinds
	}
	if in.TypeStrict != nil && !slices.Contains([]string{"any", "should", "all"}, *in.TypeStrict) {
		return query{}, fmt.Errorf("type_strict must be any, should or all, not %q", *in.TypeStrict)
	}
	q.limit = min(defaultLimit, h.cfg.MaxLimit)
	if in.Limit != nil {
		n, err := h.parseLimit(in.Limit.String())
		if err != nil {
			return query{}, err
		}
		q.limit = n
	}
	for i, c := range in.Properties {
		if c.PID == nil || len(c.V) == 0 {
			return query{}, fmt.Errorf("properties[%d] needs pid and v", i)
		}
		p, ok := h.lookupProperty(*c.PID)
		if !ok {
			return query{}, unknownProperty(*c.PID)
		}
		vals, err := parseConditionValues(c.V)
		if err != nil {
			return query{}, fmt.Errorf("properties[%d] (%s): %v", i, p.ID, err)
		}
		q.conditions = append(q.conditions, condition{prop: p, values: vals})
	}
	return q, nil
}

// parseLimit reads a limit: a whole number from 1 to the largest limit.
func (h *Handler) parseLimit(s string) (int, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < 1 {
		return 0, bad("limit must be a whole number of at least 1, not %s", s)
	}
	if f > float64(h.cfg.MaxLimit) {
		return 0, bad("limit may be at most %d, not %s", h.cfg.MaxLimit, s)
	}
	return int(f), nil
}

// parseConditionValues reads v: a value or a list of values, each a
// string, number, boolean or entity ({"id":…,"name":…}).
func parseConditionValues(raw json.RawMessage) ([]conditionValue, error) {
	raw = bytes.TrimSpace(raw)
	items := []json.RawMessage{raw}
	if len(raw) > 0 && raw[0] == '[' {
		items = nil
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return nil, errors.New("v is an empty list")
		}
	}
	var out []conditionValue
	for _, item := range items {
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case string:
			out = append(out, conditionValue{text: strings.TrimSpace(x)})
		case json.Number:
			out = append(out, conditionValue{text: x.String()})
		case bool:
			out = append(out, conditionValue{text: strconv.FormatBool(x)})
		case map[string]any:
			id, _ := x["id"].(string)
			if id == "" {
				return nil, errors.New(`an entity value needs an id: {"id":"place/hongtudi-shequ","name":"红土地社区"}`)
			}
			name, _ := x["name"].(string)
			out = append(out, conditionValue{id: id, text: strings.TrimSpace(name)})
		default:
			return nil, errors.New("v must be a string, number, boolean, entity or a list of these")
		}
	}
	return out, nil
}

// session answers the queries of one request.
type session struct {
	h  *Handler
	r  *http.Request
	g  *store.Graph
	rd *reader
}

// candidate is a candidate being scored.
type candidate struct {
	id       string
	score    float64
	features []Feature
	match    bool
	failed   bool // a property condition failed
}

// idOf reads an id a client gives: a short id, a canonical IRI, or an IRI
// under the host the request reached.
func (s *session) idOf(text string) (string, bool) {
	for _, iris := range []kg.IRIs{s.h.cfg.IRIs, kg.NewIRIs("http://" + s.r.Host), kg.NewIRIs("https://" + s.r.Host)} {
		if id, err := iris.ID(text); err == nil {
			if _, _, err := kg.ParseID(id); err == nil {
				return id, true
			}
		}
	}
	return "", false
}

// reconcile answers one query, as the package documentation says.
func (s *session) reconcile(q query) ([]Candidate, error) {
	var cands []*candidate
	var decisive []condition
	for _, c := range q.conditions {
		if c.prop.Scheme != "" {
			decisive = append(decisive, c)
		}
	}
	switch {
	case len(decisive) > 0:
		ids, err := s.identified(decisive)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			cands = append(cands, &candidate{id: id, score: decisiveScore, match: true, features: []Feature{{ID: "identifier", Value: true}}})
		}
	case q.text == "":
	default:
		if id, ok := s.idOf(q.text); ok {
			cands = append(cands, &candidate{id: id, score: decisiveScore, match: true, features: []Feature{{ID: "id", Value: true}}})
			break
		}
		hits, err := s.g.Index().Search(q.text, q.kinds, max(2*q.limit, q.limit+10))
		if errors.Is(err, search.ErrBadQuery) {
			break // text that cannot be a name finds nothing
		}
		if err != nil {
			return nil, err
		}
		safe := safeHit(hits)
		for i, hit := range hits {
			cands = append(cands, &candidate{id: hit.ID, score: nameScores[hit.How], match: i == safe,
				features: []Feature{{ID: "name", Value: nameScores[hit.How]}, {ID: "name_" + strings.ToLower(hit.How.String()), Value: true}}})
		}
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	if err := s.rd.entities(ids); err != nil {
		return nil, err
	}
	// Entities gone from the graph, or of no requested type, are no
	// candidates.
	cands = slices.DeleteFunc(cands, func(c *candidate) bool {
		e := s.rd.ents[c.id]
		return e == nil || len(q.kinds) > 0 && !slices.Contains(q.kinds, e.Kind)
	})
	if len(cands) > 0 {
		if err := s.applyConditions(q, cands); err != nil {
			return nil, err
		}
	}
	for _, c := range cands {
		c.score = max(c.score, 0)
		if c.failed && !hasFeature(c, "identifier", "id") {
			c.match = false
		}
	}
	slices.SortStableFunc(cands, func(a, b *candidate) int { return cmp.Compare(b.score, a.score) })
	if len(cands) > q.limit {
		cands = cands[:q.limit]
	}
	if len(cands) > 1 && cands[0].match && cands[1].match {
		for _, c := range cands {
			c.match = false // two entities carry one identifier: ask a person
		}
	}
	out := make([]Candidate, len(cands))
	for i, c := range cands {
		e := s.rd.ents[c.id]
		out[i] = Candidate{ID: e.ID, Name: e.Name, Description: e.Category, Type: []Type{brief(e.Kind)}, Score: c.score, Features: c.features, Match: c.match}
	}
	return out, nil
}

func hasFeature(c *candidate, ids ...string) bool {
	for _, f := range c.features {
		if slices.Contains(ids, f.ID) {
			return true
		}
	}
	return false
}

// safeHit is the index of the hit that may be auto-matched by its text, or
// -1: the only one whose name or alias is the text, with no other hit that
// contains the text. Hits come level by level (names, aliases, prefixes,
// substrings, then pinyin and near misses), so the second hit decides.
func safeHit(hits []search.Hit) int {
	named := func(h search.Hit) bool { return h.How == search.Exact || h.How == search.Alias }
	contains := func(h search.Hit) bool { return h.How == search.Prefix || h.How == search.Substring }
	if len(hits) == 0 || !named(hits[0]) {
		return -1
	}
	if len(hits) > 1 && (named(hits[1]) || contains(hits[1])) {
		return -1
	}
	return 0
}

// identified is the entities carrying every identifier condition's
// identifier (any of its values), sorted.
func (s *session) identified(conds []condition) ([]string, error) {
	var ids []string
	for i, c := range conds {
		var these []string
		for _, v := range c.values {
			raw := v.text
			if v.id != "" {
				raw = v.id
			}
			norm, err := kg.Normalize(c.prop.Scheme, raw)
			if err != nil {
				continue // not a valid identifier: names nothing
			}
			found, err := s.g.EntitiesByIdentifier(s.r.Context(), c.prop.Scheme, norm)
			if err != nil {
				return nil, err
			}
			for _, id := range found {
				these = appendNew(these, id)
			}
		}
		if i == 0 {
			ids = these
		} else {
			ids = slices.DeleteFunc(ids, func(id string) bool { return !slices.Contains(these, id) })
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// applyConditions scores the candidates by the query's conditions other
// than identifiers, which chose them already.
func (s *session) applyConditions(q query, cands []*candidate) error {
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	seen := map[string]int{}
	for _, cond := range q.conditions {
		if cond.prop.Scheme != "" {
			continue
		}
		// A feature's id is unique among a candidate's: a property given
		// twice is named community, community_2.
		seen[cond.prop.ID]++
		fid := cond.prop.ID
		if n := seen[fid]; n > 1 {
			fid += "_" + strconv.Itoa(n)
		}
		vals, err := cond.prop.values(s.rd, ids)
		if err != nil {
			return err
		}
		want, err := s.resolve(cond)
		if err != nil {
			return err
		}
		for _, c := range cands {
			holds := slices.ContainsFunc(vals[c.id], want.holds)
			c.features = append(c.features, Feature{ID: fid, Value: holds})
			if holds {
				c.score += conditionHolds
			} else {
				c.score += conditionFails
				c.failed = true
			}
		}
	}
	return nil
}

// wanted is what a condition's values name: entities (by id) and texts.
type wanted struct {
	ids   map[string]bool
	texts []string
}

// holds reports whether a property value is one the condition names.
func (w wanted) holds(v value) bool {
	if v.isEntity() {
		return w.ids[v.ID]
	}
	for _, t := range w.texts {
		if strings.EqualFold(strings.TrimSpace(v.Str), t) && t != "" {
			return true
		}
	}
	return false
}

// resolve reads what a condition's values name: an entity given by id or
// IRI, the entities whose name or alias a text is (as search compares
// names), and the texts themselves for literal values.
func (s *session) resolve(c condition) (wanted, error) {
	w := wanted{ids: map[string]bool{}}
	for _, v := range c.values {
		if v.id != "" {
			if id, ok := s.idOf(v.id); ok {
				w.ids[id] = true
				continue
			}
		}
		if v.text == "" {
			continue
		}
		w.texts = append(w.texts, v.text)
		if id, ok := s.idOf(v.text); ok {
			w.ids[id] = true
			continue
		}
		var kinds []kg.Kind
		if c.prop.Range != "" {
			kinds = []kg.Kind{c.prop.Range}
		}
		hits, err := s.g.Index().Search(v.text, kinds, 10)
		if errors.Is(err, search.ErrBadQuery) {
			continue
		}
		if err != nil {
			return wanted{}, err
		}
		for _, hit := range hits {
			if hit.How == search.Exact || hit.How == search.Alias {
				w.ids[hit.ID] = true
			}
		}
	}
	return w, nil
}
