package store_test

// Tests with a second process: the test binary re-executes itself as a
// helper (TestMain sees helperEnv), so locks, kills and switches happen
// between real processes, as between `civicgraph load` and a server.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cayleygraph/cayley/graph"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

const (
	helperEnv = "CIVICGRAPH_STORETEST_HELPER" // load | hold
	specEnv   = "CIVICGRAPH_STORETEST_SPEC"
	dataEnv   = "CIVICGRAPH_STORETEST_DATA" // a fixture name, or big:N
	genEnv    = "CIVICGRAPH_STORETEST_GEN"
)

// helperMain is the child process: "load" does what `civicgraph load` does;
// "hold" opens a bolt generation exclusively, with Cayley's own bbolt
// backend, until its stdin closes.
func helperMain(mode string) int {
	ctx := context.Background()
	spec := os.Getenv(specEnv)
	switch mode {
	case "load":
		ds, err := helperData(os.Getenv(dataEnv))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		st, err := store.Open(ctx, spec, func() (store.Source, error) { return ds, nil })
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer st.Close()
		fmt.Println("loading")
		v, err := st.Load(ctx, ds)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("loaded", v)
		return 0
	case "hold":
		path := filepath.Join(strings.TrimPrefix(spec, "bolt:"), os.Getenv(genEnv))
		qs, err := graph.NewQuadStore("bbolt", path, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer qs.Close()
		fmt.Println("held")
		io.Copy(io.Discard, os.Stdin) // until the test closes stdin, or dies
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 2
}

func helperData(name string) (*loader.Dataset, error) {
	if n, ok := strings.CutPrefix(name, "big:"); ok {
		size, err := strconv.Atoi(n)
		if err != nil {
			return nil, err
		}
		return storetest.Generated(size, "big"), nil
	}
	return storetest.LoadFixture(name)
}

// child is a running helper process.
type child struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startChild(t *testing.T, mode, spec string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode, specEnv + "=" + spec}, env...)...)
	c := &child{cmd: cmd, lines: make(chan string, 16), stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = c.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		<-c.done
	})
	return c
}

// expect waits for the child to print line.
func (c *child) expect(t *testing.T, line string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("helper exited before printing %q: %s", line, c.stderr)
			}
			if strings.HasPrefix(l, line) {
				return
			}
		case <-timeout:
			t.Fatalf("helper did not print %q within 30s: %s", line, c.stderr)
		}
	}
}

// wait waits for the child to exit and fails unless it succeeded.
func (c *child) wait(t *testing.T) {
	t.Helper()
	for range c.lines {
	}
	if err := <-c.done; err != nil {
		t.Fatalf("helper: %v: %s", err, c.stderr)
	}
	c.done <- nil // for the cleanup
}

// TestLoadFromAnotherProcess: `civicgraph load` runs while a server serves
// the same store. The load works (the server holds only its generation, and
// shares it), and the server switches at its next Refresh; a request pinned
// before keeps its version, and the old generation is closed after it.
func TestLoadFromAnotherProcess(t *testing.T) {
	t.Parallel()
	for _, b := range persistent() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
			spec := b.Spec(t)
			server := storetest.MustOpen(t, spec, v1)
			old, err := server.Acquire()
			if err != nil {
				t.Fatal(err)
			}
			gen, _ := b.Generations(t, spec)
			startChild(t, "load", spec, dataEnv+"=v2").wait(t)
			if changed, err := server.Refresh(ctx); err != nil || !changed {
				t.Fatalf("Refresh() = %v, %v; want true, nil", changed, err)
			}
			g := storetest.MustAcquire(t, server)
			if err := storetest.CheckVersion(ctx, g, v1, v2); err != nil || g.Version() != v2.Version() {
				t.Errorf("serving %s (%v) after Refresh, want %s", g.Version(), err, v2.Version())
			}
			if err := storetest.CheckVersion(ctx, old, v1, v2); err != nil || old.Version() != v1.Version() {
				t.Errorf("pinned graph reads %s (%v), want %s", old.Version(), err, v1.Version())
			}
			if !b.InUse(t, spec, gen) {
				t.Error("old generation closed while a request still reads it")
			}
			old.Release()
			waitUnused(t, b, spec, gen)
		})
	}
}

// TestKilledLoad: a load killed half-way leaves the previous graph current,
// served and intact, for the running server and for later Opens; the next
// successful load removes what it left.
func TestKilledLoad(t *testing.T) {
	t.Parallel()
	for _, b := range persistent() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			v1, v2 := storetest.Fixture(t, "v1"), storetest.Fixture(t, "v2")
			spec := b.Spec(t)
			server := storetest.MustOpen(t, spec, v1)
			cur, before := b.Generations(t, spec)
			c := startChild(t, "load", spec, dataEnv+"=big:1000")
			c.expect(t, "loading")
			leftover := waitWriting(t, b, spec, before)
			time.Sleep(50 * time.Millisecond) // well into the write, far from its end
			c.cmd.Process.Kill()
			<-c.done
			c.done <- nil
			if now, _ := b.Generations(t, spec); now != cur {
				t.Fatalf("the load published %s before it was killed; make the dataset bigger", now)
			}
			t.Logf("killed the load while it wrote %s", leftover)

			if changed, err := server.Refresh(ctx); err != nil || changed {
				t.Errorf("Refresh() after the kill = %v, %v; want false, nil", changed, err)
			}
			for name, st := range map[string]*store.Store{"running server": server, "server started after": storetest.MustOpen(t, spec, nil)} {
				g := storetest.MustAcquire(t, st)
				if err := storetest.CheckVersion(ctx, g, v1, v2); err != nil || g.Version() != v1.Version() {
					t.Errorf("%s serves %s (%v), want %s", name, g.Version(), err, v1.Version())
				}
				if err := st.Ping(ctx); err != nil {
					t.Errorf("%s: Ping() = %v", name, err)
				}
			}
			waitUnused(t, b, spec, leftover) // PostgreSQL ends the killed sessions a moment later
			if _, err := server.Load(ctx, v2); err != nil {
				t.Fatal(err)
			}
			now, all := b.Generations(t, spec)
			if slices.Contains(all, leftover) || len(all) != 2 || !slices.Contains(all, cur) || !slices.Contains(all, now) {
				t.Errorf("after the next load: generations %q, current %s; want %s (previous) and the current, without %s", all, now, cur, leftover)
			}
		})
	}
}

// waitWriting waits until a generation not in before appears and its
// writing has started (the bolt file, the PostgreSQL tables), and names it.
func waitWriting(t *testing.T, b storetest.Backend, spec string, before []string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		_, all := b.Generations(t, spec)
		for _, g := range all {
			if !slices.Contains(before, g) && writing(t, b, spec, g) {
				return g
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no new generation within 30s")
	return ""
}

func writing(t *testing.T, b storetest.Backend, spec, gen string) bool {
	switch b.Name {
	case "bolt":
		fi, err := os.Stat(filepath.Join(strings.TrimPrefix(spec, "bolt:"), gen, "indexes.bolt"))
		return err == nil && fi.Size() > 0
	case "postgres":
		var ok bool
		query(t, spec, `SELECT to_regclass($1) IS NOT NULL`, []any{gen + ".quads"}, &ok)
		return ok
	}
	t.Fatalf("no writing check for %s", b.Name)
	return false
}

// TestLockedGeneration: a bolt generation another process holds
// exclusively (here Cayley's own bbolt backend, as an old civicgraph or the
// cayley tool would) makes Open fail with ErrLocked within seconds instead of
// hanging; flock locks are per open file, so only another process shows it.
func TestLockedGeneration(t *testing.T) {
	t.Parallel()
	b := storetest.Bolt()
	spec := b.Spec(t)
	st := storetest.MustOpen(t, spec, storetest.Fixture(t, "v1"))
	gen, _ := b.Generations(t, spec)
	st.Close()
	c := startChild(t, "hold", spec, genEnv+"="+gen)
	c.expect(t, "held")
	start := time.Now()
	_, err := store.Open(context.Background(), spec, nil)
	took := time.Since(start)
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("Open() = %v, want ErrLocked", err)
	}
	if took > 5*time.Second {
		t.Errorf("Open() took %v to fail, want a few seconds at most", took)
	}
	t.Logf("Open of a locked generation failed after %v: %v", took.Round(time.Millisecond), err)
	// A load does not need the current generation: it builds beside it.
	v2 := storetest.Fixture(t, "v2")
	if v, err := store.LoadInto(context.Background(), spec, v2); err != nil || v != v2.Version() {
		t.Errorf("LoadInto() = %q, %v; want %q", v, err, v2.Version())
	}
}

// point makes the store name gen as its current generation, as a broken
// publish of another process would.
func point(t *testing.T, b storetest.Backend, spec, gen string) {
	t.Helper()
	switch b.Name {
	case "bolt":
		if err := os.WriteFile(filepath.Join(strings.TrimPrefix(spec, "bolt:"), "CURRENT"), []byte(gen+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	case "postgres":
		query(t, spec, `UPDATE civicgraph.current SET generation = $1 RETURNING true`, []any{gen}, new(bool))
	default:
		t.Fatalf("cannot point %s", b.Name)
	}
}

func missingGeneration(b storetest.Backend) string {
	if b.Name == "postgres" {
		return "g_1"
	}
	return "gen-1-missing"
}

func query(t *testing.T, dsn, q string, args []any, dest ...any) {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(q, args...).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}
