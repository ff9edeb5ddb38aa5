package linkeddata

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// FragmentPageSize is how many triples one page of a fragment holds.
const FragmentPageSize = 100

// TPFSpec is the Triple Pattern Fragments specification the interface
// conforms to.
const TPFSpec = "https://linkeddatafragments.org/specification/triple-pattern-fragments/"

// fragmentOffers: the formats with graphs first, which keep the metadata
// apart from the data; Turtle and N-Triples put both in one graph.
func fragmentOffers() []offer {
	return []offer{{"trig", "application/trig"}, {"nq", "application/n-quads"}, {"jsonld", "application/ld+json"},
		{"ttl", "text/turtle"}, {"nt", "application/n-triples"}}
}

// fragments serves GET /fragments: a triple pattern fragment of the public
// view (the Linked Data Fragments specification), with its count, its
// hypermedia controls and its page links, which pin the graph version.
func (h *Handler) fragments(w http.ResponseWriter, r *http.Request) {
	g, ok := h.acquire(w)
	if !ok {
		return
	}
	defer g.Release()
	o, ok := pick(w, r, fragmentOffers())
	if !ok {
		return
	}
	q := r.URL.Query()
	if v := q.Get("version"); v != "" && v != g.Version() {
		fresh := fragmentURL(requestBase(r), q.Get("subject"), q.Get("predicate"), q.Get("object"), 0, "")
		plain(w, http.StatusGone, "graph version %s of these pages has been replaced by version %s; start again from %s\n", v, g.Version(), fresh)
		return
	}
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			plain(w, http.StatusBadRequest, "page must be a positive whole number, got %q\n", p)
			return
		}
		page = n
	}
	// The view is minted under the dataset's own base; a server under
	// another -base-iri maps its IRIs both ways.
	tr := translator{from: h.cfg.IRIs.Base, to: g.Info().Base}
	var pat store.Pattern
	var bad []string
	for _, v := range []struct {
		name string
		dst  **kg.Term
	}{{"subject", &pat.S}, {"predicate", &pat.P}, {"object", &pat.O}} {
		t, isVar, err := parseTerm(q.Get(v.name))
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", v.name, err))
			continue
		}
		if !isVar {
			t = tr.term(t)
			*v.dst = &t
		}
	}
	if len(bad) > 0 {
		plain(w, http.StatusBadRequest, "%s\n", strings.Join(bad, "; "))
		return
	}
	var data []kg.Quad
	total := 0
	if !literalPosition(pat) {
		var err error
		data, total, err = g.Fragment(r.Context(), pat, (page-1)*FragmentPageSize, FragmentPageSize)
		if err != nil {
			internal(w, r, err)
			return
		}
	}
	for i := range data {
		data[i] = kg.Quad{S: tr.back(data[i].S), P: tr.back(data[i].P), O: tr.back(data[i].O)}
	}
	base := requestBase(r)
	pageURL := base + r.URL.RequestURI()
	meta := fragmentMetadata(base, pageURL, q, g.Version(), page, total)
	m := kg.Model{IRIs: h.cfg.IRIs}
	h.writeRDF(w, r, o, m, append(data, meta...))
}

// literalPosition reports whether a pattern puts a literal where RDF allows
// none, which matches nothing.
func literalPosition(p store.Pattern) bool {
	return p.S != nil && !p.S.IsIRI() || p.P != nil && !p.P.IsIRI()
}

// requestBase is the scheme and host the request reached.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// fragmentURL is the URL of a page of the fragment of a pattern; page 0
// and version "" leave them out.
func fragmentURL(base, s, p, o string, page int, version string) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"subject", s}, {"predicate", p}, {"object", o}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if page > 0 {
		v.Set("page", strconv.Itoa(page))
	}
	if version != "" {
		v.Set("version", version)
	}
	u := base + "/fragments"
	if enc := v.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// fragmentMetadata is the metadata and controls of a page, in its own
// graph {page}#metadata, whose primary topic is the page (what TPF clients
// look for): the dataset's search form, the count, and the page links with
// the version they are pinned to.
func fragmentMetadata(base, pageURL string, q url.Values, version string, page, total int) []kg.Quad {
	graph := pageURL + "#metadata"
	var out []kg.Quad
	add := func(s, p string, o kg.Term) {
		out = append(out, kg.Quad{S: kg.IRI(s), P: kg.IRI(p), O: o, Graph: graph})
	}
	dataset := base + "/fragments#dataset"
	search := base + "/fragments#search"
	s, p, o := q.Get("subject"), q.Get("predicate"), q.Get("object")
	fragment := fragmentURL(base, s, p, o, 0, "")

	add(graph, kg.NSFOAF+"primaryTopic", kg.IRI(pageURL))
	add(dataset, kg.NSRDF+"type", kg.IRI(kg.NSVoID+"Dataset"))
	add(dataset, kg.NSRDF+"type", kg.IRI(kg.NSHydra+"Collection"))
	add(dataset, kg.NSVoID+"subset", kg.IRI(fragment))
	add(dataset, kg.NSHydra+"search", kg.IRI(search))
	add(dataset, kg.NSDCT+"conformsTo", kg.IRI(TPFSpec))
	add(search, kg.NSHydra+"template", kg.Lit(base+"/fragments{?subject,predicate,object}", ""))
	add(search, kg.NSHydra+"variableRepresentation", kg.IRI(kg.NSHydra+"ExplicitRepresentation"))
	for _, v := range []struct{ name, prop string }{{"subject", "subject"}, {"predicate", "predicate"}, {"object", "object"}} {
		mapping := base + "/fragments#" + v.name
		add(search, kg.NSHydra+"mapping", kg.IRI(mapping))
		add(mapping, kg.NSHydra+"variable", kg.Lit(v.name, ""))
		add(mapping, kg.NSHydra+"property", kg.IRI(kg.NSRDF+v.prop))
	}
	// The count, on the fragment and on the page the client asked for.
	for _, n := range unique(fragment, pageURL) {
		add(n, kg.NSVoID+"triples", kg.Int(total))
		add(n, kg.NSHydra+"totalItems", kg.Int(total))
	}
	if pageURL != fragment {
		add(fragment, kg.NSVoID+"subset", kg.IRI(pageURL))
	}
	add(pageURL, kg.NSRDF+"type", kg.IRI(kg.NSHydra+"PartialCollectionView"))
	add(pageURL, kg.NSHydra+"itemsPerPage", kg.Int(FragmentPageSize))
	add(pageURL, kg.NSHydra+"first", kg.IRI(fragmentURL(base, s, p, o, 1, version)))
	last := max(1, (total+FragmentPageSize-1)/FragmentPageSize)
	add(pageURL, kg.NSHydra+"last", kg.IRI(fragmentURL(base, s, p, o, last, version)))
	if page > 1 {
		add(pageURL, kg.NSHydra+"previous", kg.IRI(fragmentURL(base, s, p, o, page-1, version)))
	}
	if page < last {
		add(pageURL, kg.NSHydra+"next", kg.IRI(fragmentURL(base, s, p, o, page+1, version)))
	}
	add(pageURL, kg.NSOWL+"versionInfo", kg.Lit(version, ""))
	return out
}

func unique(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// parseTerm reads a term of a pattern in Hydra's explicit representation:
// an IRI as it is (or in <…>), a literal as "lexical form" with @lang or
// ^^datatype, and a variable as empty or ?name.
func parseTerm(s string) (kg.Term, bool, error) {
	switch {
	case s == "" || strings.HasPrefix(s, "?"):
		return kg.Term{}, true, nil
	case strings.HasPrefix(s, "_:"):
		// The view has no blank nodes: a blank node matches like a
		// variable, as the specification reads it.
		return kg.Term{}, true, nil
	case strings.HasPrefix(s, `"`):
		end := strings.LastIndex(s, `"`)
		if end == 0 {
			return kg.Term{}, false, fmt.Errorf("literal %q has no closing quote", s)
		}
		lex, rest := s[1:end], s[end+1:]
		switch {
		case rest == "":
			return kg.Lit(lex, ""), false, nil
		case strings.HasPrefix(rest, "@") && len(rest) > 1:
			return kg.Lit(lex, rest[1:]), false, nil
		case strings.HasPrefix(rest, "^^") && len(rest) > 2:
			dt := strings.TrimSuffix(strings.TrimPrefix(rest[2:], "<"), ">")
			if dt == kg.NSXSD+"string" {
				return kg.Lit(lex, ""), false, nil
			}
			return kg.Typed(lex, dt), false, nil
		}
		return kg.Term{}, false, fmt.Errorf("literal %q: after the closing quote, want @lang or ^^datatype", s)
	}
	iri := strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	if u, err := url.Parse(iri); err != nil || u.Scheme == "" {
		return kg.Term{}, false, fmt.Errorf("%q is neither an absolute IRI nor a \"literal\"", s)
	}
	return kg.IRI(iri), false, nil
}

// translator maps IRIs between the served base and the view's.
type translator struct{ from, to string }

func (t translator) term(x kg.Term) kg.Term { return swap(x, t.from, t.to) }
func (t translator) back(x kg.Term) kg.Term { return swap(x, t.to, t.from) }

func swap(x kg.Term, from, to string) kg.Term {
	if from == to || from == "" || to == "" {
		return x
	}
	if x.IsIRI() {
		if rest, ok := strings.CutPrefix(x.Value, from+"/"); ok {
			x.Value = to + "/" + rest
		}
	}
	return x
}
