package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// MustRunMain starts the real server on a free loopback port with the
// embedded dataset in memory, and stops it when the test ends.
func MustRunMain(tb testing.TB, args ...string) *Main {
	tb.Helper()
	m := NewMain()
	if err := m.ParseFlags(append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard); err != nil {
		tb.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return m
}

type response struct {
	Data       json.RawMessage
	Errors     []struct{ Message string }
	Extensions map[string]any
}

func postQuery(tb testing.TB, m *Main, query string) (*http.Response, response) {
	tb.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(m.URL()+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	return resp, decode(tb, resp)
}

func decode(tb testing.TB, resp *http.Response) response {
	tb.Helper()
	defer resp.Body.Close()
	var r response
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return r
}

const headline = `{ entity(id:"person/ma-shanxiang") { name ... on Person { honours { honour { name } time evidence { quote start end } } } } }`

// The "done when": the headline query over real HTTP.
func TestServeHeadline(t *testing.T) {
	m := MustRunMain(t)
	t.Run("OKPost", func(t *testing.T) {
		resp, r := postQuery(t, m, headline)
		if resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("status %d, errors %v", resp.StatusCode, r.Errors)
		}
		var data struct {
			Entity struct {
				Honours []struct {
					Honour   struct{ Name string }
					Evidence []struct{ Quote string }
				}
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		if n := len(data.Entity.Honours); n != 9 {
			t.Errorf("%d honours, want 9", n)
		}
		version := resp.Header.Get("X-Graph-Version")
		if version == "" || r.Extensions["graphVersion"] != version {
			t.Errorf("X-Graph-Version %q, extensions.graphVersion %v: want both, equal", version, r.Extensions["graphVersion"])
		}
	})
	t.Run("OKGet", func(t *testing.T) {
		resp, err := http.Get(m.URL() + "/graphql?query=" + url.QueryEscape(headline))
		if err != nil {
			t.Fatal(err)
		}
		r := decode(t, resp)
		if resp.StatusCode != http.StatusOK || len(r.Errors) > 0 || !strings.Contains(string(r.Data), "感动重庆十大人物") {
			t.Fatalf("status %d, errors %v, data %s", resp.StatusCode, r.Errors, r.Data)
		}
	})
}

func TestHealth(t *testing.T) {
	m := MustRunMain(t)
	tests := []struct {
		path, want string
	}{
		{"/healthz", "ok"},
		{"/readyz", `"status":"ready"`},
	}
	for _, tt := range tests {
		t.Run("OK"+tt.path, func(t *testing.T) {
			resp, err := http.Get(m.URL() + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), tt.want) {
				t.Errorf("%s: %d %s", tt.path, resp.StatusCode, b)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err []string
	}{
		{"OKValidateEmbedded", []string{"validate"}, 0, []string{"ok:", "entities"}, nil},
		{"OKValidateDir", []string{"validate", "data"}, 0, []string{"ok:"}, nil},
		{"ErrValidateBadData", []string{"validate", "testdata/bad"}, 1, nil, []string{
			"testdata/bad/entities/people.yaml:6: entities[0].nickname: unknown field",
			"testdata/bad/entities/people.yaml:9: entities[0].relations[0].target: no entity has id \"honour/nowhere\"",
			"testdata/bad/entities/people.yaml:11: entities[1].id:",
			"testdata/bad/entities/people.yaml:12: entities[1].name: empty",
		}},
		{"ErrValidateMissingDir", []string{"validate", "testdata/none"}, 1, nil, []string{"testdata/none"}},
		{"OKCheckEmbedded", []string{"check"}, 0, []string{"entities"}, nil},
		{"OKHelp", []string{"-h"}, 0, nil, []string{"-addr", "-store", "-base-iri", "validate", "load"}},
		{"ErrUnknownFlag", []string{"-nope"}, 2, nil, []string{"flag provided but not defined"}},
		{"ErrLoadWithoutStore", []string{"load"}, 2, nil, []string{"Usage: civicgraph load"}},
		{"ErrLoadMemory", []string{"load", "-store", "memory"}, 2, nil, []string{"persistent store"}},
		{"ErrValidateUnknownFlag", []string{"validate", "-x"}, 2, nil, []string{"flag provided but not defined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			for _, w := range tt.out {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tt.err {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// Go's flag package takes -flag and --flag alike.
func TestDoubleDashFlags(t *testing.T) {
	m := NewMain()
	if err := m.ParseFlags([]string{"--addr", "127.0.0.1:9999", "--base-iri", "https://example.org"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if m.Addr != "127.0.0.1:9999" || m.BaseIRI != "https://example.org" {
		t.Errorf("got addr %s base %s", m.Addr, m.BaseIRI)
	}
}
