package kg

// VocabTerm is a term of the public vocabulary other than a relation: the
// classes of the kinds and the properties of descriptions, statements,
// figures and evidence. Each has a page at {base}/vocab/{Name}.
type VocabTerm struct {
	Name           string
	Class          bool   // a class, else a property
	Literal        bool   // a property whose values are literals
	Label, LabelEn string // Chinese and English labels
	Doc            string // what it means, in English
	Equivalent     string // the schema.org (or other) term it means, if any
	SubPropertyOf  string
}

// VocabTerms are the classes and the properties of the public model beyond
// the relations of Vocabulary, in the order their pages list them.
var VocabTerms = []VocabTerm{
	{Name: "Person", Class: true, Label: "人物", LabelEn: "person", Doc: "a person named in a source", Equivalent: NSSchema + "Person"},
	{Name: "Company", Class: true, Label: "企业", LabelEn: "company", Doc: "a company, one legal entity (a group and its listed subsidiary are two)", Equivalent: NSSchema + "Corporation"},
	{Name: "Organization", Class: true, Label: "机构", LabelEn: "organization", Doc: "a government or party body, museum, studio, centre or other organisation", Equivalent: NSSchema + "Organization"},
	{Name: "Place", Class: true, Label: "地点", LabelEn: "place", Doc: "a district, 街道, 镇, 社区, 村, road, dock, bridge, business district, industrial park or landmark", Equivalent: NSSchema + "Place"},
	{Name: "Honour", Class: true, Label: "荣誉", LabelEn: "honour", Doc: "a title, award or medal", Equivalent: "http://www.wikidata.org/entity/Q618779"},
	{Name: "Project", Class: true, Label: "项目", LabelEn: "project", Doc: "an initiative, programme, campaign, facility under construction or fair", Equivalent: NSSchema + "Project"},
	{Name: "Document", Class: true, Label: "文献", LabelEn: "document", Doc: "a policy, book or other written work", Equivalent: NSSchema + "CreativeWork"},
	{Name: "Event", Class: true, Label: "事件", LabelEn: "event", Doc: "something that happened at a time", Equivalent: NSSchema + "Event"},

	{Name: "category", Literal: true, Label: "类别", LabelEn: "category", Doc: "a short Chinese word for what the entity is: 街道, 社区, 荣誉称号 …"},
	{Name: "citation", Literal: true, Label: "出处", LabelEn: "citation", Doc: "the outside reference list an identifier is taken from", Equivalent: NSSchema + "citation"},
	{Name: "time", Literal: true, Label: "时间", LabelEn: "time", Doc: "when the stated relation holds or happened: an ISO 8601 date or interval (2020, 2018-12-18, 2012/2014)"},
	{Name: "role", Literal: true, Label: "角色", LabelEn: "role", Doc: "the subject's role in the relation (党委书记)", Equivalent: NSSchema + "roleName"},
	{Name: "quantity", Literal: true, Label: "数量", LabelEn: "quantity", Doc: "a count the relation carries, as stated"},
	{Name: "inferred", Literal: true, Label: "推断", LabelEn: "inferred", Doc: "true when the source implies the link rather than states it; its quotes then give the context it is read from"},
	{Name: "inferredQualifier", Literal: true, Label: "推断的限定", LabelEn: "inferred qualifier", Doc: "the key of a qualifier of the statement (time, role, quantity) that some part of is not stated but inferred, such as a year from the page's date"},
	{Name: "evidence", Label: "证据", LabelEn: "evidence", Doc: "the annotation of a verbatim quote of the source that supports the statement or figure", SubPropertyOf: NSProv + "wasDerivedFrom"},
	{Name: "stated", Literal: true, Label: "原文", LabelEn: "as stated", Doc: "the figure as the source writes it: 约5700万余元, 近1/3"},
	{Name: "modifier", Literal: true, Label: "修饰", LabelEn: "modifier", Doc: "how the source qualifies the figure's value: 近 超 余 约 多 以上 以内 …"},
	{Name: "periodInferred", Literal: true, Label: "时期为推断", LabelEn: "period inferred", Doc: "true when the figure's period is not stated but inferred from the page's date"},
	{Name: "growthPercent", Literal: true, Label: "增长百分比", LabelEn: "growth percent", Doc: "the growth the source gives with the figure, in percent (3.9 for 3.9%)"},
	{Name: "text", Literal: true, Label: "正文", LabelEn: "text", Doc: "the normalised text of a source, which evidence offsets count into in Unicode code points", Equivalent: NSSchema + "text"},
	{Name: "Link", Class: true, Label: "链接", LabelEn: "link", Doc: "how an outside record of an import was linked to an entity of ours"},
	{Name: "record", Label: "外部记录", LabelEn: "record", Doc: "the outside record a link joins"},
	{Name: "entity", Label: "实体", LabelEn: "entity", Doc: "the entity of ours a link joins"},
	{Name: "linkedBy", Literal: true, Label: "链接方式", LabelEn: "linked by", Doc: "IDENTIFIER (a shared identifier), SAME_AS (the record's owl:sameAs) or RECONCILED (an automatic match of its name)"},
	{Name: "score", Literal: true, Label: "匹配分", LabelEn: "score", Doc: "how sure a link is, from 0 to 1 (1 for identifiers and owl:sameAs)"},
	{Name: "inverseLabel", Literal: true, Label: "反向标签", LabelEn: "inverse label", Doc: "how a relation reads from its object's side"},
}

var termByName = func() map[string]*VocabTerm {
	m := make(map[string]*VocabTerm, len(VocabTerms))
	for i := range VocabTerms {
		m[VocabTerms[i].Name] = &VocabTerms[i]
	}
	return m
}()

// LookupTerm returns the term of VocabTerms called name.
func LookupTerm(name string) (*VocabTerm, bool) {
	t, ok := termByName[name]
	return t, ok
}

// Vocabulary returns the vocabulary as RDFS and OWL, in its own graph: the
// relations with their labels both ways, meanings and equivalences, then
// the classes and other properties.
func (m Model) Vocabulary() []Quad {
	q := quads{graph: m.VocabIRI()}
	v := m.VocabIRI()
	q.add(v, NSRDF+"type", IRI(NSOWL+"Ontology"))
	q.lit(v, NSRDFS+"label", "civicgraph 词表", LangZh)
	q.lit(v, NSRDFS+"label", "civicgraph vocabulary", LangEn)
	q.lit(v, NSRDFS+"comment", "The classes, relations and properties of civicgraph's knowledge graph of civic documents.", LangEn)
	for i := range Vocabulary {
		q.out = append(q.out, m.PredicateQuads(&Vocabulary[i])...)
	}
	for i := range VocabTerms {
		q.out = append(q.out, m.TermQuads(&VocabTerms[i])...)
	}
	return q.out
}

// PredicateQuads describes one relation of the vocabulary.
func (m Model) PredicateQuads(p *Predicate) []Quad {
	q := quads{graph: m.VocabIRI()}
	s := m.Vocab(p.Name)
	q.add(s, NSRDF+"type", IRI(NSOWL+"ObjectProperty"))
	q.add(s, NSRDFS+"isDefinedBy", IRI(m.VocabIRI()))
	q.lit(s, NSRDFS+"label", p.Label, LangZh)
	q.lit(s, NSRDFS+"label", p.LabelEn, LangEn)
	q.lit(s, m.Vocab("inverseLabel"), p.Inverse, LangZh)
	q.lit(s, m.Vocab("inverseLabel"), p.InverseEn, LangEn)
	q.lit(s, NSRDFS+"comment", p.Doc, LangEn)
	if p.Maps != "" {
		q.add(s, NSOWL+"equivalentProperty", IRI(p.Maps))
	}
	for _, k := range p.Domain {
		q.add(s, NSSchema+"domainIncludes", IRI(m.Vocab(ClassName(k))))
	}
	for _, k := range p.Range {
		q.add(s, NSSchema+"rangeIncludes", IRI(m.Vocab(ClassName(k))))
	}
	return q.out
}

// TermQuads describes one class or property of VocabTerms.
func (m Model) TermQuads(t *VocabTerm) []Quad {
	q := quads{graph: m.VocabIRI()}
	s := m.Vocab(t.Name)
	switch {
	case t.Class:
		q.add(s, NSRDF+"type", IRI(NSOWL+"Class"))
	case t.Name == "inverseLabel":
		q.add(s, NSRDF+"type", IRI(NSOWL+"AnnotationProperty"))
	case t.Literal:
		q.add(s, NSRDF+"type", IRI(NSOWL+"DatatypeProperty"))
	default:
		q.add(s, NSRDF+"type", IRI(NSOWL+"ObjectProperty"))
	}
	q.add(s, NSRDFS+"isDefinedBy", IRI(m.VocabIRI()))
	q.lit(s, NSRDFS+"label", t.Label, LangZh)
	q.lit(s, NSRDFS+"label", t.LabelEn, LangEn)
	q.lit(s, NSRDFS+"comment", t.Doc, LangEn)
	if t.Equivalent != "" {
		eq := NSOWL + "equivalentProperty"
		if t.Class {
			eq = NSOWL + "equivalentClass"
		}
		q.add(s, eq, IRI(t.Equivalent))
	}
	if t.SubPropertyOf != "" {
		q.add(s, NSRDFS+"subPropertyOf", IRI(t.SubPropertyOf))
	}
	return q.out
}
