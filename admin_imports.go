package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/gqlhttp"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/importer"
	"github.com/civicgraph/civicgraph/imports"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// requireToken answers 401 unless the request carries the write token.
func (m *Main) requireToken(w http.ResponseWriter, r *http.Request) bool {
	if m.authorized(r) {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="civicgraph"`)
	gqlhttp.WriteError(w, graph.Errorf(graph.Unauthenticated, "a valid write token is required").WithStatus(http.StatusUnauthorized))
	return false
}

// listImports answers GET /admin/imports: the imports kept beside the graph.
func (m *Main) listImports(w http.ResponseWriter, r *http.Request) {
	if !m.requireToken(w, r) {
		return
	}
	g, err := m.store.Acquire()
	if err != nil {
		gqlhttp.WriteError(w, graph.Errorf(graph.Unavailable, "no graph is being served").WithStatus(http.StatusServiceUnavailable))
		return
	}
	defer g.Release()
	list, err := g.Imports(r.Context())
	if err != nil {
		slog.ErrorContext(r.Context(), "list imports", "err", err)
		gqlhttp.WriteError(w, graph.Errorf(graph.Internal, "internal error"))
		return
	}
	type item struct {
		Name     string `json:"name"`
		File     string `json:"file"`
		Format   string `json:"format"`
		License  string `json:"licence,omitempty"`
		By       string `json:"importedBy,omitempty"`
		LoadedAt string `json:"loadedAt"`
		Records  int    `json:"recordCount"`
		Linked   int    `json:"linkedCount"`
	}
	out := make([]item, len(list))
	for i, im := range list {
		out[i] = item{im.Name, im.File, im.Format, im.License, im.By, im.LoadedAt.UTC().Format("2006-01-02T15:04:05Z"), im.Records, im.Linked}
	}
	writeJSON(w, http.StatusOK, map[string]any{"graphVersion": g.Version(), "imports": out})
}

// addImport answers POST /admin/imports, a multipart form with the fields
// name, file, and mapping for a CSV file (format when the file's name does
// not tell it): the file is imported as a new graph version, or refused with
// every problem found and the served graph unchanged.
func (m *Main) addImport(w http.ResponseWriter, r *http.Request) {
	if !m.requireToken(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, m.MaxImport)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		gqlhttp.WriteError(w, graph.Errorf(graph.BadUserInput, "send a multipart form with the fields name, file and (for CSV) mapping, at most %d bytes: %v", m.MaxImport, err).WithStatus(status))
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, fh, err := r.FormFile("file")
	if err != nil {
		gqlhttp.WriteError(w, graph.Errorf(graph.BadUserInput, "the form has no file field").WithStatus(http.StatusBadRequest))
		return
	}
	defer file.Close()
	req := imports.Request{Name: r.FormValue("name"), File: filepath.Base(fh.Filename), Format: r.FormValue("format"),
		Data: file, By: "write token", Matcher: newMatcher(kg.NewIRIs(m.BaseIRI))}
	var mf multipart.File
	if mf, fh, err = r.FormFile("mapping"); err == nil {
		defer mf.Close()
		req.Mapping, req.MapFile = mf, filepath.Base(fh.Filename)
	}
	start := time.Now()
	rep, err := imports.Into(r.Context(), m.store, req)
	m.metrics.Load("import", time.Since(start), err)
	if err != nil {
		writeImportError(r.Context(), w, err)
		return
	}
	slog.InfoContext(r.Context(), "imported", "name", rep.Name, "records", rep.Records, "linked", rep.Linked, "version", rep.Version)
	writeJSON(w, http.StatusCreated, rep)
}

// removeImport answers DELETE /admin/imports/{name}.
func (m *Main) removeImport(w http.ResponseWriter, r *http.Request) {
	if !m.requireToken(w, r) {
		return
	}
	name := r.PathValue("name")
	start := time.Now()
	version, err := m.store.RemoveImport(r.Context(), name)
	m.metrics.Load("import", time.Since(start), err)
	if err != nil {
		writeImportError(r.Context(), w, err)
		return
	}
	slog.InfoContext(r.Context(), "removed import", "name", name, "version", version)
	writeJSON(w, http.StatusOK, map[string]any{"removed": name, "graphVersion": version})
}

// writeImportError answers a refused import or removal with its status:
// every problem of a file is its own error.
func writeImportError(ctx context.Context, w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, importer.ErrInvalid):
		var errs []*graph.Error
		for line := range strings.SplitSeq(strings.TrimSpace(err.Error()), "\n") {
			errs = append(errs, graph.Errorf(graph.BadUserInput, "%s", strings.TrimSpace(line)).WithStatus(http.StatusUnprocessableEntity))
		}
		gqlhttp.WriteError(w, errs...)
	case errors.Is(err, kg.ErrBadImportName), errors.Is(err, imports.ErrFormat):
		gqlhttp.WriteError(w, graph.Errorf(graph.BadUserInput, "%v", err).WithStatus(http.StatusBadRequest))
	case errors.Is(err, store.ErrImportExists):
		gqlhttp.WriteError(w, graph.Errorf(graph.BadUserInput, "%v: remove it first, or choose another name", err).WithStatus(http.StatusConflict))
	case errors.Is(err, store.ErrNoImport):
		gqlhttp.WriteError(w, graph.Errorf(graph.BadUserInput, "%v", err).WithStatus(http.StatusNotFound))
	default:
		slog.ErrorContext(ctx, "import", "err", err)
		gqlhttp.WriteError(w, graph.Errorf(graph.Internal, "internal error; the served graph is unchanged"))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
