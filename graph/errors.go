package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

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
	// Status is the HTTP status of a request this error ends before GraphQL
	// runs (0 inside GraphQL, where the response decides).
	Status int
}

// WithStatus sets the HTTP status of an error that ends a request.
func (e *Error) WithStatus(status int) *Error {
	e.Status = status
	return e
}

func (e *Error) Error() string { return e.Msg }

// Errorf makes a coded error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// PresentError is the one error presenter: coded errors keep their message
// and carry their code; a deadline is TIMEOUT; gqlgen's own parse and
// validation errors keep their message and become BAD_USER_INPUT (its token
// limit LIMIT_EXCEEDED), so that clients only ever see the contract's codes;
// anything else is logged and shown as "internal error", so no internals
// leak.
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var coded *Error
	var existing *gqlerror.Error
	switch {
	case errors.As(err, &coded):
		gerr.Message = coded.Msg
		setCode(gerr, coded.Code)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The second: a store error that lost its cause, once the request's
		// deadline has passed, is that deadline.
		gerr.Message = "the query took too long"
		setCode(gerr, Timeout)
	case errors.As(err, &existing) && existing.Err == nil:
		// Produced by gqlgen or the parser (parse, validation, variable
		// coercion): its message is meant for the client.
		switch code, _ := gerr.Extensions["code"].(string); {
		case strings.HasPrefix(gerr.Message, "exceeded token limit"):
			setCode(gerr, LimitExceeded)
		case strings.Contains(code, "LIMIT_EXCEEDED"):
			setCode(gerr, LimitExceeded)
		case !contractCodes[Code(code)]:
			setCode(gerr, BadUserInput)
		}
	case errors.Is(err, context.Canceled):
		// The client went away or the server is stopping: nobody to tell.
		gerr.Message = "the request was cancelled"
		setCode(gerr, Unavailable)
	default:
		slog.ErrorContext(ctx, "resolver failed", "path", gerr.Path.String(), "err", err)
		gerr.Message = "internal error"
		setCode(gerr, Internal)
	}
	return gerr
}

var contractCodes = map[Code]bool{BadUserInput: true, LimitExceeded: true, Timeout: true,
	Unauthenticated: true, Unavailable: true, Internal: true}

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
