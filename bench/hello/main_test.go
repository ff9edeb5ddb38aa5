package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// Every request to /graphql gets the same bytes, whatever it sends; other
// paths are 404.
func TestHandler(t *testing.T) {
	body := []byte(`{"data":{"entity":{"id":"person/ma-shanxiang","name":"马善祥"}},"extensions":{"graphVersion":"v1"}}`)
	srv := httptest.NewServer(Handler(body))
	defer srv.Close()
	tests := []struct {
		name, method, path, send string
		status                   int
	}{
		{"OKPost", http.MethodPost, "/graphql", `{"query":"{ entity(id: \"x\") { id } }"}`, http.StatusOK},
		{"OKGet", http.MethodGet, "/graphql?query=%7B__typename%7D", "", http.StatusOK},
		{"ErrOtherPath", http.MethodGet, "/other", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.send))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == http.StatusOK && (!bytes.Equal(got, body) || resp.Header.Get("Content-Type") != "application/json; charset=utf-8") {
				t.Errorf("got %q (%s), want the file's bytes", got, resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"ErrNoBody", nil, "usage: hello"},
		{"ErrExtraArgs", []string{"-body", "x", "y"}, "usage: hello"},
		{"ErrMissingFile", []string{"-body", filepath.Join(t.TempDir(), "none")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := run(tt.args); err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("run(%q): %v, want an error with %q", tt.args, err, tt.err)
			}
		})
	}
}
