package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/piprate/json-gold/ld"
)

// JSON-LD is read with json-gold, the processor the quad module's jsonld
// codec wraps, called directly so that
//   - its document loader is one that fetches nothing: a remote @context (or
//     @import) is refused with its place in the file;
//   - relative IRIs resolve against {base}/import/{name}/ instead of being
//     dropped;
//   - a property no term defines is an error (json-gold's safe mode), not
//     silently dropped, and so is a statement json-gold would drop for a
//     malformed IRI or language tag;
//   - the triples come out in a fixed order (the codec's reader walks Go
//     maps) and each node has the line it is written on.
//
// Lines come from a copy of the document in which each node object carries
// its byte offset under a property of its own (posKey): the copy's node map,
// once those properties are taken out, must equal the document's own, or
// the offsets are not used and each node's line is where its IRI is first
// written in full (else line 1).

// posKey is the property under which a node object carries its offset in
// the copy: an absolute IRI, which no context can turn into anything else.
const posKey = "http://civicgraph.invalid/import/offset"

// maxJSONDepth bounds the nesting of a document.
const maxJSONDepth = 512

// jv is a JSON value with the byte offset it starts at.
type jv struct {
	off   int
	kind  byte // '{' object, '[' array, 's' string, 'n' number, 'b' boolean, '0' null
	keys  []string
	koffs []int
	vals  []*jv // an object's values, by key, or an array's items
	s     string
	n     float64
	b     bool
}

// located is an error at a byte offset of the file.
type located struct {
	off int
	msg string
}

func (e *located) Error() string { return e.msg }

type jsonParser struct {
	data []byte
	dec  *json.Decoder
}

// parseJSON reads one JSON document keeping where each value starts; a
// key given twice in an object is an error, since one of its values would
// be lost.
func parseJSON(data []byte) (*jv, error) {
	p := &jsonParser{data: data, dec: json.NewDecoder(strings.NewReader(string(data)))}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if off := p.start(); off < len(data) {
		return nil, &located{off, "more after the JSON document: a file holds one document"}
	}
	return v, nil
}

// start is the offset of the next token.
func (p *jsonParser) start() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++
	}
	return off
}

func (p *jsonParser) value(depth int) (*jv, error) {
	off := p.start()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	v := &jv{off: off}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxJSONDepth {
			return nil, &located{off, fmt.Sprintf("nested deeper than %d levels", maxJSONDepth)}
		}
		v.kind = byte(t)
		if t == '{' {
			for p.dec.More() {
				koff := p.start()
				kt, err := p.dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				if i := slices.Index(v.keys, key); i >= 0 {
					return nil, &located{koff, fmt.Sprintf("key %q given twice in one object (first at %s): one value would be lost", key, "line "+strconv.Itoa(newLines(p.data).at(v.koffs[i]).line))}
				}
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.keys, v.koffs, v.vals = append(v.keys, key), append(v.koffs, koff), append(v.vals, val)
			}
		} else {
			for p.dec.More() {
				item, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.vals = append(v.vals, item)
			}
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		v.kind, v.s = 's', t
	case float64:
		v.kind, v.n = 'n', t
	case bool:
		v.kind, v.b = 'b', t
	case nil:
		v.kind = '0'
	}
	return v, nil
}

// docInfo is what the processor's errors are located with.
type docInfo struct {
	ctxStrings []located // strings inside @context, where remote contexts are named
	keys       []located // keys of node objects, outside @context
	terms      map[string]bool
	vocab      bool           // some context sets @vocab, so every key expands
	strings    map[string]int // each string value outside @context, at its first offset
}

func collect(v *jv, inCtx bool, info *docInfo) {
	switch v.kind {
	case '{':
		for i, k := range v.keys {
			child := inCtx || k == "@context"
			if inCtx {
				info.terms[k] = true
				if k == "@vocab" {
					info.vocab = true
				}
			} else if k != "@context" {
				info.keys = append(info.keys, located{v.koffs[i], k})
			}
			collect(v.vals[i], child, info)
		}
	case '[':
		for _, it := range v.vals {
			collect(it, inCtx, info)
		}
	case 's':
		if inCtx {
			info.ctxStrings = append(info.ctxStrings, located{v.off, v.s})
		} else if _, seen := info.strings[v.s]; !seen {
			info.strings[v.s] = v.off
		}
	}
}

// build is the document as json-gold takes it; with inject, each node
// object outside contexts and values carries its offset under posKey (not
// a @reverse map itself, whose keys are properties, but the nodes in it).
func build(v *jv, inject, frozen, skipSelf bool) any {
	switch v.kind {
	case '{':
		m := make(map[string]any, len(v.keys)+1)
		for i, k := range v.keys {
			m[k] = build(v.vals[i], inject, frozen || k == "@context" || k == "@value", k == "@reverse")
		}
		if inject && !frozen && !skipSelf && nodeObject(v) {
			m[posKey] = "#" + strconv.Itoa(v.off)
		}
		return m
	case '[':
		a := make([]any, len(v.vals))
		for i, it := range v.vals {
			a[i] = build(it, inject, frozen, false)
		}
		return a
	case 's':
		return v.s
	case 'n':
		return v.n
	case 'b':
		return v.b
	}
	return nil
}

// nodeObject tells the objects that may carry an offset: not a value,
// list or set object, not a bare reference {"@id": …}, not a document's
// {"@context", "@graph"} wrapper.
func nodeObject(v *jv) bool {
	onlyID, wrapper := true, true
	for _, k := range v.keys {
		switch k {
		case "@value", "@list", "@set":
			return false
		}
		onlyID = onlyID && k == "@id"
		wrapper = wrapper && (k == "@context" || k == "@graph")
	}
	return !onlyID && !wrapper
}

// expand is JsonLdProcessor.Expand without its copy of the options, which
// in json-gold v0.5.0 drops SafeMode: the expansion algorithm, then its
// final step (a lone @graph unwrapped, the result made an array).
func expand(doc any, opts *ld.JsonLdOptions) ([]any, error) {
	expanded, err := ld.NewJsonLdApi().Expand(ld.NewContext(nil, opts), "", doc, opts, false, nil)
	if err != nil {
		return nil, err
	}
	if m, ok := expanded.(map[string]any); ok {
		if g, ok := m["@graph"]; ok && len(m) == 1 {
			expanded = g
		} else if len(m) == 0 {
			expanded = nil
		}
	}
	switch e := expanded.(type) {
	case nil:
		return []any{}, nil
	case []any:
		return e, nil
	}
	return []any{expanded}, nil
}

// offlineLoader is the document loader: it fetches nothing, and keeps what
// was asked for so the error names its place.
type offlineLoader struct{ asked *string }

func (l offlineLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	*l.asked = u
	return nil, ld.NewJsonLdError(ld.LoadingRemoteContextFailed, "an import never fetches documents: "+u)
}

func (c *ctx) options(asked *string) *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions(c.prefix)
	opts.DocumentLoader = offlineLoader{asked}
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.SafeMode = true
	return opts
}

// nodeMap expands doc and flattens it into json-gold's node map (graph
// name → node id → node), blank nodes labelled _:b0, _:b1 … in document
// order. A processor panic is an error.
func (c *ctx) nodeMap(doc any, asked *string) (nm map[string]any, issuer *ld.IdentifierIssuer, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the JSON-LD processor failed: %v", r)
		}
	}()
	expanded, err := expand(doc, c.options(asked))
	if err != nil {
		return nil, nil, err
	}
	nm = map[string]any{"@default": map[string]any{}}
	issuer = ld.NewIdentifierIssuer("_:b")
	if _, err := ld.NewJsonLdApi().GenerateNodeMap(expanded, nm, "@default", issuer, "", "", nil); err != nil {
		return nil, nil, err
	}
	return nm, issuer, nil
}

func (c *ctx) readJSONLD(data []byte) []stated {
	root, err := parseJSON(data)
	if err != nil {
		c.jsonSyntax(data, err)
		return nil
	}
	if root.kind != '{' && root.kind != '[' {
		c.errorf(c.text.at(root.off), "a JSON-LD document is an object or an array")
		return nil
	}
	info := &docInfo{terms: map[string]bool{}, strings: map[string]int{}}
	collect(root, false, info)

	var asked string
	nm, issuer, err := c.nodeMap(build(root, false, false, false), &asked)
	if err != nil {
		c.jsonldError(err, asked, info)
		return nil
	}
	// The same document with offsets, used only when it means the same.
	var offsets map[string]int
	if nmPos, _, err := c.nodeMap(build(root, true, false, false), new(string)); err == nil {
		if offs := takeOffsets(nmPos); reflect.DeepEqual(nm, nmPos) {
			offsets = offs
		}
	}

	type entry struct {
		graph, id string
		off       int
		nodes     map[string]any
	}
	var entries []entry
	graphs := make([]string, 0, len(nm))
	for g := range nm {
		graphs = append(graphs, g)
	}
	slices.Sort(graphs)
	for _, g := range graphs {
		nodes, _ := nm[g].(map[string]any)
		ids := make([]string, 0, len(nodes))
		for id := range nodes {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, compareIDs)
		for _, id := range ids {
			off, ok := offsets[id]
			if !ok {
				off = math.MaxInt
				if i, ok := info.strings[id]; ok && !strings.HasPrefix(id, "_:") {
					off = i
				}
			}
			entries = append(entries, entry{g, id, off, nodes})
		}
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return a.off - b.off })

	var out []stated
	for _, e := range entries {
		at := pos{line: 1}
		if e.off != math.MaxInt {
			at = c.text.at(e.off)
		}
		node, _ := e.nodes[e.id].(map[string]any)
		if !strings.HasPrefix(e.id, "_:") && ld.IsRelativeIri(e.id) {
			c.errorf(at, "@id %q is not an IRI", e.id)
			continue
		}
		want := expectedTriples(node)
		quads, err := graphToRDF(e.graph, e.id, node, issuer)
		if err != nil {
			c.errorf(at, "JSON-LD: %v", err)
			continue
		}
		got := 0
		for _, q := range quads {
			s, okS := c.ldTerm(q.Subject)
			p, okP := c.ldTerm(q.Predicate)
			o, okO := c.ldTerm(q.Object)
			if !okS || !okP || !okO || !p.IsIRI() || !s.IsIRI() {
				continue
			}
			got++
			out = append(out, stated{q: kg.Quad{S: s, P: p, O: o}, at: at})
		}
		if got < want {
			c.errorf(at, "%d statement(s) about %s cannot be made: a relative or malformed IRI, a malformed language tag, or a blank node as a property", want-got, c.nodeName(e.id))
		}
	}
	return out
}

// graphToRDF makes the statements of one node; a processor panic is an
// error.
func graphToRDF(graph, id string, node map[string]any, issuer *ld.IdentifierIssuer) (qs []*ld.Quad, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the JSON-LD processor failed on %s: %v", id, r)
		}
	}()
	ds := ld.NewRDFDataset()
	ds.GraphToRDF(graph, map[string]any{id: node}, issuer, false)
	return ds.Graphs[graph], nil
}

func (c *ctx) nodeName(id string) string {
	if rest, ok := strings.CutPrefix(id, "_:"); ok {
		return "the node without @id (" + c.genid(rest) + ")"
	}
	return "<" + id + ">"
}

// compareIDs orders node ids: IRIs by code point, blank nodes after them
// in the order json-gold labelled them.
func compareIDs(a, b string) int {
	na, aBlank := blankNumber(a)
	nb, bBlank := blankNumber(b)
	switch {
	case aBlank && bBlank:
		return na - nb
	case aBlank:
		return 1
	case bBlank:
		return -1
	}
	return strings.Compare(a, b)
}

func blankNumber(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, "_:b")
	if !ok {
		return 0, strings.HasPrefix(id, "_:")
	}
	n, _ := strconv.Atoi(rest)
	return n, true
}

// takeOffsets removes the offset properties from a node map and returns
// each node's smallest offset.
func takeOffsets(nm map[string]any) map[string]int {
	out := map[string]int{}
	for _, g := range nm {
		nodes, _ := g.(map[string]any)
		for id, n := range nodes {
			node, _ := n.(map[string]any)
			vals, ok := node[posKey].([]any)
			if !ok {
				continue
			}
			delete(node, posKey)
			for _, v := range vals {
				vm, _ := v.(map[string]any)
				s, _ := vm["@value"].(string)
				if off, err := strconv.Atoi(strings.TrimPrefix(s, "#")); err == nil {
					if cur, seen := out[id]; !seen || off < cur {
						out[id] = off
					}
				}
			}
		}
	}
	return out
}

// expectedTriples counts the statements json-gold should make of a node,
// so that one it drops is noticed.
func expectedTriples(node map[string]any) int {
	n := 0
	for prop, vals := range node {
		list, _ := vals.([]any)
		switch {
		case prop == "@type":
			n += len(list)
		case ld.IsKeyword(prop):
		default:
			for _, v := range list {
				n += 1 + listTriples(v)
			}
		}
	}
	return n
}

// listTriples counts the rdf:first and rdf:rest statements of a list value.
func listTriples(v any) int {
	m, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	items, ok := m["@list"].([]any)
	if !ok {
		return 0
	}
	n := 0
	for _, it := range items {
		n += 2 + listTriples(it)
	}
	return n
}

// ldTerm converts a json-gold term, blank nodes made IRIs.
func (c *ctx) ldTerm(n ld.Node) (kg.Term, bool) {
	switch n := n.(type) {
	case *ld.IRI:
		if checkIRI(n.Value) != "" {
			return kg.Term{}, false
		}
		return kg.IRI(n.Value), true
	case *ld.BlankNode:
		return kg.IRI(c.genid(strings.TrimPrefix(n.Attribute, "_:"))), true
	case *ld.Literal:
		if n.Language != "" && !langRE.MatchString(n.Language) || n.Datatype != "" && checkIRI(n.Datatype) != "" {
			return kg.Term{}, false
		}
		return literal(n.Value, n.Language, n.Datatype), true
	}
	return kg.Term{}, false
}

// jsonSyntax reports a JSON syntax error at its line and column.
func (c *ctx) jsonSyntax(data []byte, err error) {
	var se *json.SyntaxError
	var loc *located
	switch {
	case errors.As(err, &loc):
		c.errorf(c.text.at(loc.off), "JSON: %s", loc.msg)
	case errors.As(err, &se):
		c.errorf(c.text.at(badChar(data, se)), "JSON syntax error: %s", se.Error())
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		c.errorf(c.text.at(len(data)), "JSON syntax error: the document ends early (an object, array or string is not closed)")
	default:
		c.errorf(pos{line: 1}, "JSON: %v", err)
	}
}

var badCharRE = regexp.MustCompile(`^invalid character ('(?:[^'\\]|\\.)+')`)

// badChar is the offset of the character a syntax error names: the
// decoder's offset is at it or, after a key's colon, just before it.
func badChar(data []byte, se *json.SyntaxError) int {
	off := min(max(int(se.Offset), 0), len(data))
	if m := badCharRE.FindStringSubmatch(se.Error()); m != nil {
		if ch, err := strconv.Unquote(m[1]); err == nil {
			if i := strings.Index(string(data[off:min(len(data), off+8)]), ch); i >= 0 {
				return off + i
			}
		}
	}
	return off
}

// jsonldError reports a processor error where it can be placed.
func (c *ctx) jsonldError(err error, asked string, info *docInfo) {
	var le *ld.JsonLdError
	if !errors.As(err, &le) {
		c.errorf(pos{line: 1}, "JSON-LD: %v", err)
		return
	}
	switch le.Code {
	case ld.LoadingRemoteContextFailed, ld.LoadingDocumentFailed:
		// Where the context is named: as asked for, else as a relative
		// reference that resolved to it.
		at := pos{line: 1}
		for _, exact := range []bool{true, false} {
			i := slices.IndexFunc(info.ctxStrings, func(s located) bool {
				return s.msg == asked || !exact && s.msg != "" && strings.HasSuffix(asked, "/"+strings.TrimPrefix(s.msg, "./"))
			})
			if i >= 0 {
				at = c.text.at(info.ctxStrings[i].off)
				break
			}
		}
		c.errorf(at, "remote @context %q refused: an import never fetches documents; put the context in the file (an object under \"@context\")", asked)
		return
	case ld.InvalidProperty:
		if !info.vocab {
			for _, k := range info.keys {
				if !strings.HasPrefix(k.msg, "@") && !strings.Contains(k.msg, ":") && !info.terms[k.msg] {
					c.errorf(c.text.at(k.off), "JSON-LD: property %q is no term of the @context and there is no @vocab, so it would be dropped: define it in the @context or write its full IRI", k.msg)
					return
				}
			}
		}
		c.errorf(pos{line: 1}, "JSON-LD: a property is no term of the @context and would be dropped: define it in the @context or write its full IRI")
		return
	}
	at := pos{line: 1}
	if d, ok := le.Details.(string); ok && d != "" {
		if i := strings.Index(string(c.text.data), strconv.Quote(d)); i >= 0 {
			at = c.text.at(i)
		}
	}
	c.errorf(at, "JSON-LD: %s: %v", le.Code, le.Details)
}
