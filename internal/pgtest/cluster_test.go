package pgtest

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// A cluster of the test's own stops and starts again on its port with its
// data, in either shutdown mode; while stopped, connections are refused.
func TestCluster(t *testing.T) {
	c := MustStartCluster(t)
	db := open(t, c.DSN()+"&connect_timeout=2")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mode StopMode
	}{
		{"OKFast", Fast},
		{"OKImmediate", Immediate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Stop(t, tt.mode)
			if c.Running() {
				t.Fatal("Running() after Stop")
			}
			t.Run("ErrStopped", func(t *testing.T) {
				fresh := open(t, c.DSN()+"&connect_timeout=2") // no pooled connection
				err := fresh.PingContext(ctx)
				if err == nil {
					t.Fatal("ping of a stopped cluster succeeded")
				}
				if !errors.Is(err, syscall.ECONNREFUSED) {
					var ne net.Error
					if !errors.As(err, &ne) {
						t.Errorf("ping: %v, want a refused connection", err)
					}
				}
			})
			c.Stop(t, tt.mode) // a second stop does nothing
			c.Start(t)
			c.Start(t) // nor does a second start
			if !c.Running() {
				t.Fatal("not Running() after Start")
			}
			var n int
			// The pool's connections died with the server; database/sql
			// dials new ones by itself.
			if err := db.QueryRowContext(ctx, `SELECT sum(n) FROM kept`).Scan(&n); err != nil {
				t.Fatalf("after restart: %v", err)
			}
			if n != 1 {
				t.Errorf("after restart: sum %d, want 1", n)
			}
		})
	}
}
