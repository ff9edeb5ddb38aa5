package linkeddata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/civicgraph/civicgraph/store"
)

// Config is what the linked-data routes need.
type Config struct {
	Store *store.Store
	// IRIs mints the canonical IRIs the routes answer for; they are served
	// under /id/ and /vocab/ whatever the base's own path.
	IRIs kg.IRIs
	// ExportTimeout bounds one export, in place of the server's write
	// timeout (0: no bound).
	ExportTimeout time.Duration
	// Playground says whether / serves the GraphQL playground, which the
	// pages link to.
	Playground bool
}

// Handler serves /id/…, /vocab…, /export and /.well-known/void; Routes
// lists the patterns to route to it.
type Handler struct {
	cfg  Config
	mux  *http.ServeMux
	void voidCache
}

// Routes are the path patterns Handler answers, all of them reads.
var Routes = []string{"/id/", "/vocab", "/vocab/", "/export", "/.well-known/void", "/fragments"}

// NewHandler returns the linked-data handler.
func NewHandler(cfg Config) *Handler {
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /id/{kind}/{slug}", h.resource)
	h.mux.HandleFunc("GET /vocab", h.vocab)
	h.mux.HandleFunc("GET /vocab/{name}", h.vocab)
	h.mux.HandleFunc("GET /export", h.export)
	h.mux.HandleFunc("GET /.well-known/void", h.voidDoc)
	h.mux.HandleFunc("GET /fragments", h.fragments)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// acquire takes the current graph for the request, or answers 503.
func (h *Handler) acquire(w http.ResponseWriter) (*store.Graph, bool) {
	g, err := h.cfg.Store.Acquire()
	if err != nil {
		plain(w, http.StatusServiceUnavailable, "the graph is not available: %v\n", err)
		return nil, false
	}
	w.Header().Set("X-Graph-Version", g.Version())
	return g, true
}

// choose negotiates the representation of a resource: ?format= first,
// then Accept. It answers 400 or 406 itself and reports false.
func choose(w http.ResponseWriter, r *http.Request, withHTML bool) (offer, bool) {
	return pick(w, r, offers(withHTML))
}

// pick chooses among offered by ?format= (an offer's name, or an RDF
// format's alias or media type) or else by Accept.
func pick(w http.ResponseWriter, r *http.Request, offered []offer) (offer, bool) {
	w.Header().Add("Vary", "Accept")
	if f := r.URL.Query().Get("format"); f != "" {
		name := strings.ToLower(f)
		if rf, ok := rdf.Lookup(f); ok {
			name = rf.Name
		}
		for _, o := range offered {
			if o.name == name {
				return o, true
			}
		}
		plain(w, http.StatusBadRequest, "unknown format %q: use one of %s\n", f, offerNames(offered))
		return offer{}, false
	}
	o, ok := negotiate(r.Header.Values("Accept"), offered)
	if !ok {
		var types []string
		for _, o := range offered {
			types = append(types, o.mediaType)
		}
		plain(w, http.StatusNotAcceptable, "none of the accepted media types can be produced; available: %s (or ?format=%s)\n",
			strings.Join(types, ", "), offerNames(offered))
		return offer{}, false
	}
	return o, true
}

func offerNames(offered []offer) string {
	var names []string
	for _, o := range offered {
		names = append(names, o.name)
	}
	return strings.Join(names, "|")
}

// plain answers with a short text message.
func plain(w http.ResponseWriter, status int, format string, args ...any) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintf(w, format, args...)
}

// internal logs an error and answers 500 without its details.
func internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	slog.ErrorContext(r.Context(), "linked data", "path", r.URL.Path, "err", err)
	plain(w, http.StatusInternalServerError, "internal error\n")
}

// writeRDF answers with quads in format o.
func (h *Handler) writeRDF(w http.ResponseWriter, r *http.Request, o offer, m kg.Model, qs []kg.Quad) {
	f, _ := rdf.Lookup(o.name)
	var buf bytes.Buffer
	wr := rdf.NewWriter(&buf, f, rdf.Prefixes(m))
	if err := wr.Write(rdf.Grouped(qs)...); err != nil {
		internal(w, r, err)
		return
	}
	if err := wr.Close(); err != nil {
		internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType(f))
	w.Write(buf.Bytes())
}

// contentType is the Content-Type header of an RDF format.
func contentType(f rdf.Format) string {
	return f.MediaType + "; charset=utf-8"
}

// render answers with an HTML page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Playground = h.cfg.Playground
	if p.Lang == "" {
		p.Lang = "zh-Hans"
	}
	var buf bytes.Buffer
	if err := layouts[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// layouts are the pages, each the layout with its own body.
var layouts = func() map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, name := range []string{"entity", "source", "vocab", "notfound", "quads"} {
		t := template.Must(pages.Clone())
		m[name] = template.Must(t.Parse(`{{define "body"}}{{template "` + name + `" .}}{{end}}`))
	}
	return m
}()

// resource serves /id/{kind}/{slug}: an entity or a source.
func (h *Handler) resource(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("kind") + "/" + r.PathValue("slug")
	g, ok := h.acquire(w)
	if !ok {
		return
	}
	defer g.Release()
	o, ok := choose(w, r, true)
	if !ok {
		return
	}
	ctx := r.Context()
	if r.PathValue("kind") == kg.SourceKind {
		h.source(w, r, g, id, o)
		return
	}
	m, err := NewModel(ctx, g, h.cfg.IRIs)
	if err != nil {
		internal(w, r, err)
		return
	}
	var qs []kg.Quad
	found := false
	if _, _, perr := kg.ParseID(id); perr == nil {
		qs, found, err = EntityQuads(ctx, g, m, id)
		if err != nil {
			internal(w, r, err)
			return
		}
	}
	if !found {
		h.notFound(w, r, g, o, id)
		return
	}
	if o.name != formatHTML {
		h.writeRDF(w, r, o, m, qs)
		return
	}
	ents, err := g.Entities(ctx, []string{id})
	if err != nil {
		internal(w, r, err)
		return
	}
	edges, err := g.Edges(ctx, []string{id})
	if err != nil {
		internal(w, r, err)
		return
	}
	figs, err := g.Figures(ctx, []string{id})
	if err != nil {
		internal(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "entity", page{
		Title: ents[0].Name, IRI: h.cfg.IRIs.Entity(id), Version: g.Version(),
		Formats: formatLinks("/id/" + id), Body: newEntityPage(ents[0], edges[0], figs[0]),
	})
}

// notFound answers an unknown id: a page that suggests entities by the
// words of the slug, or a short message for RDF clients.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, g *store.Graph, o offer, id string) {
	if o.name != formatHTML {
		plain(w, http.StatusNotFound, "no entity %s in graph version %s\n", id, g.Version())
		return
	}
	p := &notFoundPage{What: "entity " + id}
	_, slug, _ := strings.Cut(id, "/")
	if words := strings.TrimSpace(strings.ReplaceAll(slug, "-", " ")); words != "" {
		hits, _ := g.Index().Search(words, nil, 5)
		ids := make([]string, len(hits))
		for i, hit := range hits {
			ids[i] = hit.ID
		}
		if ents, err := g.Entities(r.Context(), ids); err == nil {
			for _, e := range ents {
				if e != nil {
					p.Suggestions = append(p.Suggestions, suggestion{ID: e.ID, Name: e.Name})
				}
			}
		}
	}
	h.render(w, r, http.StatusNotFound, "notfound", page{Title: "Not found", Version: g.Version(), Body: p})
}

// source serves /id/source/{slug}.
func (h *Handler) source(w http.ResponseWriter, r *http.Request, g *store.Graph, id string, o offer) {
	srcs, err := g.Sources(r.Context(), []string{id})
	if err != nil {
		internal(w, r, err)
		return
	}
	src := srcs[0]
	if src == nil {
		if o.name != formatHTML {
			plain(w, http.StatusNotFound, "no source %s in graph version %s\n", id, g.Version())
			return
		}
		h.render(w, r, http.StatusNotFound, "notfound", page{Title: "Not found", Version: g.Version(), Body: &notFoundPage{What: "source " + id}})
		return
	}
	m := kg.Model{IRIs: h.cfg.IRIs, Texts: map[string]string{src.ID: src.Text}}
	if o.name != formatHTML {
		h.writeRDF(w, r, o, m, m.Source(src))
		return
	}
	h.render(w, r, http.StatusOK, "source", page{
		Title: src.Title, IRI: h.cfg.IRIs.Entity(id), Version: g.Version(), Formats: formatLinks("/id/" + id),
		Body: &sourcePage{Source: src, Paragraphs: strings.Split(src.Text, "\n")},
	})
}

// vocab serves /vocab and /vocab/{name}.
func (h *Handler) vocab(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	g, ok := h.acquire(w) // the vocabulary is the code's, but every answer names the graph version
	if !ok {
		return
	}
	g.Release()
	o, ok := choose(w, r, true)
	if !ok {
		return
	}
	m := kg.Model{IRIs: h.cfg.IRIs}
	body := &vocabPage{One: name != ""}
	var qs []kg.Quad
	iri, title := m.VocabIRI(), "词表 vocabulary"
	switch {
	case name == "":
		qs = m.Vocabulary()
		for i := range kg.Vocabulary {
			body.Predicates = append(body.Predicates, &kg.Vocabulary[i])
		}
		for i := range kg.VocabTerms {
			body.Terms = append(body.Terms, &kg.VocabTerms[i])
		}
	default:
		iri, title = m.Vocab(name), name
		if p, ok := kg.LookupPredicate(name); ok {
			qs = m.PredicateQuads(p)
			body.Predicates = []*kg.Predicate{p}
		} else if t, ok := kg.LookupTerm(name); ok {
			qs = m.TermQuads(t)
			body.Terms = []*kg.VocabTerm{t}
		} else {
			if o.name != formatHTML {
				plain(w, http.StatusNotFound, "no term %s in the vocabulary; see /vocab\n", name)
				return
			}
			h.render(w, r, http.StatusNotFound, "notfound", page{Title: "Not found", Body: &notFoundPage{What: "vocabulary term " + name + " (see the vocabulary)"}})
			return
		}
	}
	if o.name != formatHTML {
		h.writeRDF(w, r, o, m, qs)
		return
	}
	path := "/vocab"
	if name != "" {
		path += "/" + name
	}
	h.render(w, r, http.StatusOK, "vocab", page{Title: title, IRI: iri, Formats: formatLinks(path), Body: body})
}

// voidCache keeps the dataset description of the graph version last asked
// for: counting the triples takes a walk of the whole graph.
type voidCache struct {
	mu      sync.Mutex
	version string
	stats   Stats
}

func (c *voidCache) get(ctx context.Context, g *store.Graph, iris kg.IRIs) (Stats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version == g.Version() {
		return c.stats, nil
	}
	st, err := Export(ctx, g, iris, discard{}, nil)
	if err != nil {
		return Stats{}, err
	}
	c.version, c.stats = g.Version(), st
	return st, nil
}

// discard is an rdf.Writer that writes nothing.
type discard struct{}

func (discard) Write(...kg.Quad) error { return nil }
func (discard) Close() error           { return nil }
