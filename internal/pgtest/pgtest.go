// Package pgtest gives tests a real, throwaway PostgreSQL server.
//
// One cluster is shared by all tests of a test binary: it is started lazily
// by the first MustStart call (initdb + postgres, well under two seconds) and
// tests isolate themselves with MustCreateDB. Stop it from TestMain:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		pgtest.Shutdown()
//		os.Exit(code)
//	}
//
// Forgetting Shutdown (or a test binary killed by a -timeout panic) does not
// leak a server: the postmaster is a direct child started with a parent-death
// signal, so the kernel stops it when the test binary exits, and the next
// start removes data directories whose owning process is gone.
//
// A test that takes the database away — a fault test stopping PostgreSQL
// under a running service — starts a cluster of its own with
// MustStartCluster instead, and stops and starts it with Stop and Start;
// it keeps its data and port across a restart.
//
// The server listens on 127.0.0.1 only, on a free port, with trust auth and
// durability switched off (fsync=off): it is for tests, never for data.
// When run as root, initdb and postgres run as the "postgres" OS user,
// because PostgreSQL refuses to run as root.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"
)

const (
	// startTimeout bounds how long we wait for the server to accept connections.
	startTimeout = 30 * time.Second
	// dirPrefix names our data directories so stale ones can be found and removed.
	dirPrefix = "pgtest-"
	// ownerFile records the PID of the test binary that owns a data directory.
	ownerFile = "owner.pid"
)

// serverGlob finds PostgreSQL server binaries (Debian/Ubuntu layout); a
// variable so tests can simulate a machine without PostgreSQL.
var serverGlob = "/usr/lib/postgresql/*/bin/postgres"

// binDir returns the newest /usr/lib/postgresql/N/bin holding a postgres
// binary (the Debian layout), or "" when PostgreSQL is not installed.
func binDir() string {
	matches, _ := filepath.Glob(serverGlob)
	best, bestVer := "", -1.0
	for _, m := range matches {
		ver, err := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(m))), 64)
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(m), "initdb")); err != nil {
			continue
		}
		if ver > bestVer {
			best, bestVer = filepath.Dir(m), ver
		}
	}
	return best
}

// Available reports whether a PostgreSQL server binary is installed
// (/usr/lib/postgresql/*/bin/postgres; the newest version is used).
func Available() bool { return binDir() != "" }

// inCI reports whether the CI environment variable asks for a hard failure
// instead of a skip when PostgreSQL is missing.
func inCI() bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv("CI")))
	return v != "" && v != "0" && v != "false"
}

// cluster is one running server.
type cluster struct {
	dir    string // temp dir: data/, socket, log
	port   int
	dsn    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the postmaster process has exited
	err    error         // exit status, valid after exited is closed
}

var (
	mu       sync.Mutex
	shared   *cluster
	startErr error
)

// MustStart returns a connection string for database "postgres" on the
// shared test cluster, e.g. "postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable",
// starting the cluster on first use.
//
// When PostgreSQL is not installed it skips the test, or fails it when the
// CI environment variable is set, because CI must run these tests.
// A failed start is remembered so later tests fail fast with the same error.
func MustStart(tb testing.TB) string {
	tb.Helper()
	bin := binDir()
	if bin == "" {
		msg := "PostgreSQL server not found (/usr/lib/postgresql/*/bin/postgres); install it with: apt-get install postgresql"
		if inCI() {
			tb.Fatal("pgtest: CI is set, so PostgreSQL tests must run: " + msg)
		}
		tb.Skip("pgtest: " + msg)
	}
	mu.Lock()
	defer mu.Unlock()
	if shared == nil && startErr == nil {
		begin := time.Now()
		shared, startErr = start(bin)
		if startErr == nil {
			tb.Logf("pgtest: started PostgreSQL (%s) on 127.0.0.1:%d in %v", filepath.Base(filepath.Dir(bin)), shared.port, time.Since(begin).Round(time.Millisecond))
		}
	}
	if startErr != nil {
		tb.Fatalf("pgtest: %v", startErr)
	}
	return shared.dsn
}

// Shutdown stops the shared cluster (immediate shutdown) and removes its
// directory. It is safe to call when nothing was started, and a later
// MustStart starts a fresh cluster.
func Shutdown() {
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		shared.stop()
	}
	shared, startErr = nil, nil
}

// MustCreateDB creates an empty database called name on the server of dsn
// (as returned by MustStart) and returns a DSN for it. An existing database
// of that name is dropped first, so reruns with -count=N work; the database
// is dropped again when the test ends.
func MustCreateDB(tb testing.TB, dsn, name string) string {
	tb.Helper()
	if err := checkDBName(name); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "postgres" {
		tb.Fatalf("pgtest: MustCreateDB wants a postgres:// URL DSN as returned by MustStart, got %q", dsn)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	q := pq.QuoteIdentifier(name)
	// FORCE ends sessions a previous run (or the test itself) left open.
	if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q+" WITH (FORCE)"); err != nil {
		tb.Fatalf("pgtest: drop database %s: %v", q, err)
	}
	// FILE_COPY is the fastest strategy for a tiny template with fsync off.
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+q+" STRATEGY FILE_COPY"); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", q, err)
	}
	tb.Cleanup(func() {
		// Best effort: the cluster may already be gone, and it is thrown away anyway.
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q+" WITH (FORCE)")
	})
	u.Path = "/" + name
	return u.String()
}

var dbNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// checkDBName accepts plain lower-case identifiers only, so names never need
// quoting in hand-written SQL or escaping in the DSN path.
func checkDBName(name string) error {
	if !dbNameRE.MatchString(name) {
		return fmt.Errorf("invalid database name %q: want [a-z_][a-z0-9_]*, at most 63 bytes", name)
	}
	switch name {
	case "postgres", "template0", "template1":
		return fmt.Errorf("invalid database name %q: reserved", name)
	}
	return nil
}

// runAs holds the credentials PostgreSQL processes run with: nil when we are
// not root (run them as ourselves), the postgres user when we are.
type runAs struct{ uid, gid uint32 }

func lookupRunAs() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres OS user (created by apt-get install postgresql): %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	return &runAs{uint32(uid), uint32(gid)}, nil
}

// command builds a PostgreSQL command that runs as the postgres user when we
// are root. It sets the credentials directly (like runuser, without needing it).
func (r *runAs) command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir // postgres complains if it cannot read its working directory
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if r != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: r.uid, Gid: r.gid}
	}
	return cmd
}

// tempRoot returns a parent directory for the cluster that the postgres
// user can traverse: $TMPDIR when possible, else /tmp.
func tempRoot(r *runAs) string {
	root := os.TempDir()
	if r == nil {
		return root
	}
	for d := root; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return root
		}
	}
}

// sweepStale removes data directories left by test binaries that died
// without Shutdown; their servers died with them (parent-death signal).
func sweepStale(root string) {
	dirs, _ := filepath.Glob(filepath.Join(root, dirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue // not ours, or still being created
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		if pm, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			if line, _, _ := strings.Cut(string(pm), "\n"); line != "" {
				if ppid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && processAlive(ppid) {
					continue // its server somehow survived: leave it alone
				}
			}
		}
		_ = os.RemoveAll(d)
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// freePort asks the kernel for an unused loopback port. Another process may
// take it before postgres binds it; start retries in that case.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs initdb once and then the postmaster, retrying on a fresh port
// if the chosen one was taken in the meantime.
func start(bin string) (*cluster, error) {
	r, dir, data, err := initCluster(bin)
	if err != nil {
		return nil, err
	}
	c, err := launchFree(r, bin, dir, data)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// initCluster makes a cluster's directory and runs initdb in it.
func initCluster(bin string) (r *runAs, dir, data string, err error) {
	r, err = lookupRunAs()
	if err != nil {
		return nil, "", "", err
	}
	root := tempRoot(r)
	sweepStale(root)
	dir, err = os.MkdirTemp(root, dirPrefix)
	if err != nil {
		return nil, "", "", err
	}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(dir)
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, "", "", err
	}
	if r != nil {
		// The postgres user must own the directory: initdb creates data/ and
		// the server writes its socket and log here.
		if err := os.Chown(dir, int(r.uid), int(r.gid)); err != nil {
			return nil, "", "", err
		}
	}
	data = filepath.Join(dir, "data")
	// -A trust: no passwords on loopback; -N: skip fsync, it is a throwaway cluster.
	initdb := r.command(dir, filepath.Join(bin, "initdb"),
		"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, "", "", fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	ok = true
	return r, dir, data, nil
}

// launchFree launches the postmaster on a free port, retrying on a fresh
// one if the chosen port was taken in the meantime.
func launchFree(r *runAs, bin, dir, data string) (*cluster, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		c, err := launch(r, bin, dir, data, port)
		if err == nil {
			return c, nil
		}
		lastErr = err
		if !errors.Is(err, errExitedEarly) {
			break
		}
	}
	return nil, lastErr
}

var errExitedEarly = errors.New("postgres exited during startup")

// launch starts the postmaster as our direct child and waits until it
// accepts connections.
func launch(r *runAs, bin, dir, data string, port int) (*cluster, error) {
	logPath := filepath.Join(dir, "postgres.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child keeps its own copy of the descriptor
	cmd := r.command(dir, filepath.Join(bin, "postgres"),
		"-D", data,
		"-p", strconv.Itoa(port),
		"-k", dir, // the Unix socket lives with the cluster, not in /var/run/postgresql
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=200",
		"-c", "logging_collector=off",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	// SIGQUIT is PostgreSQL's immediate shutdown; the kernel sends it if the
	// test binary dies before Shutdown.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT

	c := &cluster{dir: dir, port: port, cmd: cmd, exited: make(chan struct{})}
	c.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)

	// The parent-death signal fires when the OS thread that forked the child
	// exits, not the process, so fork from a locked thread that stays alive
	// (blocked in Wait) for as long as the server runs.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			runtime.UnlockOSThread()
			return
		}
		started <- nil
		c.err = cmd.Wait()
		close(c.exited)
		// The thread stays locked and is discarded when this goroutine ends.
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}

	if err := c.waitReady(); err != nil {
		// Halted, not removed: the caller may retry on another port with
		// the same data directory, and the log is read below.
		c.halt(syscall.SIGQUIT)
		logTail, _ := os.ReadFile(logPath)
		if len(logTail) > 4000 {
			logTail = logTail[len(logTail)-4000:]
		}
		return nil, fmt.Errorf("%w\npostgres log (%s):\n%s", err, logPath, logTail)
	}
	return c, nil
}

// waitReady polls until the server accepts a connection, it exits, or
// startTimeout passes.
func (c *cluster) waitReady() error {
	db, err := sql.Open("postgres", c.dsn+"&connect_timeout=2")
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("%w (%v); last connection error: %v", errExitedEarly, c.err, err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres on 127.0.0.1:%d did not accept connections within %v: %v", c.port, startTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop does an immediate shutdown (what pg_ctl stop -m immediate does:
// SIGQUIT to the postmaster), waits for it, and removes the directory.
func (c *cluster) stop() {
	c.halt(syscall.SIGQUIT)
	_ = os.RemoveAll(c.dir)
}

// halt sends the postmaster sig and waits for it to exit, killing it if it
// has not within 10 s; the data directory stays.
func (c *cluster) halt(sig syscall.Signal) {
	select {
	case <-c.exited:
	default:
		_ = c.cmd.Process.Signal(sig)
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
	}
}

// StopMode is how Cluster.Stop shuts the server down.
type StopMode int

const (
	// Fast is pg_ctl's -m fast (SIGINT): sessions are ended with an
	// "administrator command" error, then the server checkpoints and exits.
	Fast StopMode = iota
	// Immediate is pg_ctl's -m immediate (SIGQUIT): every process exits at
	// once, as in a crash; the next start recovers from the WAL.
	Immediate
)

func (m StopMode) String() string {
	if m == Immediate {
		return "immediate"
	}
	return "fast"
}

// Cluster is a PostgreSQL server of one test's own, for a test that stops
// it under a running service and starts it again. Its data and its port
// survive a stop; the whole cluster is removed when the test ends.
type Cluster struct {
	bin, dir, data string
	r              *runAs
	port           int
	dsn            string

	mu  sync.Mutex
	cur *cluster // nil while stopped
}

// MustStartCluster starts a cluster of the test's own (initdb and postgres,
// well under two seconds) and returns it; it is stopped and removed when the
// test ends. Like MustStart, it skips the test when PostgreSQL is not
// installed, or fails it when CI is set.
func MustStartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	bin := binDir()
	if bin == "" {
		msg := "PostgreSQL server not found (/usr/lib/postgresql/*/bin/postgres); install it with: apt-get install postgresql"
		if inCI() {
			tb.Fatal("pgtest: CI is set, so PostgreSQL tests must run: " + msg)
		}
		tb.Skip("pgtest: " + msg)
	}
	r, dir, data, err := initCluster(bin)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	c, err := launchFree(r, bin, dir, data)
	if err != nil {
		_ = os.RemoveAll(dir)
		tb.Fatalf("pgtest: %v", err)
	}
	cl := &Cluster{bin: bin, dir: dir, data: data, r: r, port: c.port, dsn: c.dsn, cur: c}
	tb.Cleanup(func() {
		cl.mu.Lock()
		defer cl.mu.Unlock()
		if cl.cur != nil {
			cl.cur.halt(syscall.SIGQUIT)
			cl.cur = nil
		}
		_ = os.RemoveAll(cl.dir)
	})
	return cl
}

// DSN is a connection string for database "postgres" on the cluster; it
// stays the same across Stop and Start.
func (c *Cluster) DSN() string { return c.dsn }

// Stop shuts the server down the way mode says and waits until it has
// exited; the data directory stays for Start. Stopping a stopped cluster
// does nothing.
func (c *Cluster) Stop(tb testing.TB, mode StopMode) {
	tb.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil {
		return
	}
	sig := syscall.SIGINT
	if mode == Immediate {
		sig = syscall.SIGQUIT
	}
	c.cur.halt(sig)
	c.cur = nil
}

// Start starts a stopped cluster again on its port, with its data, and
// waits until it accepts connections. Starting a running cluster does
// nothing.
func (c *Cluster) Start(tb testing.TB) {
	tb.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil {
		return
	}
	cur, err := launch(c.r, c.bin, c.dir, c.data, c.port)
	if err != nil {
		tb.Fatalf("pgtest: restart on port %d: %v", c.port, err)
	}
	c.cur = cur
}

// Running reports whether the cluster's server is up (started and not
// stopped, nor exited by itself).
func (c *Cluster) Running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil {
		return false
	}
	select {
	case <-c.cur.exited:
		return false
	default:
		return true
	}
}
