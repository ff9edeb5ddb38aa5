package kg

import (
	"slices"
	"sort"
)

// Predicate is one relation of the vocabulary. Name is the short lowerCamelCase
// name used in the data and the API; the labels read subject→object, the
// inverse labels object→subject (what a Relation with direction IN shows).
type Predicate struct {
	Name      string
	Label     string // Chinese
	LabelEn   string
	Inverse   string // Chinese label read from the object's side
	InverseEn string
	// Range limits the kinds an object may have (empty: any entity kind).
	Range []Kind
	// Domain limits the kinds a subject may have (empty: any entity kind).
	Domain []Kind
	// Maps is the schema.org or Wikidata meaning, where one fits.
	Maps string
	Doc  string
}

// Vocabulary is every relation the data may use, sorted by Name.
var Vocabulary = sortVocab([]Predicate{
	{Name: "award", Label: "获得荣誉", LabelEn: "award received", Inverse: "获奖者", InverseEn: "awarded to",
		Range: []Kind{Honour}, Maps: "https://schema.org/award", Doc: "the subject received the honour; time is when"},
	{Name: "worksFor", Label: "任职于", LabelEn: "works for", Inverse: "员工", InverseEn: "employs",
		Domain: []Kind{Person}, Range: []Kind{Company, Organization}, Maps: "https://schema.org/worksFor", Doc: "employment; role is the job title"},
	{Name: "leads", Label: "负责", LabelEn: "leads", Inverse: "负责人", InverseEn: "led by",
		Domain: []Kind{Person}, Maps: "", Doc: "the person heads the organisation or project; role is the title (负责人, 党委书记); the inverse of Wikidata P1037 (director/manager)"},
	{Name: "memberOf", Label: "成员", LabelEn: "member of", Inverse: "成员包括", InverseEn: "has member",
		Maps: "https://schema.org/memberOf", Doc: "membership of a party, unit or team; time is when it began"},
	{Name: "residentOf", Label: "居住于", LabelEn: "resident of", Inverse: "居民", InverseEn: "has resident",
		Domain: []Kind{Person}, Range: []Kind{Place}, Maps: "https://schema.org/homeLocation", Doc: "the person lives in the place"},
	{Name: "containedInPlace", Label: "位于", LabelEn: "contained in place", Inverse: "下辖", InverseEn: "contains place",
		Domain: []Kind{Place}, Range: []Kind{Place}, Maps: "https://schema.org/containedInPlace", Doc: "administrative or geographic containment, direct parent only"},
	{Name: "location", Label: "所在地", LabelEn: "location", Inverse: "所在单位", InverseEn: "location of",
		Range: []Kind{Place}, Maps: "https://schema.org/location", Doc: "where an organisation, company, project or event is"},
	{Name: "author", Label: "作者", LabelEn: "author", Inverse: "著作", InverseEn: "author of",
		Domain: []Kind{Document}, Maps: "https://schema.org/author", Doc: "who wrote or compiled the document"},
	{Name: "creator", Label: "创立者", LabelEn: "creator", Inverse: "创立", InverseEn: "creator of",
		Maps: "https://schema.org/creator", Doc: "who devised a method, programme or work"},
	{Name: "about", Label: "主题", LabelEn: "about", Inverse: "相关文献", InverseEn: "subject of",
		Maps: "https://schema.org/about", Doc: "what a document or event is about"},
	{Name: "participantIn", Label: "参与", LabelEn: "participated in", Inverse: "参与者", InverseEn: "participant",
		Range: []Kind{Event, Project}, Maps: "http://www.wikidata.org/prop/direct/P1344", Doc: "the subject took part in the event or project; role says how"},
	{Name: "partOf", Label: "隶属于", LabelEn: "part of", Inverse: "组成部分", InverseEn: "has part",
		Maps: "https://schema.org/isPartOf", Doc: "a unit of a larger organisation, a part of a larger project"},
	{Name: "organizer", Label: "主办方", LabelEn: "organizer", Inverse: "主办", InverseEn: "organizer of",
		Domain: []Kind{Event, Project}, Maps: "https://schema.org/organizer", Doc: "who hosts or runs the event or project"},
	{Name: "trainedBy", Label: "培养者", LabelEn: "trained by", Inverse: "培养", InverseEn: "trained",
		Doc: "people or teams brought up by a person (带出, 培养)"},
	{Name: "usedBy", Label: "采用者", LabelEn: "used by", Inverse: "采用", InverseEn: "uses",
		Maps: "http://www.wikidata.org/prop/direct/P1535", Doc: "a document or method adopted by an organisation (作为…教材)"},
	{Name: "significantEvent", Label: "重要经历", LabelEn: "significant event", Inverse: "相关人物", InverseEn: "significant for",
		Range: []Kind{Event}, Maps: "http://www.wikidata.org/prop/direct/P793", Doc: "an event that marked the subject's life or history without the subject taking part in it; role says how it was involved, time is when"},
	{Name: "targetedBy", Label: "受其监视迫害", LabelEn: "targeted by", Inverse: "监视迫害对象", InverseEn: "targeted",
		Domain: []Kind{Person, Organization}, Range: []Kind{Organization, Company}, Doc: "the subject was watched or persecuted by the organisation (成为…监视的对象); time is when"},
	{Name: "attractedBy", Label: "引进方", LabelEn: "attracted by", Inverse: "引进", InverseEn: "attracted",
		Domain: []Kind{Company, Organization, Project}, Range: []Kind{Place, Organization}, Doc: "the company or project was brought in by the district's investment promotion (招商引资, 成功引进); time is when"},
	{Name: "openedIn", Label: "开馆投用于", LabelEn: "opened in", Inverse: "在此开馆投用", InverseEn: "place where opened",
		Range: []Kind{Place}, Maps: "https://schema.org/foundingLocation", Doc: "the facility or organisation opened, was built or put into use (开馆, 建成, 建成投用) in the place; time is when"},
	{Name: "publisher", Label: "发布机关", LabelEn: "publisher", Inverse: "发布", InverseEn: "publisher of",
		Domain: []Kind{Document}, Maps: "https://schema.org/publisher", Doc: "the body that issued the policy document (制定实施, 出台)"},
	{Name: "promotedIn", Label: "推广于", LabelEn: "promoted in", Inverse: "推广", InverseEn: "promotes",
		Range: []Kind{Place, Event}, Doc: "a method or programme was rolled out (推广) across the place or at the meeting"},
})

func sortVocab(v []Predicate) []Predicate {
	sort.Slice(v, func(i, j int) bool { return v[i].Name < v[j].Name })
	return v
}

var vocabByName = func() map[string]*Predicate {
	m := make(map[string]*Predicate, len(Vocabulary))
	for i := range Vocabulary {
		m[Vocabulary[i].Name] = &Vocabulary[i]
	}
	return m
}()

// LookupPredicate returns the predicate called name.
func LookupPredicate(name string) (*Predicate, bool) {
	p, ok := vocabByName[name]
	return p, ok
}

// Allows reports whether a relation of p may run from a subject of kind s to
// an object of kind o.
func (p *Predicate) Allows(s, o Kind) bool {
	return kindIn(s, p.Domain) && kindIn(o, p.Range)
}

// kindIn reports whether k is in ks; an empty ks allows every kind.
func kindIn(k Kind, ks []Kind) bool {
	return len(ks) == 0 || slices.Contains(ks, k)
}

// Qualifier keys a relation may carry.
const (
	QualTime     = "time"
	QualRole     = "role"
	QualQuantity = "quantity"
)

// InferredRelation, in a relation's inferred list, marks the link itself as
// implied by the source rather than stated (a place named among the
// district's achievements is taken to lie in the district).
const InferredRelation = "relation"

// QualifierKeys lists the qualifier keys in their documented order.
var QualifierKeys = []string{QualTime, QualRole, QualQuantity}
