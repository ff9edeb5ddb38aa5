package kg

import (
	"fmt"
	"regexp"
)

// How imports are laid out in the quad store. An import NAME keeps its
// public triples (the file's, its provenance and its links, as RDF) under
// the label import:NAME, and its internal layout under importmeta:NAME:
//
//	importmeta node  <attr:kind> "import"; <attr:name>; <attr:file>; <attr:license>; <attr:loadedAt>; <attr:by>; <attr:recordCount>; <attr:linkedCount>
//	record IRI       <attr:inImport> import node; <attr:label> "…"; <attr:line> 12
//	entity           <attr:linkedRecord> link node
//	link node        <attr:record> record IRI; <attr:how> "IDENTIFIER"; <attr:score> 1; <attr:detail> "stockCode 000625.SZ"
//
// Curated facts never carry these labels, so an import adds and removes
// exactly its own quads and cannot change the curated ones.
const (
	ImportKind        = "import"
	ImportLabelPrefix = "import:"     // + name: public triples
	ImportMetaPrefix  = "importmeta:" // + name: internal layout
	LinkPrefix        = "link/"       // + name + "/" + hash: link nodes

	AttrCuratedVersion = "attr:curatedVersion" // on GraphNode when imports are kept
	AttrFile           = "attr:file"
	AttrLoadedAt       = "attr:loadedAt"
	AttrBy             = "attr:by"
	AttrFormat         = "attr:format"
	AttrHash           = "attr:hash"
	AttrInImport       = "attr:inImport"
	AttrLabel          = "attr:label"
	AttrLine           = "attr:line"
	AttrLinkedRecord   = "attr:linkedRecord"
	AttrRecord         = "attr:record"
	AttrHow            = "attr:how"
	AttrScore          = "attr:score"
	AttrDetail         = "attr:detail"
	AttrRecordCount    = "attr:recordCount"
	AttrLinkedCount    = "attr:linkedCount"
)

// How an outside record is linked to an entity of ours.
const (
	LinkIdentifier = "IDENTIFIER" // they share an identifier of a scheme
	LinkSameAs     = "SAME_AS"    // the record says owl:sameAs our IRI
	LinkReconciled = "RECONCILED" // the reconciliation matcher auto-matched its name
)

// ImportNode is the internal node of import name.
func ImportNode(name string) string { return ImportMetaPrefix + name }

var importNameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ErrBadImportName is a name an import cannot have.
var ErrBadImportName = fmt.Errorf("%w: an import name is lower-case a-z and 0-9 words joined by single hyphens, at most 64 characters", ErrBadID)

// CheckImportName checks the name of an import.
func CheckImportName(name string) error {
	if len(name) > 64 || !importNameRE.MatchString(name) {
		return fmt.Errorf("%w: %q", ErrBadImportName, name)
	}
	return nil
}

// ImportGraph is the named graph of an import's triples in the public model.
func (m Model) ImportGraph(name string) string { return m.IRIs.Base + "/graph/import/" + name }
