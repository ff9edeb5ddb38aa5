package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/gqlhttp"
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
		gqlhttp.WriteError(w, graph.Errorf(graph.Unauthenticated, "a valid write token is required").WithStatus(http.StatusUnauthorized))
		return
	}
	ctx := r.Context()
	start := time.Now()
	ds, err := m.seed()
	var invalid loader.Errors
	switch {
	case errors.As(err, &invalid):
		m.metrics.Load("reload", time.Since(start), err)
		// Refused, and said in the log too: whoever edited the data may
		// only see the log.
		slog.WarnContext(ctx, "reload refused: invalid data; the served graph is unchanged", "errors", len(invalid), "first", invalid[0].Error())
		// One error a data problem, each naming file:line and field.
		errs := make([]*graph.Error, len(invalid))
		for i, e := range invalid {
			errs[i] = graph.Errorf(graph.BadUserInput, "%s", e.Error()).WithStatus(http.StatusUnprocessableEntity)
		}
		gqlhttp.WriteError(w, errs...)
		return
	case err != nil:
		m.metrics.Load("reload", time.Since(start), err)
		slog.ErrorContext(ctx, "reload: read data", "err", err)
		gqlhttp.WriteError(w, graph.Errorf(graph.Internal, "internal error; the served graph is unchanged"))
		return
	}
	version, err := m.store.Load(ctx, ds)
	m.metrics.Load("reload", time.Since(start), err)
	if err != nil {
		slog.ErrorContext(ctx, "reload: load", "err", err)
		gqlhttp.WriteError(w, graph.Errorf(graph.Internal, "internal error; the served graph is unchanged"))
		return
	}
	slog.InfoContext(ctx, "reloaded", "version", version, "duration", time.Since(start))
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"graphVersion": version})
}

// authorized checks the bearer token in constant time.
func (m *Main) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && m.WriteToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(m.WriteToken)) == 1
}
