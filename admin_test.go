package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mustCopyData copies the data folder into a temp dir the test may edit.
func mustCopyData(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "data")
	if out, err := exec.Command("cp", "-r", "data", dir).CombinedOutput(); err != nil {
		tb.Fatalf("copy data: %v: %s", err, out)
	}
	return dir
}

func reload(tb testing.TB, m *Main, token string) (int, map[string]any) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, m.URL()+"/admin/reload", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func servedVersion(tb testing.TB, m *Main) string {
	tb.Helper()
	resp, r := postQuery(tb, m, `{ graphVersion }`)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status %d", resp.StatusCode)
	}
	return r.Extensions["graphVersion"].(string)
}

func TestReload(t *testing.T) {
	dir := mustCopyData(t)
	m := MustRunMain(t, "-data", dir, "-write-token", "s3cret")
	before := servedVersion(t, m)

	t.Run("ErrNoToken", func(t *testing.T) {
		if code, body := reload(t, m, ""); code != http.StatusUnauthorized || codeOf(body) != "UNAUTHENTICATED" {
			t.Errorf("got %d %v, want 401 UNAUTHENTICATED", code, body)
		}
	})
	t.Run("ErrWrongToken", func(t *testing.T) {
		if code, _ := reload(t, m, "guess"); code != http.StatusUnauthorized {
			t.Errorf("got %d, want 401", code)
		}
	})
	t.Run("OKUnchanged", func(t *testing.T) {
		code, body := reload(t, m, "s3cret")
		if code != http.StatusOK || body["graphVersion"] != before {
			t.Errorf("got %d %v, want 200 and the same version %s", code, body, before)
		}
	})
	people := filepath.Join(dir, "entities", "people.yaml")
	orig, err := os.ReadFile(people)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ErrInvalidDataKeepsGraph", func(t *testing.T) {
		bad := strings.Replace(string(orig), "name: 马善祥", "name: \"\"", 1)
		if err := os.WriteFile(people, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		code, body := reload(t, m, "s3cret")
		if code != http.StatusUnprocessableEntity || codeOf(body) != "BAD_USER_INPUT" || !strings.Contains(strings.Join(messages(body), "\n"), "people.yaml:") {
			t.Errorf("got %d %v, want 422 naming people.yaml:line", code, body)
		}
		if v := servedVersion(t, m); v != before {
			t.Errorf("served version %s after a failed reload, want %s", v, before)
		}
	})
	t.Run("OKNewVersion", func(t *testing.T) {
		edited := strings.Replace(string(orig), "aliases: [老马]", "aliases: [老马, 马老师]", 1)
		if edited == string(orig) {
			t.Fatal("people.yaml no longer lists 马善祥's aliases as [老马]: update this test")
		}
		if err := os.WriteFile(people, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		code, body := reload(t, m, "s3cret")
		if code != http.StatusOK || body["graphVersion"] == before {
			t.Fatalf("got %d %v, want 200 and a new version", code, body)
		}
		_, r := postQuery(t, m, `{ entity(id: "person/ma-shanxiang") { aliases } }`)
		if !strings.Contains(string(r.Data), "马老师") || r.Extensions["graphVersion"] != body["graphVersion"] {
			t.Errorf("after reload: %s %v", r.Data, r.Extensions)
		}
	})
}

func TestReloadOff(t *testing.T) {
	t.Setenv("CIVICGRAPH_WRITE_TOKEN", "")
	m := MustRunMain(t)
	if code, _ := reload(t, m, "anything"); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
		t.Errorf("reload without a configured token: %d, want it absent", code)
	}
}

// codeOf is the code of a GraphQL-shaped error body's first error.
func codeOf(body map[string]any) string {
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

func messages(body map[string]any) []string {
	errs, _ := body["errors"].([]any)
	var out []string
	for _, x := range errs {
		e, _ := x.(map[string]any)
		msg, _ := e["message"].(string)
		out = append(out, msg)
	}
	return out
}
