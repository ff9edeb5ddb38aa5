package reconcile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// Config is what the reconciliation routes need.
type Config struct {
	Store *store.Store
	// IRIs is the canonical base: the identifier space is its /id/, the
	// schema space its /vocab/.
	IRIs kg.IRIs
	// MaxQueries bounds a batch: the queries of one reconciliation request
	// and the ids of one extension request (default DefaultMaxQueries).
	MaxQueries int
	// MaxLimit is the largest limit a query or suggest request may ask for
	// (default DefaultMaxLimit).
	MaxLimit int
	// MaxBody bounds a POST body in bytes (0: no bound).
	MaxBody int64
}

// Defaults of Config's limits.
const (
	DefaultMaxQueries = 50
	DefaultMaxLimit   = 25
	defaultLimit      = 10 // candidates a query gets when it names no limit
)

// Preview card size, declared in the manifest: OpenRefine shows the card in
// an iframe of this size.
const (
	previewWidth  = 400
	previewHeight = 260
)

// Routes are the path patterns Handler answers.
var Routes = []string{"/reconcile", "/reconcile/"}

// Handler serves the reconciliation API.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// NewHandler returns the reconciliation handler.
func NewHandler(cfg Config) *Handler {
	if cfg.MaxQueries <= 0 {
		cfg.MaxQueries = DefaultMaxQueries
	}
	if cfg.MaxLimit <= 0 {
		cfg.MaxLimit = DefaultMaxLimit
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("/reconcile", h.service)
	h.mux.HandleFunc("/reconcile/{$}", h.service) // the URL added with a slash
	h.mux.HandleFunc("/reconcile/preview", h.preview)
	h.mux.HandleFunc("/reconcile/suggest/{what}", h.suggest)
	h.mux.HandleFunc("/reconcile/propose_properties", h.propose)
	h.mux.HandleFunc("/reconcile/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such route %s: see GET /reconcile for the service's routes", r.URL.Path)
	})
	return h
}

// ServeHTTP takes the current graph once for the request, so that every
// answer, errors included, names the version it was read from.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g, err := h.cfg.Store.Acquire()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "the graph is not available: %v", err)
		return
	}
	defer g.Release()
	w.Header().Set("X-Graph-Version", g.Version())
	h.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), graphKey{}, g)))
}

type graphKey struct{}

// graphOf is the graph ServeHTTP took for the request.
func graphOf(r *http.Request) *store.Graph { return r.Context().Value(graphKey{}).(*store.Graph) }

// errorBody is the API's error shape. The 0.2 specification leaves error
// bodies open; this one is the same on every route.
type errorBody struct {
	Status  string `json:"status"` // always "error"
	Message string `json:"message"`
}

// writeError answers with the error shape.
func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	w.Header().Del("Content-Security-Policy")
	writeJSON(w, status, errorBody{Status: "error", Message: fmt.Sprintf(format, args...)})
}

// badRequest is a fault of the request, answered with a 400 and its
// message.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func bad(format string, args ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, args...)}
}

// fail answers err: a badRequest with a 400 and its message, anything else
// logged and answered as an internal error.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	var br *badRequest
	if errors.As(err, &br) {
		writeError(w, http.StatusBadRequest, "%s", br.msg)
		return
	}
	if r.Context().Err() != nil {
		return // the client went away
	}
	slog.ErrorContext(r.Context(), "reconcile", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

// writeJSON answers with v as JSON, HTML characters unescaped so that the
// answer reads as written.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"status":"error","message":"internal error"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// onlyGet refuses any method but GET and HEAD.
func onlyGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	writeError(w, http.StatusMethodNotAllowed, "%s %s: use GET", r.Method, r.URL.Path)
	return false
}

// requestBase is the scheme and host the request reached: the manifest's
// URLs are absolute, under the host the client used.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// service answers /reconcile: the manifest, a query batch or an extension.
func (h *Handler) service(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		if ct := r.Header.Get("Content-Type"); !isForm(ct) {
			w.Header().Set("Accept-Post", "application/x-www-form-urlencoded")
			writeError(w, http.StatusUnsupportedMediaType, "POST /reconcile takes a form (application/x-www-form-urlencoded) with a field queries or extend, not %q", ct)
			return
		}
		if h.cfg.MaxBody > 0 {
			r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxBody)
		}
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		writeError(w, http.StatusMethodNotAllowed, "%s /reconcile: use GET or POST", r.Method)
		return
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "the request body is over %d bytes", mbe.Limit)
			return
		}
		writeError(w, http.StatusBadRequest, "cannot read the form: %v", err)
		return
	}
	g := graphOf(r)
	queries, extend := r.Form["queries"], r.Form["extend"]
	switch {
	case len(queries) > 0 && len(extend) > 0:
		writeError(w, http.StatusBadRequest, "give either queries or extend, not both")
	case len(queries) > 1 || len(extend) > 1:
		writeError(w, http.StatusBadRequest, "give the field queries or extend once")
	case len(queries) == 1:
		h.queries(w, r, g, queries[0])
	case len(extend) == 1:
		h.extend(w, r, g, extend[0])
	case r.Method == http.MethodPost:
		writeError(w, http.StatusBadRequest, "POST /reconcile needs a form field queries (a reconciliation batch) or extend (a data extension query)")
	default:
		writeJSON(w, http.StatusOK, h.manifest(r, g))
	}
}

// isForm reports whether a Content-Type is a URL-encoded form.
func isForm(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded")
}

// Manifest is the service manifest of the 0.2 specification.
type Manifest struct {
	Versions        []string        `json:"versions"`
	Name            string          `json:"name"`
	IdentifierSpace string          `json:"identifierSpace"`
	SchemaSpace     string          `json:"schemaSpace"`
	Documentation   string          `json:"documentation,omitempty"`
	DefaultTypes    []Type          `json:"defaultTypes"`
	View            URLTemplate     `json:"view"`
	Preview         PreviewMetadata `json:"preview"`
	Suggest         SuggestMetadata `json:"suggest"`
	Extend          ExtendMetadata  `json:"extend"`
	BatchSize       int             `json:"batchSize"`
}

// URLTemplate is a URL with {{id}} in place of an entity id.
type URLTemplate struct {
	URL string `json:"url"`
}

// PreviewMetadata says where entity previews are and how large.
type PreviewMetadata struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// ServicePath is a URL given as a base and a path to append.
type ServicePath struct {
	ServiceURL  string `json:"service_url"`
	ServicePath string `json:"service_path"`
}

// SuggestMetadata declares the suggest services.
type SuggestMetadata struct {
	Entity   ServicePath `json:"entity"`
	Type     ServicePath `json:"type"`
	Property ServicePath `json:"property"`
}

// ExtendMetadata declares the data extension service.
type ExtendMetadata struct {
	ProposeProperties ServicePath `json:"propose_properties"`
}

// Type is a reconciliation type: one of the kinds.
type Type struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// manifest describes the service, its URLs under the host the request
// reached.
func (h *Handler) manifest(r *http.Request, g *store.Graph) Manifest {
	base := requestBase(r)
	svc := base + "/reconcile"
	info := g.Info()
	name := "civicgraph"
	if info.Title != "" {
		name = "civicgraph · " + info.Title
	}
	return Manifest{
		Versions:        []string{"0.2"},
		Name:            name,
		IdentifierSpace: h.identifierSpace(),
		SchemaSpace:     h.schemaSpace(),
		Documentation:   info.Homepage,
		DefaultTypes:    allTypes(),
		View:            URLTemplate{URL: base + "/id/{{id}}"},
		Preview:         PreviewMetadata{URL: svc + "/preview?id={{id}}", Width: previewWidth, Height: previewHeight},
		Suggest: SuggestMetadata{
			Entity:   ServicePath{ServiceURL: svc, ServicePath: "/suggest/entity"},
			Type:     ServicePath{ServiceURL: svc, ServicePath: "/suggest/type"},
			Property: ServicePath{ServiceURL: svc, ServicePath: "/suggest/property"},
		},
		Extend:    ExtendMetadata{ProposeProperties: ServicePath{ServiceURL: svc, ServicePath: "/propose_properties"}},
		BatchSize: h.cfg.MaxQueries,
	}
}

// identifierSpace is the prefix that makes an id an IRI.
func (h *Handler) identifierSpace() string { return h.cfg.IRIs.Entity("") }

// schemaSpace is the prefix of the vocabulary's terms.
func (h *Handler) schemaSpace() string { return h.cfg.IRIs.Predicate("") }
