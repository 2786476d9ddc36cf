// Package app is the small kernel every other package shares: the one error
// type with its codes, the request context (organisation, user, locale) and
// the clock.
package app

import (
	"errors"
	"fmt"
)

// Error codes. internal/web maps them to HTTP status codes in one place.
const (
	EInvalid         = "invalid"
	ENotFound        = "not_found"
	EConflict        = "conflict"
	EForbidden       = "forbidden"
	EUnauthenticated = "unauthenticated"
	ETooMany         = "too_many_requests"
	ETooLarge        = "too_large"
	EUnavailable     = "unavailable"
	EInternal        = "internal"
)

// Error is an error meant for the user. Key is a translation key in the
// locale catalogues of web/locales; Args are its template arguments. Field,
// when set, names the form field or import column the error belongs to.
// Anything that is not an *Error is internal: logged, never shown.
type Error struct {
	Code  string
	Key   string
	Args  map[string]any
	Field string
	Err   error // the underlying cause, for logs only
}

// Errorf returns an *Error with the given code and translation key.
func Errorf(code, key string, args ...any) *Error {
	e := &Error{Code: code, Key: key}
	if len(args) > 0 {
		e.Args = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			e.Args[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return e
}

// WithField returns a copy of e tied to a form field or column.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// Wrap returns a copy of e that records cause for the logs.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsNotFound reports whether err carries ENotFound.
func IsNotFound(err error) bool { return ErrorCode(err) == ENotFound }
