package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"
)

// Connection errors, however a driver words them, become ErrUnavailable;
// errors of the query itself, and the caller's own deadline, do not.
func TestUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"OKRefused", refused, true},
		{"OKRefusedWrapped", fmt.Errorf("look up x: %w", refused), true},
		{"OKReset", syscall.ECONNRESET, true},
		{"OKBrokenPipe", syscall.EPIPE, true},
		{"OKBadConn", driver.ErrBadConn, true},
		{"OKEOF", io.ErrUnexpectedEOF, true},
		{"OKAdminShutdown", &pq.Error{Code: "57P01"}, true},
		{"OKCrashShutdown", &pq.Error{Code: "57P02"}, true},
		{"OKStartingUp", &pq.Error{Code: "57P03"}, true},
		{"OKConnectionFailure", &pq.Error{Code: "08006"}, true},
		{"OKTooManyClients", &pq.Error{Code: "53300"}, true},
		{"OKAlreadyWrapped", fmt.Errorf("%w: x", ErrUnavailable), true},
		// As Cayley's SQL iterators report a failed query: text only.
		{"OKFlattenedRefused", fmt.Errorf("sql query failed: %v\nquery: SELECT 1", refused), true},
		{"OKFlattenedShutdown", fmt.Errorf("sql query failed: %v", &pq.Error{Code: "57P01", Message: "terminating connection due to administrator command"}), true},
		{"ErrFlattenedSyntax", fmt.Errorf("sql query failed: %v", &pq.Error{Code: "42601", Message: "syntax error at or near \"x\""}), false},
		{"ErrNil", nil, false},
		{"ErrSyntax", &pq.Error{Code: "42601"}, false},
		{"ErrNoTable", &pq.Error{Code: "42P01"}, false},
		{"ErrStatementTimeout", &pq.Error{Code: "57014"}, false},
		{"ErrDeadline", fmt.Errorf("read: %w", context.DeadlineExceeded), false},
		{"ErrCanceled", context.Canceled, false},
		{"ErrOther", errors.New("generation g_1 holds version a, not b"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unavailable(tt.err)
			if is := errors.Is(got, ErrUnavailable); is != tt.want {
				t.Errorf("unavailable(%v) = %v: Is ErrUnavailable %v, want %v", tt.err, got, is, tt.want)
			}
			if tt.err != nil && !errors.Is(got, tt.err) {
				t.Errorf("unavailable(%v) = %v lost the cause", tt.err, got)
			}
			if tt.err == nil && got != nil {
				t.Errorf("unavailable(nil) = %v", got)
			}
		})
	}
}

// The pool settings reach both pools, and pool_max_conns is taken out of
// the URL before the driver sees it.
func TestPostgresPool(t *testing.T) {
	tests := []struct {
		name, spec     string
		wantConns      int
		wantTimeout    string
		wantErrBadSpec bool
	}{
		{name: "OKDefaults", spec: "postgres://u@127.0.0.1:1/db?sslmode=disable", wantConns: 0, wantTimeout: "5"},
		{name: "OKPoolMaxConns", spec: "postgres://u@127.0.0.1:1/db?pool_max_conns=3", wantConns: 3, wantTimeout: "5"},
		{name: "OKOwnConnectTimeout", spec: "postgres://u@127.0.0.1:1/db?connect_timeout=1", wantConns: 0, wantTimeout: "1"},
		{name: "ErrBadSpecPoolZero", spec: "postgres://u@127.0.0.1:1/db?pool_max_conns=0", wantErrBadSpec: true},
		{name: "ErrBadSpecPoolWord", spec: "postgres://u@127.0.0.1:1/db?pool_max_conns=many", wantErrBadSpec: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PGCONNECT_TIMEOUT", "")
			p, err := newPostgres(tt.spec)
			if tt.wantErrBadSpec {
				if !errors.Is(err, ErrBadSpec) {
					t.Fatalf("newPostgres(%q) = %v, want ErrBadSpec", tt.spec, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer p.close()
			if p.pool.readConns != tt.wantConns {
				t.Errorf("read pool %d, want %d", p.pool.readConns, tt.wantConns)
			}
			if got := p.db.Stats().MaxOpenConnections; got != pgMetaConns {
				t.Errorf("meta pool %d, want %d", got, pgMetaConns)
			}
			q := p.dsn.Query()
			if got := q.Get("connect_timeout"); got != tt.wantTimeout {
				t.Errorf("connect_timeout %q, want %q", got, tt.wantTimeout)
			}
			if q.Has(pgPoolParam) {
				t.Errorf("%s left in the driver's URL %s", pgPoolParam, p.dsn.Redacted())
			}
			if got := p.readOptions()["maxopenconnections"]; got != tt.wantConns {
				t.Errorf("Cayley maxopenconnections %v, want %d", got, tt.wantConns)
			}
		})
	}
}
