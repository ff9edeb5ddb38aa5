package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	"github.com/lib/pq"
)

// On PostgreSQL a level is two statements: its quads, then the values they
// hold. Cayley's SQL optimiser makes one statement of a quad filter on one
// node, but falls back to a statement per node for a set (its "TODO: support
// IN"), and its NameOf reads one value per statement. So a level hands
// Cayley's SQL backend the very Select shape its optimiser builds for one
// node, with the set as one array parameter, and reads the values through
// the backend's Query with one Select on its nodes table.

// hashArray is a set of node hashes as one PostgreSQL bytea[] parameter.
type hashArray pq.ByteaArray

func (h hashArray) SQLValue() any { return pq.ByteaArray(h) }

// hashesOf returns the hashes behind the SQL store's node references.
func hashesOf(rs []graph.Ref) (hashArray, error) {
	out := make(hashArray, 0, len(rs))
	for _, r := range rs {
		var h csql.NodeHash
		switch r := r.(type) {
		case csql.NodeHash:
			h = r
		default:
			return nil, fmt.Errorf("not a node of a SQL store: %T", r)
		}
		if v, ok := h.SQLValue().([]byte); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// inSet is the condition "column holds one of the set": the set is the
// Select's first and only parameter.
func inSet(column string) csql.Where {
	// A Where without a table renders its field as written.
	return csql.Where{Field: column + " = ANY($1::bytea[])"}
}

// sqlQuadsAround is the iterator over the quads with any of rs in direction
// d: the Select Cayley's optimiser makes for one node (csql.AllQuads with a
// condition on the direction's hash column), for the whole set at once.
func sqlQuadsAround(qs graph.QuadStore, d quad.Direction, rs []graph.Ref) (iterator.Shape, error) {
	hashes, err := hashesOf(rs)
	if err != nil {
		return nil, err
	}
	sel := csql.AllQuads("")
	sel.Where = []csql.Where{inSet(d.String() + "_hash")}
	sel.Params = []csql.Value{hashes}
	return sel.BuildIterator(qs), nil
}

// nodeColumns are the columns of Cayley's nodes table that hold a value,
// in the order sqlValues scans them.
var nodeColumns = []string{"hash", "value", "value_string", "datatype", "language", "iri", "bnode", "value_int", "value_bool", "value_float", "value_time"}

// sqlValues reads the values of the nodes rs in one statement; a node the
// store lacks gives nil.
func sqlValues(ctx context.Context, qs *csql.QuadStore, rs []graph.Ref) ([]quad.Value, error) {
	hashes, err := hashesOf(rs)
	if err != nil {
		return nil, err
	}
	if len(hashes) == 0 {
		return make([]quad.Value, len(rs)), nil
	}
	sel := csql.Select{From: []csql.Source{csql.Table{Name: "nodes"}}, Where: []csql.Where{inSet("hash")}, Params: []csql.Value{hashes}}
	for _, c := range nodeColumns {
		sel.Fields = append(sel.Fields, csql.Field{Name: c})
	}
	rows, err := qs.Query(ctx, sel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byHash := make(map[any]quad.Value, len(rs))
	for rows.Next() {
		h, v, err := scanNode(rows)
		if err != nil {
			return nil, err
		}
		byHash[h.Key()] = v
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]quad.Value, len(rs))
	for i, r := range rs {
		out[i] = byHash[r.Key()]
	}
	return out, nil
}

// scanNode decodes a row of nodeColumns into its value, as Cayley's SQL
// backend stores it: a string with its kind (IRI, blank node, language or
// datatype), an integer, boolean, float or time column, or else the value
// marshalled whole.
func scanNode(rows *sql.Rows) (csql.NodeHash, quad.Value, error) {
	var (
		hash   csql.NodeHash
		data   []byte
		str    sql.NullString
		typ    sql.NullString
		lang   sql.NullString
		iri    sql.NullBool
		bnode  sql.NullBool
		vint   sql.NullInt64
		vbool  sql.NullBool
		vfloat sql.NullFloat64
		vtime  sql.NullTime
	)
	if err := rows.Scan(&hash, &data, &str, &typ, &lang, &iri, &bnode, &vint, &vbool, &vfloat, &vtime); err != nil {
		return hash, nil, fmt.Errorf("read a node: %w", err)
	}
	switch {
	case str.Valid:
		s := unescapeNull(str.String)
		switch {
		case iri.Bool:
			return hash, quad.IRI(str.String), nil
		case bnode.Bool:
			return hash, quad.BNode(str.String), nil
		case lang.Valid:
			return hash, quad.LangString{Value: quad.String(s), Lang: lang.String}, nil
		case typ.Valid:
			return hash, quad.TypedString{Value: quad.String(s), Type: quad.IRI(typ.String)}, nil
		}
		return hash, quad.String(s), nil
	case vint.Valid:
		return hash, quad.Int(vint.Int64), nil
	case vbool.Valid:
		return hash, quad.Bool(vbool.Bool), nil
	case vfloat.Valid:
		return hash, quad.Float(vfloat.Float64), nil
	case vtime.Valid:
		return hash, quad.Time(vtime.Time.UTC()), nil
	}
	v, err := pquads.UnmarshalValue(data)
	if err != nil {
		return hash, nil, fmt.Errorf("read a node: %w", err)
	}
	return hash, v, nil
}

// unescapeNull undoes the escape Cayley's SQL backend writes for the NUL
// character, which PostgreSQL's text cannot hold.
func unescapeNull(s string) string { return strings.ReplaceAll(s, `\x00`, "\u0000") }
