package graph

import "fmt"

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

// Codes are the codes of the API contract, the only ones clients see.
var Codes = []Code{BadUserInput, LimitExceeded, Timeout, Unauthenticated, Unavailable, Internal}

// Error is the one error type whose message reaches the client: resolvers
// return it for what the client can act on, and the HTTP layer
// (package gqlhttp) presents it with its code.
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
