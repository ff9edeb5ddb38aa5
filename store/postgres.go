package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // registers the postgres backend
	"github.com/lib/pq"
)

// postgresStore keeps each generation in its own PostgreSQL schema, where
// Cayley's SQL backend writes its fixed tables nodes and quads; a connection
// picks a generation with search_path. The current one is named in
// civicgraph.current, updated in one statement, so the switch is atomic and a
// failed load leaves the previous schema current.
//
// Every connection to a generation carries application_name
// civicgraph/<schema>, so prune can see in pg_stat_activity which
// generations some server still reads.
type postgresStore struct {
	dsn  *url.URL
	db   *sql.DB
	pool pgPool
}

// The connection pools and timeouts. A server holds one pool for the
// bookkeeping (which generation is current, the load lock, readiness) and
// one per open generation for Cayley's reads (unbounded unless the URL
// sets pool_max_conns, see pgReadIdle); while it switches versions two
// generations are open.
//
// When the database goes away, open connections fail at once (the server
// closes them, or the kernel refuses the port) and new ones give up after
// the connect timeout, so a request fails with ErrUnavailable well within
// its own deadline (-timeout, 10 s by default) instead of hanging; the
// pools drop broken connections and dial new ones, so reads work again by
// themselves once the database is back.
const (
	// pgConnectTimeout bounds dialling and the startup handshake of one new
	// connection (lib/pq's connect_timeout, in whole seconds). A URL that
	// sets connect_timeout itself, or PGCONNECT_TIMEOUT, wins.
	pgConnectTimeout = 5 * time.Second
	// pgReadIdle is how many idle connections one generation's reads keep.
	// Their open connections are not bounded by default: Cayley's SQL
	// iterators hold a connection while they read values on another, so
	// with a bound, enough concurrent reads wait on each other until their
	// deadline. pool_max_conns in the URL sets a bound for an operator who
	// accepts that; PostgreSQL's max_connections, or a pooler, bounds the
	// rest.
	pgReadIdle = 16
	// pgMetaConns bounds the bookkeeping pool: a load holds one for its
	// lock while it runs queries on another.
	pgMetaConns = 4
	// pgConnMaxLifetime and pgConnMaxIdleTime retire connections, so that a
	// restarted server, or a failover behind a stable address, is reached
	// by fresh ones even when no error has shown the old ones broken.
	pgConnMaxLifetime = 30 * time.Minute
	pgConnMaxIdleTime = 5 * time.Minute
	// pgReadStatementTimeout is the server-side limit of one read statement
	// (statement_timeout on read connections). Requests cancel their
	// statements at their own deadline first; this bounds the few lookups
	// Cayley makes without a context. Loads have no such limit.
	pgReadStatementTimeout = 30 * time.Second
)

// pgPool is the pool size taken from the URL (0: no bound).
type pgPool struct{ readConns int }

// pgPoolParam sets the reads' pool size in the URL; it is taken out of the
// URL before it reaches the driver, which would send it to the server as a
// setting.
const pgPoolParam = "pool_max_conns"

const (
	pgMeta    = "civicgraph"
	pgPrefix  = "g_"
	pgAppName = "civicgraph/"
	// pgLockKey is the advisory lock key that serialises loads: "civicgph".
	pgLockKey = int64(0x6369766963677068)
)

func newPostgres(spec string) (*postgresStore, error) {
	u, err := url.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSpec, err)
	}
	q := u.Query()
	pool := pgPool{}
	if v := q.Get(pgPoolParam); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%w: %s=%q: want a whole number of connections, at least 1", ErrBadSpec, pgPoolParam, v)
		}
		pool.readConns = n
	}
	q.Del(pgPoolParam)
	if q.Get("connect_timeout") == "" && os.Getenv("PGCONNECT_TIMEOUT") == "" {
		q.Set("connect_timeout", strconv.Itoa(int(pgConnectTimeout/time.Second)))
	}
	u.RawQuery = q.Encode()
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSpec, err)
	}
	db.SetMaxOpenConns(pgMetaConns)
	db.SetMaxIdleConns(pgMetaConns)
	db.SetConnMaxLifetime(pgConnMaxLifetime)
	db.SetConnMaxIdleTime(pgConnMaxIdleTime)
	return &postgresStore{dsn: u, db: db, pool: pool}, nil
}

// readOptions are the pool settings of a generation's Cayley store, which
// opens a database/sql pool of its own.
func (p *postgresStore) readOptions() graph.Options {
	return graph.Options{
		"maxopenconnections": p.pool.readConns, // 0: no bound
		"maxidleconnections": pgReadIdle,
		"connmaxlifetime":    pgConnMaxLifetime.String(),
	}
}

func (p *postgresStore) String() string { return p.dsn.Redacted() }

func (p *postgresStore) ensureMeta(ctx context.Context) error {
	_, err := p.db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgMeta+`;
CREATE TABLE IF NOT EXISTS `+pgMeta+`.current (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  generation text NOT NULL,
  published timestamptz NOT NULL DEFAULT now())`)
	return err
}

func (p *postgresStore) current(ctx context.Context) (string, error) {
	var gen string
	err := p.db.QueryRowContext(ctx, `SELECT generation FROM `+pgMeta+`.current`).Scan(&gen)
	var pe *pq.Error
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "3F000"): // no table, no schema
		return "", nil
	case err != nil:
		return "", unavailable(err)
	}
	// The name goes into search_path and DROP SCHEMA: accept only ours.
	if !pgGenRE.MatchString(gen) {
		return "", fmt.Errorf("%s.current names no generation: %q", pgMeta, gen)
	}
	return gen, nil
}

var pgGenRE = regexp.MustCompile(`^` + pgPrefix + `[0-9]+$`)

// lock takes a session advisory lock on a connection of its own, held until
// unlock; the server drops it when the session ends, killed loads included.
func (p *postgresStore) lock(ctx context.Context) (func(), error) {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, pgLockKey); err != nil {
		discardConn(conn)
		return nil, unavailable(err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, pgLockKey); err != nil {
			discardConn(conn) // ending the session drops the lock
			return
		}
		conn.Close()
	}, nil
}

// discardConn closes conn's session instead of returning it to the pool.
func discardConn(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}

// genDSN connects to generation gen: its schema alone on the search_path,
// and the application name prune looks for.
func (p *postgresStore) genDSN(gen string) string {
	u := *p.dsn
	q := u.Query()
	q.Set("search_path", gen)
	q.Set("application_name", pgAppName+gen)
	u.RawQuery = q.Encode()
	return u.String()
}

// readDSN is genDSN with the read statement timeout, unless the URL sets
// statement_timeout itself, and with lib/pq's binary_parameters, unless the
// URL sets it: a read statement is then one round trip instead of two (its
// parameters are node hashes, sent as bytes).
func (p *postgresStore) readDSN(gen string) string {
	u, _ := url.Parse(p.genDSN(gen)) // genDSN's own output parses
	q := u.Query()
	if q.Get("statement_timeout") == "" {
		q.Set("statement_timeout", strconv.FormatInt(pgReadStatementTimeout.Milliseconds(), 10))
	}
	if q.Get("binary_parameters") == "" {
		q.Set("binary_parameters", "yes")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (p *postgresStore) build(ctx context.Context, src Source, _ string) (string, error) {
	if err := p.ensureMeta(ctx); err != nil {
		return "", unavailable(err)
	}
	gen := fmt.Sprintf("%s%d", pgPrefix, time.Now().UnixNano())
	if _, err := p.db.ExecContext(ctx, `CREATE SCHEMA `+pq.QuoteIdentifier(gen)); err != nil {
		p.discard(gen) // a cancel can arrive after the commit
		return "", fmt.Errorf("create schema %s: %w", gen, unavailable(err))
	}
	if err := p.write(ctx, gen, src); err != nil {
		p.discard(gen)
		return "", fmt.Errorf("build schema %s: %w", gen, unavailable(err))
	}
	return gen, nil
}

func (p *postgresStore) write(ctx context.Context, gen string, src Source) error {
	dsn := p.genDSN(gen)
	if err := graph.InitQuadStore("postgres", dsn, nil); err != nil {
		return err
	}
	qs, err := graph.NewQuadStore("postgres", dsn, nil)
	if err != nil {
		return err
	}
	defer qs.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	// One ApplyDeltas, one transaction: a killed load leaves empty tables.
	return Write(qs, src)
}

func (p *postgresStore) discard(gen string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p.db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+pq.QuoteIdentifier(gen)+` CASCADE`)
}

func (p *postgresStore) publish(ctx context.Context, gen string) error {
	_, err := p.db.ExecContext(ctx, `INSERT INTO `+pgMeta+`.current (generation) VALUES ($1)
ON CONFLICT (one) DO UPDATE SET generation = EXCLUDED.generation, published = now()`, gen)
	return unavailable(err)
}

// prune drops every generation schema but the current one and those in
// keep, unless a session still reads it (a server that has not switched yet;
// dropping it would fail that server's requests). Such a schema is dropped by
// a later load.
func (p *postgresStore) prune(ctx context.Context, keep ...string) {
	cur, err := p.current(ctx)
	if err != nil {
		return // never prune while unsure which generation is current
	}
	kept := map[string]bool{cur: true}
	for _, k := range keep {
		kept[k] = true
	}
	var inUse []string
	if err := p.column(ctx, &inUse, `SELECT DISTINCT substr(application_name, $1) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE $2`,
		len(pgAppName)+1, pgAppName+"%"); err != nil {
		return
	}
	for _, g := range inUse {
		kept[g] = true
	}
	var gens []string
	if err := p.column(ctx, &gens, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'g\_%'`); err != nil {
		return
	}
	for _, g := range gens {
		if strings.HasPrefix(g, pgPrefix) && !kept[g] {
			p.discard(g)
		}
	}
}

func (p *postgresStore) column(ctx context.Context, out *[]string, query string, args ...any) error {
	rows, err := p.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		*out = append(*out, s)
	}
	return rows.Err()
}

func (p *postgresStore) open(_ context.Context, gen string) (graph.QuadStore, func(), error) {
	qs, err := graph.NewQuadStore("postgres", p.readDSN(gen), p.readOptions())
	if err != nil {
		return nil, nil, fmt.Errorf("open schema %s: %w", gen, unavailable(err))
	}
	return qs, func() { qs.Close() }, nil
}

// ping runs a query on the server, not only a connection check: the current
// generation's schema must be there.
func (p *postgresStore) ping(ctx context.Context) error {
	var gen string
	var ok bool
	err := p.db.QueryRowContext(ctx, `SELECT generation, to_regclass(quote_ident(generation) || '.quads') IS NOT NULL
FROM `+pgMeta+`.current`).Scan(&gen, &ok)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrEmpty
	case err != nil:
		return unavailable(err)
	case !ok:
		return fmt.Errorf("current generation %s: no such schema", gen)
	}
	return nil
}

func (p *postgresStore) close() error { return p.db.Close() }
