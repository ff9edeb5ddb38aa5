package kg

// Entity is one node of the graph with its own attributes. Its relations and
// figures are read separately so lists can be batched.
type Entity struct {
	ID          string
	Kind        Kind
	Name        string
	Aliases     []string
	Pinyin      string // override from the data; empty means generated from Name
	Category    string
	Description string
	Identifiers []Identifier
}

// Identifier is the entity's identifier in another dataset, with the outside
// reference list it was taken from. Its scheme is one of
// IdentifierSchemeTable (identifiers.go), which says how a value is written
// and checked.
type Identifier struct {
	Scheme, Value, Citation string
}

// Qualifier refines a relation: when, in what role, how many.
type Qualifier struct {
	Key, Value string
	Inferred   bool // some part of Value is not stated by the source
}

// Evidence is a verbatim quote of a source's normalised text with its offsets
// in code points, start inclusive, end exclusive.
type Evidence struct {
	Quote      string
	Start, End int
	Source     string
}

// Relation is a stated link from Subject to Object.
type Relation struct {
	Subject, Predicate, Object string
	// Inferred marks a link the source implies rather than states; its
	// quotes give the context it is read from.
	Inferred   bool
	Qualifiers []Qualifier
	Evidence   []Evidence
}

// Qualifier returns the qualifier with key, if any.
func (r *Relation) Qualifier(key string) (Qualifier, bool) {
	for _, q := range r.Qualifiers {
		if q.Key == key {
			return q, true
		}
	}
	return Qualifier{}, false
}

// Figure is a number the source gives about an entity.
type Figure struct {
	Indicator, Stated string
	Value             float64
	Unit, Modifier    string
	Period            string
	PeriodInferred    bool
	GrowthPercent     *float64
	Evidence          []Evidence
	// Key is the figure's internal node id, set when read from a store.
	Key string
}

// Source is a document the evidence quotes, with its normalised text.
type Source struct {
	ID, Title, Publisher, Date, Language, Rights string
	Text                                         string
}

// DatasetInfo describes a dataset as a whole, as its data folder declares it
// (data/dataset.yaml): the canonical base of its IRIs and how it is
// published.
type DatasetInfo struct {
	// Base is the canonical IRI base, without a trailing slash: entity
	// IRIs are {Base}/id/{kind}/{slug} on every host that serves them.
	Base                string
	Title, TitleEn      string
	Description, DescEn string
	Publisher           string
	License             string // IRI of the licence of the curated facts
	Homepage            string // where people read about the dataset
}
