package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"regexp"
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
	dsn *url.URL
	db  *sql.DB
}

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
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSpec, err)
	}
	return &postgresStore{dsn: u, db: db}, nil
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
		return "", err
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
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, pgLockKey); err != nil {
		discardConn(conn)
		return nil, err
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

func (p *postgresStore) build(ctx context.Context, src Source, _ string) (string, error) {
	if err := p.ensureMeta(ctx); err != nil {
		return "", err
	}
	gen := fmt.Sprintf("%s%d", pgPrefix, time.Now().UnixNano())
	if _, err := p.db.ExecContext(ctx, `CREATE SCHEMA `+pq.QuoteIdentifier(gen)); err != nil {
		p.discard(gen) // a cancel can arrive after the commit
		return "", fmt.Errorf("create schema %s: %w", gen, err)
	}
	if err := p.write(ctx, gen, src); err != nil {
		p.discard(gen)
		return "", fmt.Errorf("build schema %s: %w", gen, err)
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
	return err
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
	qs, err := graph.NewQuadStore("postgres", p.genDSN(gen), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("open schema %s: %w", gen, err)
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
		return err
	case !ok:
		return fmt.Errorf("current generation %s: no such schema", gen)
	}
	return nil
}

func (p *postgresStore) close() error { return p.db.Close() }
