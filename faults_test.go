package main

// Fault tests on the real server: PostgreSQL stopped under it, and reloads
// and loads from another process during a 64-connection run. Both are
// bounded in requests (never in wall time) and talk to loopback only.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/pgtest"
	"github.com/civicgraph/civicgraph/loader"
)

// loadHelperEnv makes the test binary act as `civicgraph load` with the
// arguments it holds (JSON), so a test can load from another process.
const loadHelperEnv = "CIVICGRAPH_FAULTS_LOAD"

func init() {
	raw := os.Getenv(loadHelperEnv)
	if raw == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(run(context.Background(), append([]string{"load"}, args...), os.Stdout, os.Stderr))
}

// loadElsewhere runs `civicgraph load -store spec dir` in another process.
func loadElsewhere(spec, dir string) error {
	args, _ := json.Marshal([]string{"-store", spec, dir})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), loadHelperEnv+"="+string(args))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("civicgraph load %s: %v: %s", dir, err, out)
	}
	return nil
}

// gqlResponse is a GraphQL response with the codes of its errors.
type gqlResponse struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
	Extensions struct{ GraphVersion string }
}

// post sends query and decodes the answer; a transport error is returned,
// not fatal, so that workers can count it.
func post(c *http.Client, url, query string) (*http.Response, gqlResponse, error) {
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := c.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, gqlResponse{}, err
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return resp, r, fmt.Errorf("decode: %w", err)
	}
	return resp, r, nil
}

func getStatus(tb testing.TB, c *http.Client, url string) int {
	tb.Helper()
	resp, err := c.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// faultClient bounds every request: a hang is a failure, not a stuck test.
// The bound is far above any answer the tests expect; they check what
// came back, not how fast.
func faultClient(conns int) *http.Client {
	return &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns},
	}
}

// PostgreSQL stopped under a running server (a cluster of the test's own),
// by a fast and by an immediate shutdown: a GraphQL read fails with code
// UNAVAILABLE — not TIMEOUT, so it did not wait for the request's deadline
// — /readyz is 503 while /healthz stays 200, and once the database is back
// the same server answers again by itself: no restart.
func TestPostgresOutageServer(t *testing.T) {
	c := pgtest.MustStartCluster(t)
	// -cache 0 and -response-cache 0: a cached answer would hide the
	// outage. -poll: the server keeps looking for new versions throughout,
	// as in production.
	m := MustRunMain(t, "-store", c.DSN(), "-cache", "0", "-response-cache", "0", "-timeout", "5s", "-poll", "100ms")
	client := faultClient(4)
	const query = `{ entity(id: "person/ma-shanxiang") { name relations(first: 3) { target { name } } } }`
	_, before, err := post(client, m.URL(), query)
	if err != nil || len(before.Errors) > 0 {
		t.Fatalf("before the outage: %v %v", err, before.Errors)
	}
	// The most attempts recovery may take: one per connection the pools
	// hold, and one more (each failure drops a broken connection).
	const attempts = 16 + 4 + 1
	tests := []struct {
		name string
		mode pgtest.StopMode
	}{
		{"OKFast", pgtest.Fast},
		{"OKImmediate", pgtest.Immediate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Stop(t, tt.mode)
			t.Run("ErrUnavailableQuery", func(t *testing.T) {
				var slowest time.Duration
				for range 5 {
					begin := time.Now()
					resp, r, err := post(client, m.URL(), query)
					slowest = max(slowest, time.Since(begin))
					if err != nil {
						t.Fatal(err)
					}
					if len(r.Errors) == 0 || r.Errors[0].Extensions.Code != "UNAVAILABLE" {
						t.Fatalf("with the database down: status %d, errors %+v, want code UNAVAILABLE", resp.StatusCode, r.Errors)
					}
					if v := resp.Header.Get("X-Graph-Version"); v == "" || v != r.Extensions.GraphVersion {
						t.Errorf("X-Graph-Version %q, extensions.graphVersion %q", v, r.Extensions.GraphVersion)
					}
				}
				t.Logf("%s shutdown: 5 queries failed with UNAVAILABLE, the slowest in %v", tt.mode, slowest.Round(time.Millisecond))
			})
			t.Run("ErrReadyz503", func(t *testing.T) {
				if got := getStatus(t, client, m.URL()+"/readyz"); got != http.StatusServiceUnavailable {
					t.Errorf("/readyz %d with the database down, want 503", got)
				}
			})
			t.Run("OKHealthz", func(t *testing.T) {
				if got := getStatus(t, client, m.URL()+"/healthz"); got != http.StatusOK {
					t.Errorf("/healthz %d with the database down, want 200", got)
				}
			})
			c.Start(t)
			t.Run("OKRecovers", func(t *testing.T) {
				ready, failed := false, 0
				for i := 0; i < attempts && !ready; i++ {
					ready = getStatus(t, client, m.URL()+"/readyz") == http.StatusOK
				}
				if !ready {
					t.Fatalf("/readyz not 200 in %d attempts after the restart", attempts)
				}
				answered := false
				for i := 0; i < attempts && !answered; i++ {
					_, r, err := post(client, m.URL(), query)
					if err != nil {
						t.Fatal(err)
					}
					answered = len(r.Errors) == 0
					if !answered {
						failed++
						if code := r.Errors[0].Extensions.Code; code != "UNAVAILABLE" {
							t.Fatalf("after the restart: %+v, want an answer or UNAVAILABLE", r.Errors)
						}
					}
				}
				if !answered {
					t.Fatalf("no answer in %d attempts after the restart", attempts)
				}
				_, r, err := post(client, m.URL(), query)
				if err != nil || len(r.Errors) > 0 || string(r.Data) != string(before.Data) {
					t.Fatalf("once recovered: %v %+v %s, want the answer of before the outage", err, r.Errors, r.Data)
				}
				t.Logf("%s shutdown: %d queries failed after the restart, then the server answered as before", tt.mode, failed)
			})
		})
	}
}

// versionQuery reads two entities and a search: in v1 ma-shanxiang's
// description is "老马工作室负责人。" and wang-hong does not exist; v2 changed
// the one and added the other. A response mixing two versions shows.
const versionQuery = `{ graphVersion ma: entity(id: "person/ma-shanxiang") { description }
  wang: entity(id: "person/wang-hong") { name } search(text: "王红") { entity { id } } }`

type versionAnswer struct {
	GraphVersion string
	Ma           struct{ Description string }
	Wang         *struct{ Name string }
	Search       []struct{ Entity struct{ ID string } }
}

// fingerprint is what an answer says about the data it was read from.
func (a versionAnswer) fingerprint() string {
	hit := false
	for _, s := range a.Search {
		hit = hit || s.Entity.ID == "person/wang-hong"
	}
	return fmt.Sprintf("ma=%s wang=%v search=%v", a.Ma.Description, a.Wang != nil, hit)
}

// A 64-connection run of reads while the server reloads its data folder
// (switched between the v1 and v2 fixtures) and while another process
// loads v1 and v2 into the same store, which the server picks up by
// polling: every response is a 200 without errors, names one version in
// X-Graph-Version and extensions.graphVersion alike, and holds exactly that
// version's data.
func TestReloadUnderLoad(t *testing.T) {
	const (
		workers   = 64
		perWorker = 25 // at least; workers go on until the reloads and loads are done
	)
	fixtures := map[string]string{}
	folders := map[string]string{}
	for _, name := range []string{"v1", "v2"} {
		dir, err := filepath.Abs(filepath.Join("store", "storetest", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		ds, err := loader.Load(os.DirFS(dir), dir)
		if err != nil {
			t.Fatal(err)
		}
		fixtures[ds.Version()] = name
		folders[name] = dir
	}
	stores := []struct {
		name string
		spec func(t *testing.T) string
		args []string
		// reloads through the API, and loads by another process
		reloads, loads int
	}{
		// bolt without the cache, so that every read goes to the store while
		// versions switch; PostgreSQL with it (without, its per-value reads
		// make the run slow), so the per-version cache is checked too, with
		// fewer loads, which are slow beside 64 busy connections on 2 CPUs.
		{"OKBolt", func(t *testing.T) string { return "bolt:" + filepath.Join(t.TempDir(), "graph") }, []string{"-cache", "0"}, 8, 4},
		{"OKPostgres", func(t *testing.T) string {
			return pgtest.MustCreateDB(t, pgtest.MustStart(t), "reload_under_load")
		}, nil, 4, 2},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			if raceEnabled {
				// The same races with fewer rounds: under the race
				// detector a load beside 64 busy connections takes
				// ten times as long.
				s.reloads, s.loads = 2, 1
			}
			spec := s.spec(t)
			// -data names a symbolic link the test points at v1 or v2.
			link := filepath.Join(t.TempDir(), "data")
			point := func(name string) {
				tmp := link + ".new"
				os.Remove(tmp)
				if err := os.Symlink(folders[name], tmp); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(tmp, link); err != nil { // atomic
					t.Fatal(err)
				}
			}
			point("v1")
			const token = "faults"
			m := MustRunMain(t, append([]string{"-store", spec, "-data", link, "-write-token", token, "-poll", "20ms"}, s.args...)...)
			client := faultClient(workers + 2)

			var (
				mu       sync.Mutex
				failures []string
				seen     = map[string]int{}    // requests per version
				prints   = map[string]string{} // version → fingerprint
				requests atomic.Int64
				done     = make(chan struct{})
			)
			fail := func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				if len(failures) < 20 {
					failures = append(failures, fmt.Sprintf(format, args...))
				}
			}
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						if i >= perWorker {
							select {
							case <-done:
								return
							default:
							}
						}
						requests.Add(1)
						resp, r, err := post(client, m.URL(), versionQuery)
						if err != nil {
							fail("worker %d: %v", w, err)
							return
						}
						if resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
							fail("worker %d: status %d, errors %+v", w, resp.StatusCode, r.Errors)
							return
						}
						var a versionAnswer
						if err := json.Unmarshal(r.Data, &a); err != nil {
							fail("worker %d: %v", w, err)
							return
						}
						header := resp.Header.Get("X-Graph-Version")
						if header != r.Extensions.GraphVersion || header != a.GraphVersion {
							fail("worker %d: X-Graph-Version %q, extensions.graphVersion %q, graphVersion %q", w, header, r.Extensions.GraphVersion, a.GraphVersion)
							return
						}
						if _, ok := fixtures[header]; !ok {
							fail("worker %d: version %q is neither v1 nor v2", w, header)
							return
						}
						mu.Lock()
						seen[header]++
						fp := a.fingerprint()
						if prev, ok := prints[header]; ok && prev != fp {
							failures = append(failures, fmt.Sprintf("version %s (%s) answered %q, and earlier %q", header, fixtures[header], fp, prev))
						}
						prints[header] = fp
						mu.Unlock()
					}
				}()
			}

			// Reloads through the API, and loads by another process, both
			// while the workers run; each alternates v2 and v1.
			var writers sync.WaitGroup
			writers.Add(2)
			go func() {
				defer writers.Done()
				for i := range s.reloads {
					name := []string{"v2", "v1"}[i%2]
					point(name)
					req, _ := http.NewRequest(http.MethodPost, m.URL()+"/admin/reload", nil)
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := client.Do(req)
					if err != nil {
						fail("reload %d: %v", i, err)
						return
					}
					var body struct{ GraphVersion string }
					json.NewDecoder(resp.Body).Decode(&body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || fixtures[body.GraphVersion] != name {
						fail("reload %d of %s: status %d, version %q", i, name, resp.StatusCode, body.GraphVersion)
						return
					}
				}
			}()
			go func() {
				defer writers.Done()
				for i := range s.loads {
					if err := loadElsewhere(spec, folders[[]string{"v2", "v1"}[i%2]]); err != nil {
						fail("load %d: %v", i, err)
						return
					}
				}
			}()
			writers.Wait()
			close(done)
			wg.Wait()

			for _, f := range failures {
				t.Error(f)
			}
			// Both versions were served, each with its own data.
			v1, v2 := "", ""
			for v, name := range fixtures {
				if name == "v1" {
					v1 = v
				} else {
					v2 = v
				}
			}
			if seen[v1] == 0 || seen[v2] == 0 {
				t.Errorf("requests per version: %v; want both v1 and v2 served during the run", seen)
			}
			if prints[v1] == prints[v2] {
				t.Errorf("v1 and v2 answered alike (%s): the query does not tell them apart", prints[v1])
			}
			for _, want := range []struct{ version, substr string }{
				{v1, "ma=老马工作室负责人。 wang=false search=false"},
				{v2, "ma=红土地社区居民，老马工作室负责人。 wang=true search=true"},
			} {
				if got := prints[want.version]; got != "" && !strings.Contains(got, want.substr) {
					t.Errorf("%s answered %q, want %q", fixtures[want.version], got, want.substr)
				}
			}
			t.Logf("%d requests, %d on v1 and %d on v2, %d reloads and %d loads by another process, %d failures",
				requests.Load(), seen[v1], seen[v2], s.reloads, s.loads, len(failures))
		})
	}
}
