// Package reqlog names each HTTP request with an id and carries it to every
// log line written while the request runs.
//
// The id travels in the request's context: WithID puts it there, ID reads it,
// and NewHandler wraps a slog.Handler so that each record logged with a
// context (slog.InfoContext and its siblings) carries it as request_id.
package reqlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
)

// Header is the HTTP header a request id travels in, both ways.
const Header = "X-Request-Id"

// Key is the attribute a log line names the request id with.
const Key = "request_id"

// maxLen is the longest id taken from a client.
const maxLen = 64

// Valid reports whether a client's id is a short safe token, one that can be
// echoed and logged as it is: 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-'.
func Valid(id string) bool {
	if len(id) == 0 || len(id) > maxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// New makes a fresh id: 16 hexadecimal digits.
func New() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather)
	return hex.EncodeToString(b[:])
}

// FromClient is the id a request goes by: the client's, when it sent a
// valid one, or a fresh one.
func FromClient(sent string) string {
	if Valid(sent) {
		return sent
	}
	return New()
}

type ctxKey struct{}

// WithID returns a context that carries the request id.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// ID is the request id ctx carries, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// NewHandler wraps h so that every record logged with a context carrying a
// request id has it as the attribute request_id.
func NewHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(handler); ok {
		return h
	}
	return handler{h}
}

type handler struct{ slog.Handler }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	if id := ID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String(Key, id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return handler{h.Handler.WithAttrs(attrs)}
}

func (h handler) WithGroup(name string) slog.Handler {
	return handler{h.Handler.WithGroup(name)}
}
