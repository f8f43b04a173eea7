package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestRetryableByStatusCode(t *testing.T) {
	tests := []struct {
		code int
		want bool
	}{
		{http.StatusOK, false},
		{http.StatusAccepted, false},
		{http.StatusBadRequest, false},
		{http.StatusUnauthorized, false},
		{http.StatusForbidden, false},
		{http.StatusNotFound, false},
		{http.StatusRequestEntityTooLarge, false},
		{http.StatusTooManyRequests, true},
		{http.StatusInternalServerError, true},
		{http.StatusBadGateway, true},
		{http.StatusServiceUnavailable, true},
		{http.StatusGatewayTimeout, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			if got := Retryable(tt.code, nil); got != tt.want {
				t.Errorf("Retryable(%d) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestRetryableWithoutStatusCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"no error does not retry", nil, false},
		{"transport error retries", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), true},
		{"unexpected EOF retries", io.ErrUnexpectedEOF, true},
		{"deadline exceeded retries", context.DeadlineExceeded, true},
		{"canceled context does not retry", fmt.Errorf("post: %w", context.Canceled), false},
		{"permanent error does not retry", fmt.Errorf("too big: %w", ErrPermanent), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Retryable(0, tt.err); got != tt.want {
				t.Errorf("Retryable(0, %v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestRetryableSMTPRetriesTransientRepliesOnly(t *testing.T) {
	for code, want := range map[int]bool{421: true, 450: true, 451: true, 452: true, 535: false, 550: false, 554: false} {
		if got := RetryableSMTP(code, errors.New("smtp")); got != want {
			t.Errorf("RetryableSMTP(%d) = %v, want %v", code, got, want)
		}
	}
	if !RetryableSMTP(0, errors.New("connection reset")) {
		t.Error("a transport error without a reply code must retry")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, header string
		want         time.Duration
	}{
		{"empty header gives zero", "", 0},
		{"seconds are read", "30", 30 * time.Second},
		{"negative seconds give zero", "-5", 0},
		{"an HTTP date is relative to now", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"a past date gives zero", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"garbage gives zero", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseRetryAfter(tt.header, now); got != tt.want {
				t.Errorf("ParseRetryAfter(%q) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

func TestBackoffHonoursRetryAfter(t *testing.T) {
	b := Backoff{Base: time.Second, Max: time.Minute}
	if got := b.Delay(3, 42*time.Second); got != 42*time.Second {
		t.Errorf("Delay with Retry-After = %s, want 42s", got)
	}
}

func TestBackoffIsExponentialWithJitterAndCapped(t *testing.T) {
	tests := []struct {
		name     string
		attempt  int
		rnd      float64
		min, max time.Duration
	}{
		{"first attempt lowest jitter", 0, 0, 500 * time.Millisecond, 500 * time.Millisecond},
		{"first attempt highest jitter", 0, 0.999999, 999 * time.Millisecond, time.Second},
		{"third attempt doubles twice", 2, 0, 2 * time.Second, 2 * time.Second},
		{"large attempt is capped", 40, 0.999999, 59 * time.Second, time.Minute},
		{"huge attempt does not overflow", 1 << 20, 0, 30 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Backoff{Base: time.Second, Max: time.Minute, Rand: func() float64 { return tt.rnd }}
			got := b.Delay(tt.attempt, 0)
			if got < tt.min || got > tt.max {
				t.Errorf("Delay(%d) = %s, want in [%s, %s]", tt.attempt, got, tt.min, tt.max)
			}
		})
	}
}

func TestBackoffZeroValueUsesDefaultsAndVaries(t *testing.T) {
	var b Backoff
	seen := map[time.Duration]bool{}
	for range 50 {
		d := b.Delay(0, 0)
		if d < DefaultBackoffBase/2 || d > DefaultBackoffBase {
			t.Fatalf("Delay(0) = %s, outside [%s, %s]", d, DefaultBackoffBase/2, DefaultBackoffBase)
		}
		seen[d] = true
	}
	if len(seen) < 2 {
		t.Error("jitter produced a constant delay")
	}
}

func TestRetryAfterIsReadFromStatusError(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &StatusError{Integration: "x", Code: 429, RetryAfter: 7 * time.Second})
	if got := RetryAfter(err); got != 7*time.Second {
		t.Errorf("RetryAfter = %s, want 7s", got)
	}
	if got := RetryAfter(errors.New("plain")); got != 0 {
		t.Errorf("RetryAfter(plain) = %s, want 0", got)
	}
}
