package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/loader"
)

// reload re-reads the data folder and loads it as the store's new graph
// version: the authenticated write that lets a running server pick up
// edited data without a restart. Requests in flight finish on the old
// version; a failed load leaves it served.
func (m *Main) reload(w http.ResponseWriter, r *http.Request) {
	if !m.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="civicgraph"`)
		graph.WriteError(w, graph.Errorf(graph.Unauthenticated, "a valid write token is required").WithStatus(http.StatusUnauthorized))
		return
	}
	ds, err := m.seed()
	var invalid loader.Errors
	switch {
	case errors.As(err, &invalid):
		// One error a data problem, each naming file:line and field.
		errs := make([]*graph.Error, len(invalid))
		for i, e := range invalid {
			errs[i] = graph.Errorf(graph.BadUserInput, "%s", e.Error()).WithStatus(http.StatusUnprocessableEntity)
		}
		graph.WriteError(w, errs...)
		return
	case err != nil:
		slog.Error("reload: read data", "err", err)
		graph.WriteError(w, graph.Errorf(graph.Internal, "internal error; the served graph is unchanged"))
		return
	}
	version, err := m.store.Load(r.Context(), ds)
	if err != nil {
		slog.Error("reload: load", "err", err)
		graph.WriteError(w, graph.Errorf(graph.Internal, "internal error; the served graph is unchanged"))
		return
	}
	slog.Info("reloaded", "version", version)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"graphVersion": version})
}

// authorized checks the bearer token in constant time.
func (m *Main) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && m.WriteToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(m.WriteToken)) == 1
}
