package model

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// Import shows an import kept beside the graph.
type Import struct{ Info store.ImportInfo }

func (i *Import) Name() string        { return i.Info.Name }
func (i *Import) Source() string      { return i.Info.File }
func (i *Import) Format() string      { return i.Info.Format }
func (i *Import) Licence() *string    { return optional(i.Info.License) }
func (i *Import) ImportedBy() *string { return optional(i.Info.By) }
func (i *Import) RecordCount() int    { return i.Info.Records }
func (i *Import) LinkedCount() int    { return i.Info.Linked }
func (i *Import) LoadedAt() string    { return i.Info.LoadedAt.UTC().Format(time.RFC3339) }

// ImportRecord shows a record of an import; Offset places it in the
// import's records, for its cursor.
type ImportRecord struct {
	R      store.ImportRecord
	Offset int
}

func (r *ImportRecord) Iri() string                   { return r.R.IRI }
func (r *ImportRecord) Label() *string                { return optional(r.R.Label) }
func (r *ImportRecord) Line() int                     { return r.R.Line }
func (r *ImportRecord) Properties() []*RecordProperty { return properties(r.R.Properties) }
func (r *ImportRecord) Cursor() string                { return EncodeOffsetCursor(r.Offset) }

// LinkedRecord shows an outside record linked to an entity.
type LinkedRecord struct{ L store.LinkedRecord }

func (l *LinkedRecord) Iri() string                   { return l.L.IRI }
func (l *LinkedRecord) Label() *string                { return optional(l.L.Label) }
func (l *LinkedRecord) Line() int                     { return l.L.Line }
func (l *LinkedRecord) Properties() []*RecordProperty { return properties(l.L.Properties) }
func (l *LinkedRecord) LinkedBy() LinkKind            { return LinkKind(l.L.How) }
func (l *LinkedRecord) Score() float64                { return l.L.Score }
func (l *LinkedRecord) Detail() *string               { return optional(l.L.Detail) }

func properties(qs []kg.Quad) []*RecordProperty {
	out := make([]*RecordProperty, len(qs))
	for i, q := range qs {
		p := &RecordProperty{Predicate: q.P.Value, Value: q.O.Value, IsIri: q.O.IsIRI()}
		p.Language = optional(q.O.Lang)
		if q.O.Datatype != kg.NSXSD+"string" {
			p.Datatype = optional(q.O.Datatype)
		}
		out[i] = p
	}
	return out
}

// EncodeOffsetCursor is the opaque cursor of the item at offset of a list.
func EncodeOffsetCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// DecodeOffsetCursor reads a cursor of EncodeOffsetCursor.
func DecodeOffsetCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	s, ok := strings.CutPrefix(string(b), "o:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}
