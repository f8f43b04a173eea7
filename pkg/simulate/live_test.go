package simulate

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeClock advances by step on every reading.
type fakeClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now
	c.now = c.now.Add(c.step)
	return now
}

func TestLiveWritesWhatBackfillWouldAndStopsOnCancel(t *testing.T) {
	sc := mustParse(t, "start: 2026-11-02T00:00:00Z\n"+testScenario+`incidents:
  - {name: blip, service: payment_service, at: 1m, duration: 1m, every: 3m, error_ratio: 0.5}
`)
	from := t0.Add(17 * time.Second) // not on a minute: live writes partial minutes
	until := from.Add(6 * time.Minute)
	live := newLogDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{now: from, step: 13 * time.Second}
	var writes int
	var last time.Time
	var started []Label
	err := Live(ctx, live.Pool, sc, LiveOptions{
		Seed: 9, Clock: clock.Now, Interval: time.Millisecond,
		Written: func(through time.Time, _, _ int64) {
			writes++
			last = through
			if !through.Before(until) {
				cancel()
			}
		},
		IncidentStarted: func(l Label) { started = append(started, l) },
	})
	if err != nil {
		t.Fatalf("Live: %v", err)
	}
	if writes < 20 || last.Before(until) {
		t.Fatalf("%d writes through %s; want more than 20 through %s", writes, last, until)
	}
	if got := labelNames(started); got != "blip@1m0s-2m0s blip@4m0s-5m0s" {
		t.Errorf("incidents started: %s, want the blips at 1m and 4m", got)
	}
	ref := newLogDB(t)
	backfill(t, ref, sc, from, last, 9)
	if got, want := rowsChecksum(t, live), rowsChecksum(t, ref); got != want {
		t.Errorf("live wrote %s, a backfill of the same range %s", got, want)
	}
	var minutes, blip int
	queryRow(t, live, `SELECT count(DISTINCT date_trunc('minute', "timestamp")),
		count(*) FILTER (WHERE status_code >= 500 AND "timestamp" >= $1 AND "timestamp" < $2) FROM request_logs`,
		[]any{t0.Add(4 * time.Minute), t0.Add(5 * time.Minute)}, &minutes, &blip)
	if minutes != 7 || blip < 200 {
		t.Errorf("rows in %d minutes with %d errors in the second blip; want 7 minutes and ~300 errors (every: repeats)", minutes, blip)
	}
}
