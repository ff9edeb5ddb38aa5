package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // registers the postgres backend
	"github.com/civicgraph/civicgraph/loader"
	"github.com/lib/pq"
)

// postgresStore keeps each generation in its own PostgreSQL schema, where
// Cayley's SQL backend writes its fixed tables nodes and quads; a connection
// picks a generation with search_path. The current one is named in
// civicgraph.current, updated in one statement, so the switch is atomic and a
// failed load leaves the previous schema current.
type postgresStore struct {
	dsn *url.URL
	db  *sql.DB
}

const (
	pgMeta   = "civicgraph"
	pgPrefix = "g_"
	pgKeep   = 2
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
	return gen, nil
}

func (p *postgresStore) genDSN(gen string) string {
	u := *p.dsn
	q := u.Query()
	q.Set("search_path", gen)
	u.RawQuery = q.Encode()
	return u.String()
}

func (p *postgresStore) build(ctx context.Context, ds *loader.Dataset) (string, error) {
	if err := p.ensureMeta(ctx); err != nil {
		return "", err
	}
	gen := fmt.Sprintf("%s%d", pgPrefix, time.Now().UnixNano())
	if _, err := p.db.ExecContext(ctx, `CREATE SCHEMA `+pq.QuoteIdentifier(gen)); err != nil {
		return "", fmt.Errorf("create schema %s: %w", gen, err)
	}
	dsn := p.genDSN(gen)
	if err := graph.InitQuadStore("postgres", dsn, nil); err != nil {
		p.drop(gen)
		return "", fmt.Errorf("init schema %s: %w", gen, err)
	}
	qs, err := graph.NewQuadStore("postgres", dsn, nil)
	if err != nil {
		p.drop(gen)
		return "", fmt.Errorf("open schema %s: %w", gen, err)
	}
	defer qs.Close()
	if err := loader.Write(qs, ds); err != nil {
		p.drop(gen)
		return "", err
	}
	return gen, nil
}

func (p *postgresStore) drop(gen string) {
	p.db.Exec(`DROP SCHEMA IF EXISTS ` + pq.QuoteIdentifier(gen) + ` CASCADE`)
}

func (p *postgresStore) publish(ctx context.Context, gen string) error {
	_, err := p.db.ExecContext(ctx, `INSERT INTO `+pgMeta+`.current (generation) VALUES ($1)
ON CONFLICT (one) DO UPDATE SET generation = EXCLUDED.generation, published = now()`, gen)
	if err != nil {
		return err
	}
	p.prune(ctx, gen)
	return nil
}

// prune drops generation schemas older than the last pgKeep, including those
// a failed or killed load left behind.
func (p *postgresStore) prune(ctx context.Context, current string) {
	rows, err := p.db.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'g\_%' ORDER BY nspname`)
	if err != nil {
		return
	}
	var gens []string
	for rows.Next() {
		var g string
		if rows.Scan(&g) == nil && strings.HasPrefix(g, pgPrefix) {
			gens = append(gens, g)
		}
	}
	rows.Close()
	for i, g := range gens {
		if g != current && i < len(gens)-pgKeep {
			p.drop(g)
		}
	}
}

func (p *postgresStore) open(_ context.Context, gen string) (graph.QuadStore, func(), error) {
	qs, err := graph.NewQuadStore("postgres", p.genDSN(gen), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("open schema %s: %w", gen, err)
	}
	return qs, func() { qs.Close() }, nil
}

func (p *postgresStore) ping(ctx context.Context) error { return p.db.PingContext(ctx) }

func (p *postgresStore) close() error { return p.db.Close() }
