package notify

import (
	"errors"
	"fmt"
	"time"
)

// ErrPermanent marks an error without a status code that retrying cannot fix (an invalid
// message, an event over the vendor's size limit). Retryable(0, err) is false for it.
var ErrPermanent = errors.New("permanent failure")

// StatusError is a delivery that reached the server and was refused with Code (an HTTP status
// or an SMTP reply code). Its text never contains a secret.
type StatusError struct {
	// Integration names the channel: "slack", "pagerduty", "email".
	Integration string
	// Code is the HTTP status or SMTP reply code.
	Code int
	// Reason is the server's short explanation, if any (already redacted).
	Reason string
	// RetryAfter is the delay the server asked for (HTTP Retry-After), 0 when not given.
	RetryAfter time.Duration
}

// Error implements error.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s: status %d", e.Integration, e.Code)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// RetryAfter returns the delay requested by the server for err (a *StatusError in its chain),
// or 0.
func RetryAfter(err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}
