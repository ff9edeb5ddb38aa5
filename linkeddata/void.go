package linkeddata

import (
	"net/http"
	"slices"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// VoidIRI is the dataset description's own IRI, and DatasetIRI the
// dataset it describes.
func VoidIRI(iris kg.IRIs) string    { return iris.Base + "/.well-known/void" }
func DatasetIRI(iris kg.IRIs) string { return VoidIRI(iris) + "#dataset" }

// ianaMedia is the IRI DCAT uses for a media type.
func ianaMedia(mt string) string { return "http://www.iana.org/assignments/media-types/" + mt }

// Description returns the VoID and DCAT description of the dataset: title,
// publisher, licence, counts, example resources, the vocabulary, where the
// export is and the sources it is drawn from.
func Description(iris kg.IRIs, info kg.DatasetInfo, version string, st Stats, sources []string) []kg.Quad {
	var out []kg.Quad
	add := func(s, p string, o kg.Term) { out = append(out, kg.Quad{S: kg.IRI(s), P: kg.IRI(p), O: o}) }
	lit := func(s, p, v, lang string) {
		if v != "" {
			add(s, p, kg.Lit(v, lang))
		}
	}
	m := kg.Model{IRIs: iris}
	doc, d := VoidIRI(iris), DatasetIRI(iris)
	add(doc, kg.NSRDF+"type", kg.IRI(kg.NSVoID+"DatasetDescription"))
	add(doc, kg.NSFOAF+"primaryTopic", kg.IRI(d))
	lit(doc, kg.NSDCT+"title", "Description of "+info.TitleEn, kg.LangEn)

	add(d, kg.NSRDF+"type", kg.IRI(kg.NSVoID+"Dataset"))
	add(d, kg.NSRDF+"type", kg.IRI(kg.NSDCAT+"Dataset"))
	lit(d, kg.NSDCT+"title", info.Title, kg.LangZh)
	lit(d, kg.NSDCT+"title", info.TitleEn, kg.LangEn)
	lit(d, kg.NSDCT+"description", info.Description, kg.LangZh)
	lit(d, kg.NSDCT+"description", info.DescEn, kg.LangEn)
	if info.Publisher != "" {
		pub := doc + "#publisher"
		add(d, kg.NSDCT+"publisher", kg.IRI(pub))
		add(pub, kg.NSRDF+"type", kg.IRI(kg.NSFOAF+"Organization"))
		lit(pub, kg.NSFOAF+"name", info.Publisher, "")
	}
	if info.License != "" {
		add(d, kg.NSDCT+"license", kg.IRI(info.License))
	}
	if info.Homepage != "" {
		add(d, kg.NSFOAF+"homepage", kg.IRI(info.Homepage))
		add(d, kg.NSDCAT+"landingPage", kg.IRI(info.Homepage))
	}
	lit(d, kg.NSOWL+"versionInfo", version, "")
	add(d, kg.NSVoID+"triples", kg.Int(st.Quads))
	add(d, kg.NSVoID+"entities", kg.Int(st.Entities))
	add(d, kg.NSVoID+"uriSpace", kg.Lit(iris.Base+"/id/", ""))
	for _, ex := range st.Examples {
		add(d, kg.NSVoID+"exampleResource", kg.IRI(iris.Entity(ex)))
	}
	for _, v := range []string{m.VocabIRI(), kg.NSSchema, kg.NSProv, kg.NSOA, kg.NSDCT, kg.NSRDFS} {
		add(d, kg.NSVoID+"vocabulary", kg.IRI(v))
	}
	for _, s := range sources {
		add(d, kg.NSDCT+"source", kg.IRI(iris.Entity(s)))
	}
	for _, k := range kg.Kinds {
		if n := st.ByKind[k]; n > 0 {
			cp := doc + "#class-" + kg.ClassName(k)
			add(d, kg.NSVoID+"classPartition", kg.IRI(cp))
			add(cp, kg.NSVoID+"class", kg.IRI(m.Vocab(kg.ClassName(k))))
			add(cp, kg.NSVoID+"entities", kg.Int(n))
		}
	}
	for _, p := range kg.Vocabulary {
		if n := st.ByPredicate[p.Name]; n > 0 {
			pp := doc + "#property-" + p.Name
			add(d, kg.NSVoID+"propertyPartition", kg.IRI(pp))
			add(pp, kg.NSVoID+"property", kg.IRI(m.Vocab(p.Name)))
			add(pp, kg.NSVoID+"triples", kg.Int(n))
		}
	}
	// The triple pattern fragments, a data service any TPF client (a
	// SPARQL engine such as Comunica) can query.
	tpf := doc + "#fragments"
	add(tpf, kg.NSRDF+"type", kg.IRI(kg.NSDCAT+"DataService"))
	add(tpf, kg.NSDCT+"title", kg.Lit("Triple Pattern Fragments", kg.LangEn))
	add(tpf, kg.NSDCAT+"endpointURL", kg.IRI(iris.Base+"/fragments"))
	add(tpf, kg.NSDCT+"conformsTo", kg.IRI(TPFSpec))
	add(tpf, kg.NSDCAT+"servesDataset", kg.IRI(d))
	add(d, kg.NSVoID+"subset", kg.IRI(iris.Base+"/fragments"))
	add(d, kg.NSRDFS+"seeAlso", kg.IRI(tpf))
	for _, o := range exportOffers() {
		url := iris.Base + "/export?format=" + o.name
		dist := doc + "#export-" + o.name
		add(d, kg.NSDCAT+"distribution", kg.IRI(dist))
		add(dist, kg.NSRDF+"type", kg.IRI(kg.NSDCAT+"Distribution"))
		add(dist, kg.NSDCAT+"downloadURL", kg.IRI(url))
		add(dist, kg.NSDCAT+"accessURL", kg.IRI(url))
		add(dist, kg.NSDCAT+"mediaType", kg.IRI(ianaMedia(o.mediaType)))
		add(dist, kg.NSDCT+"format", kg.Lit(o.mediaType, ""))
		if info.License != "" {
			add(dist, kg.NSDCT+"license", kg.IRI(info.License))
		}
		if o.name == "nq" {
			add(d, kg.NSVoID+"dataDump", kg.IRI(url))
		}
	}
	return out
}

// voidOffers: Turtle for a client that takes anything, HTML only when asked
// for by name, as browsers do.
func voidOffers() []offer {
	return append(offers(false), offer{formatHTML, "text/html"})
}

// voidDoc serves GET /.well-known/void.
func (h *Handler) voidDoc(w http.ResponseWriter, r *http.Request) {
	g, ok := h.acquire(w)
	if !ok {
		return
	}
	defer g.Release()
	o, ok := pick(w, r, voidOffers())
	if !ok {
		return
	}
	qs, err := h.description(r, g)
	if err != nil {
		internal(w, r, err)
		return
	}
	m := kg.Model{IRIs: h.cfg.IRIs}
	if o.name != formatHTML {
		h.writeRDF(w, r, o, m, qs)
		return
	}
	body := &quadsPage{}
	for _, q := range qs {
		obj := q.O.Value
		if q.O.Lang != "" {
			obj += " @" + q.O.Lang
		}
		body.Rows = append(body.Rows, quadRow{S: q.S.Value, P: q.P.Value, O: obj})
	}
	h.render(w, r, http.StatusOK, "quads", page{Title: "Dataset description (VoID)", Lang: "en", IRI: VoidIRI(h.cfg.IRIs),
		Version: g.Version(), Formats: formatLinks("/.well-known/void"), Body: body})
}

func (h *Handler) description(r *http.Request, g *store.Graph) ([]kg.Quad, error) {
	st, err := h.void.get(r.Context(), g, h.cfg.IRIs)
	if err != nil {
		return nil, err
	}
	srcs, err := g.SourceIDs(r.Context())
	if err != nil {
		return nil, err
	}
	slices.Sort(srcs)
	return Description(h.cfg.IRIs, g.Info(), g.Version(), st, srcs), nil
}
