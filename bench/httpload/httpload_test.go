package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadAgainstServer builds civicgraph and puts a second of load on it,
// so bench/run.sh's core cannot rot: every query of the mix must answer, and
// the load must run without a single error.
func TestLoadAgainstServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves civicgraph")
	}
	url := startServer(t)
	ctx := t.Context()

	client := newClient(config{Concurrency: 1, Timeout: 10 * time.Second})
	if err := waitReady(ctx, client, url, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	ids, err := listIDs(ctx, client, url)
	if err != nil {
		t.Fatal(err)
	}
	// Each kind once: a broken query must fail here, whatever the draw.
	r := rand.New(rand.NewPCG(1, 1))
	for _, k := range mix {
		var vars map[string]any
		if k.vars != nil {
			vars = k.vars(r, ids)
		}
		if err := do(ctx, client, url, k.query, vars); err != nil {
			t.Errorf("%s: %v", k.name, err)
		}
	}

	res, err := load(ctx, config{URL: url, Concurrency: 2, Duration: time.Second, Timeout: 10 * time.Second, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	res.printTable(&table)
	t.Logf("\n%s", table.String())
	if res.Requests == 0 {
		t.Error("no requests completed")
	}
	if res.Errors != 0 {
		t.Errorf("%d errors, first: %s", res.Errors, res.FirstErr)
	}
}

// startServer builds the civicgraph binary from the repository root and
// serves the built-in dataset from memory on a port the kernel picks; it
// returns the GraphQL endpoint and stops the server when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "civicgraph")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-playground=false")
	// The kernel stops the server if the test binary dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	// The server logs "listening addr=http://127.0.0.1:PORT …" once it
	// serves; the rest of its log is drained so it never blocks on a full pipe.
	found := make(chan string, 1)
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "listening addr="); ok {
				addr, _, _ := strings.Cut(rest, " ")
				select {
				case found <- addr:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		_ = cmd.Wait()
	}()
	select {
	case addr := <-found:
		return addr + "/graphql"
	case <-exited:
		t.Fatal("the server exited before it listened")
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not listen within 30 s")
	}
	return ""
}

func TestLoopbackOnly(t *testing.T) {
	for _, u := range []string{
		"http://127.0.0.1:8080/graphql",
		"http://127.1.2.3/graphql",
		"http://[::1]:8080/graphql",
		"http://localhost:8080/graphql",
		"https://localhost/graphql",
	} {
		if _, err := loopbackURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{
		"http://example.com/graphql",
		"http://10.0.0.1:8080/graphql",
		"http://0.0.0.0:8080/graphql",
		"http://[::]:8080/graphql",
		"http://localhost.example.com/graphql",
		"http://127.0.0.1.nip.io/graphql",
		"ftp://127.0.0.1/graphql",
		"127.0.0.1:8080",
		"",
	} {
		if _, err := loopbackURL(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-url", "http://192.0.2.1/graphql", "-d", "1s"}, io.Discard, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "loopback") {
		t.Errorf("run with a remote URL: exit %d, %q", code, stderr.String())
	}
	// The dialer checks the address too, for a name that resolves elsewhere.
	client := newClient(config{Concurrency: 1, Timeout: time.Second})
	_, err := client.Get("http://192.0.2.1:9/")
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("dial to 192.0.2.1: %v", err)
	}
}

func TestBounds(t *testing.T) {
	ok := config{URL: "http://127.0.0.1/graphql", Concurrency: 4, Duration: time.Second, Timeout: time.Second}
	if err := ok.check(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*config){
		"no bound":         func(c *config) { c.Duration = 0 },
		"too long":         func(c *config) { c.Duration = maxDuration + 1 },
		"too many":         func(c *config) { c.Requests = maxRequests + 1 },
		"no clients":       func(c *config) { c.Concurrency = 0 },
		"too many clients": func(c *config) { c.Concurrency = maxConcurrency + 1 },
	} {
		c := ok
		mod(&c)
		if c.check() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.9: 90 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
		if got := percentile(lat, p); got != want {
			t.Errorf("p%v = %v, want %v", p*100, got, want)
		}
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("no samples: %v", got)
	}
}

func TestCompare(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := write("a.json", `{"label":"memory","requests":1000,"reqPerSec":500,"p50ms":2,"p99ms":10}`)
	other := write("b.json", `{"label":"postgres","requests":100,"reqPerSec":50,"p50ms":30,"p99ms":250,"errors":1}`)
	var out bytes.Buffer
	if err := compare([]string{base, other}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| memory | 1× (500 req/s) | 1× (2.00 ms) | 1× (10.00 ms) | 0 |", "| postgres | 0.1× | 15× | 25× | 1 |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("compare output lacks %q:\n%s", want, out.String())
		}
	}
}
