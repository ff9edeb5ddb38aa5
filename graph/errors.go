package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Code classifies an error a client can act on; it is sent as
// extensions.code.
type Code string

// The error codes of the API contract.
const (
	BadUserInput    Code = "BAD_USER_INPUT"
	LimitExceeded   Code = "LIMIT_EXCEEDED"
	Timeout         Code = "TIMEOUT"
	Unauthenticated Code = "UNAUTHENTICATED"
	Unavailable     Code = "UNAVAILABLE"
	Internal        Code = "INTERNAL"
)

// Error is the one error type whose message reaches the client.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Errorf makes a coded error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// PresentError is the one error presenter: coded errors keep their message
// and carry their code; a deadline is TIMEOUT; gqlgen's own validation and
// parse errors keep theirs; anything else is logged and shown as "internal
// error", so no internals leak.
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var coded *Error
	var existing *gqlerror.Error
	switch {
	case errors.As(err, &coded):
		gerr.Message = coded.Msg
		setCode(gerr, coded.Code)
	case errors.Is(err, context.DeadlineExceeded):
		gerr.Message = "the query took too long"
		setCode(gerr, Timeout)
	case errors.As(err, &existing) && existing.Err == nil:
		// Produced by gqlgen itself (validation, parsing, limits): its
		// message is meant for the client.
		if gerr.Extensions == nil || gerr.Extensions["code"] == nil {
			setCode(gerr, BadUserInput)
		}
	default:
		slog.ErrorContext(ctx, "resolver failed", "path", gerr.Path.String(), "err", err)
		gerr.Message = "internal error"
		setCode(gerr, Internal)
	}
	return gerr
}

func setCode(e *gqlerror.Error, code Code) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = string(code)
}

// Recover turns a panic in a resolver into an internal error, logged.
func Recover(ctx context.Context, p any) error {
	slog.ErrorContext(ctx, "resolver panicked", "panic", p)
	return Errorf(Internal, "internal error")
}
