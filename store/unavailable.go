package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
)

// ErrUnavailable wraps an error that says the database cannot be reached
// right now — refused or dropped connections, a server shutting down or
// starting up, too many clients — as opposed to a query that is wrong. Such
// a request may succeed when retried later: the API answers it with code
// UNAVAILABLE, and the store recovers by itself once the database is back
// (database/sql drops broken connections and dials new ones).
var ErrUnavailable = errors.New("store unavailable")

// unavailable wraps err in ErrUnavailable when it is a connection error;
// other errors, and nil, are returned as they are.
func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !connectionError(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// connectionError reports whether err says the server cannot be reached, as
// opposed to a query it refused. A cancelled or timed-out request is its
// own error (the caller's deadline), never this one.
func connectionError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch code := string(pe.Code); {
		case len(code) == 5 && code[:2] == "08": // connection exception
			return true
		case len(code) == 5 && code[:2] == "53": // insufficient resources: too many clients, out of memory
			return true
		case code == "57P01", code == "57P02", code == "57P03": // admin or crash shutdown, cannot connect now
			return true
		}
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) ||
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	// Cayley's SQL iterators report a failed query with %v, which keeps
	// only the words of the driver's error: those are matched instead.
	msg := err.Error()
	for _, m := range connectionMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// connectionMessages are the words of connection errors from the kernel,
// database/sql and PostgreSQL (in its default English messages), for
// errors whose chain was flattened into text.
var connectionMessages = []string{
	"connection refused",
	"connection reset by peer",
	"broken pipe",
	"no route to host",
	"network is unreachable",
	"driver: bad connection",
	"unexpected EOF",
	"the database system is shutting down",
	"the database system is starting up",
	"the database system is in recovery mode",
	"terminating connection due to administrator command",
	"terminating connection because of crash of another server process",
	"sorry, too many clients already",
}
