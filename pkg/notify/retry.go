package notify

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retryable is the retry policy of every HTTP integration. With a status code (> 0): 429 and
// 5xx retry; every other code (2xx success, 1xx/3xx/4xx) does not. Without one: a transport
// error (connection refused, reset, timeout, TLS handshake) retries unless it wraps
// ErrPermanent or the context was canceled; a nil error does not.
func Retryable(statusCode int, err error) bool {
	if statusCode > 0 {
		return statusCode == http.StatusTooManyRequests || statusCode >= 500 && statusCode <= 599
	}
	if err == nil || errors.Is(err, ErrPermanent) || errors.Is(err, context.Canceled) {
		return false
	}
	return true
}

// RetryableSMTP is the retry policy for SMTP replies (RFC 5321 section 4.2.1): 4yz replies are
// transient and retry, 5yz are permanent. Without a reply code (0) it is Retryable(0, err).
func RetryableSMTP(replyCode int, err error) bool {
	if replyCode > 0 {
		return replyCode >= 400 && replyCode <= 499
	}
	return Retryable(0, err)
}

// ParseRetryAfter reads an HTTP Retry-After header (RFC 9110 section 10.2.3): delay-seconds or
// an HTTP-date relative to now. It returns 0 when the header is absent, invalid or in the past.
func ParseRetryAfter(header string, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(header, 10, 64); err == nil {
		if secs <= 0 || secs > math.MaxInt64/int64(time.Second) {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(header); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Default backoff bounds.
const (
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = 5 * time.Minute
)

// Backoff is exponential backoff with jitter. The zero value uses DefaultBackoffBase and
// DefaultBackoffMax.
type Backoff struct {
	// Base is the delay ceiling of the first retry (attempt 0); it doubles per attempt.
	Base time.Duration
	// Max caps the exponential delay (not a server's Retry-After).
	Max time.Duration
	// Rand returns a number in [0, 1); nil uses math/rand/v2 (safe for concurrent use).
	Rand func() float64
}

// Delay returns how long to wait before retry number attempt (0-based). A positive retryAfter
// (the server's Retry-After) is honoured as is. Otherwise the delay is "equal jitter": half of
// min(Max, Base*2^attempt) plus a random part of the other half, so concurrent senders spread
// out but never retry immediately.
func (b Backoff) Delay(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	base, ceiling := b.Base, b.Max
	if base <= 0 {
		base = DefaultBackoffBase
	}
	if ceiling <= 0 {
		ceiling = DefaultBackoffMax
	}
	if attempt < 0 {
		attempt = 0
	}
	d := ceiling
	if attempt < 62 {
		if exp := float64(base) * math.Pow(2, float64(attempt)); exp < float64(ceiling) {
			d = time.Duration(exp)
		}
	}
	rnd := b.Rand
	if rnd == nil {
		rnd = rand.Float64
	}
	half := d / 2
	return half + time.Duration(rnd()*float64(d-half))
}
