package rdf

import (
	"strconv"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
)

// Value converts a term to the value Cayley stores: an IRI, a plain, a
// language-tagged or a typed string. Typed literals stay typed strings, so
// their lexical form comes back unchanged.
func Value(t kg.Term) quad.Value {
	switch {
	case t.IsIRI():
		return quad.IRI(t.Value)
	case t.Lang != "":
		return quad.LangString{Value: quad.String(t.Value), Lang: t.Lang}
	case t.Datatype != "" && t.Datatype != kg.NSXSD+"string":
		return quad.TypedString{Value: quad.String(t.Value), Type: quad.IRI(t.Datatype)}
	}
	return quad.String(t.Value)
}

// Term converts a value read from Cayley back to a term. Backends that
// keep numbers, booleans and times natively give them back as such; they
// become literals of their XSD type.
func Term(v quad.Value) (kg.Term, bool) {
	switch v := v.(type) {
	case quad.IRI:
		return kg.IRI(string(v)), true
	case quad.String:
		return kg.Lit(string(v), ""), true
	case quad.LangString:
		return kg.Lit(string(v.Value), v.Lang), true
	case quad.TypedString:
		return kg.Typed(string(v.Value), string(v.Type)), true
	case quad.Int:
		return kg.Typed(strconv.FormatInt(int64(v), 10), kg.NSXSD+"integer"), true
	case quad.Float:
		return kg.Typed(strconv.FormatFloat(float64(v), 'f', -1, 64), kg.NSXSD+"double"), true
	case quad.Bool:
		return kg.Bool(bool(v)), true
	case quad.Time:
		return kg.Typed(time.Time(v).Format(time.RFC3339Nano), kg.NSXSD+"dateTime"), true
	}
	return kg.Term{}, false
}
