package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/civicgraph/civicgraph/loader"
)

// reload re-reads the data folder and loads it as the store's new graph
// version: the authenticated write that lets a running server pick up
// edited data without a restart. Requests in flight finish on the old
// version; a failed load leaves it served.
func (m *Main) reload(w http.ResponseWriter, r *http.Request) {
	if !m.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="civicgraph"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "a valid write token is required", "code": "UNAUTHENTICATED"})
		return
	}
	ds, err := loadData(m.DataDir)
	var invalid loader.Errors
	switch {
	case errors.As(err, &invalid):
		msgs := make([]string, len(invalid))
		for i, e := range invalid {
			msgs[i] = e.Error()
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "the data is invalid; the served graph is unchanged", "code": "BAD_USER_INPUT", "errors": msgs})
		return
	case err != nil:
		slog.Error("reload: read data", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "internal error", "code": "INTERNAL"})
		return
	}
	version, err := m.store.Load(r.Context(), ds)
	if err != nil {
		slog.Error("reload: load", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "internal error; the served graph is unchanged", "code": "INTERNAL"})
		return
	}
	slog.Info("reloaded", "version", version)
	writeJSON(w, http.StatusOK, map[string]any{"graphVersion": version})
}

// authorized checks the bearer token in constant time.
func (m *Main) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && m.WriteToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(m.WriteToken)) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
