package reconcile

import (
	"context"
	"slices"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// property is one property of the service: a condition of a query and a
// column a reconciled column can be extended with. Its values are entities
// (an id and a name) or literals.
type property struct {
	ID             string
	Label, LabelEn string
	Doc            string
	// Kinds are the types it applies to, all when empty.
	Kinds []kg.Kind
	// Range is the type of its entity values, "" for literals or when
	// they may be of several types.
	Range kg.Kind
	// Scheme is the identifier scheme of an identifier property: as a
	// condition it is decisive.
	Scheme string
	values func(rd *reader, ids []string) (map[string][]value, error)
}

// value is one value of a property: an entity, a literal, or nothing (a
// place holder that keeps a row of its own, as an undated honour's time).
type value struct {
	ID, Name string // an entity
	Str      string // a literal
}

func (v value) isEntity() bool { return v.ID != "" }

// Name is how a property is shown: its Chinese and English labels.
func (p *property) Name() string { return p.Label + " / " + p.LabelEn }

// AppliesTo reports whether the property applies to entities of kind k.
func (p *property) AppliesTo(k kg.Kind) bool { return len(p.Kinds) == 0 || slices.Contains(p.Kinds, k) }

// Township-level and county-level places: the 街道 (or 镇, 乡) and the 区
// (or 县) that contain an entity, by their category, or for a district by
// a county-level division code (500105, not 500100 or 500000).
var (
	streetCategories   = []string{"街道", "镇", "乡"}
	districtCategories = []string{"市辖区", "区", "县", "自治县", "县级市", "旗"}
)

// placeLinks are the relations that put an entity that is not a place in
// a place: where a person lives, where an organisation, company, project
// or event is, where a facility opened.
var placeLinks = []string{"residentOf", "location", "openedIn"}

// properties are every property, in the order proposals list them: the
// featured ones, then the other relations of the vocabulary, then the
// identifier schemes.
var properties = func() []*property {
	var out []*property
	rel := func(name string) *property {
		p, _ := kg.LookupPredicate(name)
		prop := &property{ID: p.Name, Label: p.Label, LabelEn: p.LabelEn, Doc: p.Doc, Kinds: p.Domain, values: relationValues(p.Name)}
		if len(p.Range) == 1 {
			prop.Range = p.Range[0]
		}
		return prop
	}
	award := rel("award")
	award.Doc = "the honours the entity received, in the order of their time (undated last); awardTime gives each one's time on the same row"
	out = append(out, award, &property{
		ID: "awardTime", Label: "获得荣誉时间", LabelEn: "award time",
		Doc:   "the time of each honour of award, on the same row as it (ISO 8601: 2013, 2012/2014); an empty cell when the source gives none",
		Kinds: award.Kinds, values: awardTimes,
	})
	featured := []string{"worksFor", "residentOf", "location", "containedInPlace"}
	for _, name := range featured {
		out = append(out, rel(name))
	}
	out = append(out,
		&property{ID: "street", Label: "所在街道", LabelEn: "street (subdistrict)", Range: kg.Place,
			Doc:    "the 街道, 镇 or 乡 the entity lies in: for a place, the one containing it; for anything else, the one containing where it is (residentOf, location, openedIn), or that place itself",
			values: levelValues(streetCategories, false)},
		&property{ID: "district", Label: "所在区县", LabelEn: "district", Range: kg.Place,
			Doc:    "the 区 or 县 the entity lies in, found as street is; a county-level division (division code 500105)",
			values: levelValues(districtCategories, true)},
		&property{ID: "community", Label: "相关地点", LabelEn: "community (linked place)", Range: kg.Place,
			Doc:    "any place linked to the entity: where it lies, the other end of any of its relations that is a place, where the organisations, companies, projects and events it is linked to lie, and every place containing those; as a condition, a person by name and community",
			values: communityValues},
	)
	for i := range kg.Vocabulary {
		name := kg.Vocabulary[i].Name
		if name != "award" && !slices.Contains(featured, name) {
			out = append(out, rel(name))
		}
	}
	for i := range kg.IdentifierSchemeTable {
		s := &kg.IdentifierSchemeTable[i]
		out = append(out, &property{ID: s.Name, Label: s.Label, LabelEn: s.LabelEn, Doc: s.Meaning + "; as a condition, decisive", Kinds: s.Kinds, Scheme: s.Name, values: identifierValues(s.Name)})
	}
	return out
}()

// lookupProperty reads a property a client names: its id, or its IRI
// under the schema space.
func (h *Handler) lookupProperty(s string) (*property, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), h.schemaSpace())
	for _, p := range properties {
		if p.ID == s {
			return p, true
		}
	}
	return nil, false
}

func unknownProperty(s string) error {
	return bad("unknown property %q: see GET /reconcile/propose_properties?type=… or /reconcile/suggest/property?prefix=…", s)
}

// reader reads entities and their relations for one request, each once.
type reader struct {
	ctx   context.Context
	g     *store.Graph
	ents  map[string]*kg.Entity
	edges map[string][]store.Edge
}

func newReader(ctx context.Context, g *store.Graph) *reader {
	return &reader{ctx: ctx, g: g, ents: map[string]*kg.Entity{}, edges: map[string][]store.Edge{}}
}

// entities reads the entities of ids not read yet; a missing one is nil.
func (rd *reader) entities(ids []string) error {
	var want []string
	for _, id := range ids {
		if _, ok := rd.ents[id]; !ok && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	ents, err := rd.g.Entities(rd.ctx, want)
	if err != nil {
		return err
	}
	for i, id := range want {
		rd.ents[id] = ents[i]
	}
	return nil
}

// relations reads the relations of ids not read yet.
func (rd *reader) relations(ids []string) error {
	var want []string
	for _, id := range ids {
		if _, ok := rd.edges[id]; !ok && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	edges, err := rd.g.Edges(rd.ctx, want)
	if err != nil {
		return err
	}
	for i, id := range want {
		rd.edges[id] = edges[i]
	}
	return nil
}

// kindOf is the kind of an id, from its form.
func kindOf(id string) kg.Kind {
	k, _, _ := strings.Cut(id, "/")
	return kg.Kind(k)
}

// relationValues are the entities at the other end of the entity's
// outgoing relations of predicate, in the read layer's order.
func relationValues(predicate string) func(*reader, []string) (map[string][]value, error) {
	return func(rd *reader, ids []string) (map[string][]value, error) {
		if err := rd.relations(ids); err != nil {
			return nil, err
		}
		out := map[string][]value{}
		for _, id := range ids {
			for _, e := range rd.edges[id] {
				if e.Predicate == predicate && e.Dir == store.Out {
					out[id] = append(out[id], value{ID: e.Other, Name: e.OtherName})
				}
			}
		}
		return out, nil
	}
}

// awardTimes is the time of each award, in award's order; an undated one
// is an empty value, so each time stays on its honour's row.
func awardTimes(rd *reader, ids []string) (map[string][]value, error) {
	if err := rd.relations(ids); err != nil {
		return nil, err
	}
	out := map[string][]value{}
	for _, id := range ids {
		for _, e := range rd.edges[id] {
			if e.Predicate == "award" && e.Dir == store.Out {
				t, _ := e.Qualifier(kg.QualTime)
				out[id] = append(out[id], value{Str: t.Value})
			}
		}
	}
	return out, nil
}

// identifierValues are the entity's identifiers under scheme.
func identifierValues(scheme string) func(*reader, []string) (map[string][]value, error) {
	return func(rd *reader, ids []string) (map[string][]value, error) {
		if err := rd.entities(ids); err != nil {
			return nil, err
		}
		out := map[string][]value{}
		for _, id := range ids {
			if e := rd.ents[id]; e != nil {
				for _, x := range e.Identifiers {
					if x.Scheme == scheme {
						out[id] = append(out[id], value{Str: x.Value})
					}
				}
			}
		}
		return out, nil
	}
}

// maxContainment bounds a walk up the containment of places.
const maxContainment = 12

// placesOf lists, for each id, the places it lies in, nearest first: for a
// place, the places containing it; for anything else, the places of its
// placeLinks and the places containing those.
func (rd *reader) placesOf(ids []string) (map[string][]string, error) {
	if err := rd.relations(ids); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	frontier := map[string][]string{} // id → the places reached last
	for _, id := range ids {
		var start []string
		for _, e := range rd.edges[id] {
			if e.Dir != store.Out || kindOf(e.Other) != kg.Place {
				continue
			}
			if e.Predicate == "containedInPlace" && kindOf(id) == kg.Place || kindOf(id) != kg.Place && slices.Contains(placeLinks, e.Predicate) {
				start = appendNew(start, e.Other)
			}
		}
		out[id], frontier[id] = start, start
	}
	for range maxContainment {
		var level []string
		for _, ps := range frontier {
			level = append(level, ps...)
		}
		if len(level) == 0 {
			break
		}
		if err := rd.relations(level); err != nil {
			return nil, err
		}
		for id, ps := range frontier {
			var next []string
			for _, p := range ps {
				for _, e := range rd.edges[p] {
					if e.Predicate == "containedInPlace" && e.Dir == store.Out && e.Other != id && !slices.Contains(out[id], e.Other) {
						next = appendNew(next, e.Other)
					}
				}
			}
			out[id] = append(out[id], next...)
			frontier[id] = next
		}
	}
	return out, nil
}

// levelValues are the places an entity lies in (placesOf) at one level:
// of one of categories, or, when byCode, with a county-level division
// code.
func levelValues(categories []string, byCode bool) func(*reader, []string) (map[string][]value, error) {
	return func(rd *reader, ids []string) (map[string][]value, error) {
		places, err := rd.placesOf(ids)
		if err != nil {
			return nil, err
		}
		var all []string
		for _, ps := range places {
			all = append(all, ps...)
		}
		if err := rd.entities(all); err != nil {
			return nil, err
		}
		out := map[string][]value{}
		for _, id := range ids {
			for _, p := range places[id] {
				e := rd.ents[p]
				if e != nil && (slices.Contains(categories, e.Category) || byCode && countyLevel(e)) {
					out[id] = append(out[id], value{ID: e.ID, Name: e.Name})
				}
			}
		}
		return out, nil
	}
}

// countyLevel reports whether a place has a county-level division code.
func countyLevel(e *kg.Entity) bool {
	for _, x := range e.Identifiers {
		if x.Scheme == "divisionCode" && len(kg.DivisionPrefix(x.Value)) == 6 {
			return true
		}
	}
	return false
}

// communityValues are the places linked to an entity: where it lies
// (placesOf), the other end of any of its relations that is a place, where
// the organisations, companies, projects and events it is linked to lie
// (马善祥 leads 老马工作室, which is in 观音桥街道), and the places containing
// any of these.
func communityValues(rd *reader, ids []string) (map[string][]value, error) {
	places, err := rd.placesOf(ids)
	if err != nil {
		return nil, err
	}
	linked := map[string][]string{} // id → places and placed entities it is linked to
	var others []string
	for _, id := range ids {
		for _, e := range rd.edges[id] {
			if k := kindOf(e.Other); slices.Contains(placedKinds, k) && !slices.Contains(places[id], e.Other) {
				linked[id] = appendNew(linked[id], e.Other)
				others = appendNew(others, e.Other)
			}
		}
	}
	// Where the linked entities lie: for a place, the places containing
	// it; for the others, their places and the places containing those.
	up, err := rd.placesOf(others)
	if err != nil {
		return nil, err
	}
	var all []string
	result := map[string][]string{}
	for _, id := range ids {
		ps := slices.Clone(places[id])
		for _, l := range linked[id] {
			if kindOf(l) == kg.Place {
				ps = appendNew(ps, l)
			}
			for _, u := range up[l] {
				if u != id {
					ps = appendNew(ps, u)
				}
			}
		}
		result[id] = ps
		all = append(all, ps...)
	}
	if err := rd.entities(all); err != nil {
		return nil, err
	}
	out := map[string][]value{}
	for _, id := range ids {
		for _, p := range result[id] {
			if e := rd.ents[p]; e != nil {
				out[id] = append(out[id], value{ID: e.ID, Name: e.Name})
			}
		}
	}
	return out, nil
}

// placedKinds are the kinds whose places community follows: places, and
// what lies in a place.
var placedKinds = []kg.Kind{kg.Place, kg.Organization, kg.Company, kg.Project, kg.Event}

// appendNew appends s unless list holds it.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
