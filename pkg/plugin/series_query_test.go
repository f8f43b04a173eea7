package plugin

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/sloguard/sloguard/pkg/slo"
)

func TestGridFor(t *testing.T) {
	nine := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name          string
		from, to      time.Time
		interval      time.Duration
		maxDataPoints int64
		first         time.Time
		step          time.Duration
		n             int
	}{
		{"the interval is the step when the points fit", nine, nine.Add(3 * time.Hour), 15 * time.Minute, 100, nine, 15 * time.Minute, 13},
		{"a step under a minute is a minute", nine, nine.Add(10 * time.Minute), 10 * time.Second, 100, nine, time.Minute, 11},
		{"a step is rounded up to whole minutes", nine, nine.Add(time.Hour), 61 * time.Second, 100, nine, 2 * time.Minute, 31},
		{"maxDataPoints grows the step", nine, nine.Add(24 * time.Hour), time.Minute, 25, nine, time.Hour, 25},
		// 1,440 min in 23 steps: 62.6, so 63 min; 09:00 is 45 min past a multiple of 63 min.
		{"a step that is not a whole fraction still fits", nine, nine.Add(24 * time.Hour), time.Minute, 24, nine.Add(18 * time.Minute), 63 * time.Minute, 23},
		{"points are multiples of the step, the first at or after from", nine.Add(7 * time.Minute), nine.Add(time.Hour), 15 * time.Minute, 100, nine.Add(15 * time.Minute), 15 * time.Minute, 4},
		{"the last point is at or before to", nine, nine.Add(time.Hour - time.Second), 15 * time.Minute, 100, nine, 15 * time.Minute, 4},
		{"one point is the range's end", nine, nine.Add(time.Hour), time.Minute, 1, nine.Add(time.Hour), time.Hour, 1},
		// 10,080 min in 999 steps: 10.1, so 11 min; 09:00 is 7 min past a multiple of 11 min.
		{"no maxDataPoints takes the default", nine, nine.Add(7 * 24 * time.Hour), 0, 0, nine.Add(4 * time.Minute), 11 * time.Minute, 917},
		{"a range without a multiple of the step has no point", nine.Add(10 * time.Second), nine.Add(50 * time.Second), 0, 100, time.Time{}, time.Minute, 0},
		{"an empty range on a point is that point", nine, nine, time.Minute, 100, nine, time.Minute, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := gridFor(backend.DataQuery{
				TimeRange: backend.TimeRange{From: tt.from, To: tt.to}, Interval: tt.interval, MaxDataPoints: tt.maxDataPoints,
			})
			if err != nil {
				t.Fatal(err)
			}
			if g.n != tt.n || g.step != tt.step || !g.first.Equal(tt.first) {
				t.Fatalf("grid %d points from %s every %s, want %d from %s every %s", g.n, g.first, g.step, tt.n, tt.first, tt.step)
			}
			if limit := tt.maxDataPoints; limit > 0 && int64(g.n) > limit {
				t.Errorf("%d points, more than maxDataPoints %d", g.n, limit)
			}
			ts := g.times()
			if g.n > 0 && (!ts[len(ts)-1].Equal(g.last) || g.last.After(tt.to) || g.first.Before(tt.from)) {
				t.Errorf("points %s..%s outside %s..%s", g.first, g.last, tt.from, tt.to)
			}
		})
	}
}

func TestGridForRefusesABadRange(t *testing.T) {
	nine := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, rng := range []backend.TimeRange{{}, {From: nine}, {From: nine, To: nine.Add(-time.Minute)}} {
		if _, err := gridFor(backend.DataQuery{TimeRange: rng}); err == nil || !strings.HasPrefix(err.Error(), "timeRange: ") {
			t.Errorf("range %v: error %v, want one naming timeRange", rng, err)
		}
	}
}

func TestParseWindows(t *testing.T) {
	def := []time.Duration{time.Hour}
	tests := []struct {
		name    string
		texts   []string
		want    []time.Duration
		wantErr string
	}{
		{"none gives the defaults", nil, def, ""},
		{"windows keep their order", []string{"1h", "5m"}, []time.Duration{time.Hour, 5 * time.Minute}, ""},
		{"equal windows are kept once", []string{"60m", "1h", "5m"}, []time.Duration{time.Hour, 5 * time.Minute}, ""},
		{"a bad unit names the field and the text", []string{"7x"}, nil, `windows: "7x" is not a window: unknown unit "x"; want w, d, h, m or s`},
		{"a zero window is refused", []string{"5m", "0h"}, nil, `windows: "0h" is not a window: must be > 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWindows("windows", tt.texts, def)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestFromAlertReadsTheHeaderGrafanaAlertingSets(t *testing.T) {
	withHTTP := &backend.QueryDataRequest{}
	withHTTP.SetHTTPHeader(backend.FromAlertHeaderName, "true")
	tests := []struct {
		name string
		req  *backend.QueryDataRequest
		want bool
	}{
		{"FromAlert: true", &backend.QueryDataRequest{Headers: map[string]string{"FromAlert": "true"}}, true},
		{"as a forwarded HTTP header", withHTTP, true},
		{"FromAlert: false", &backend.QueryDataRequest{Headers: map[string]string{"FromAlert": "false"}}, false},
		{"no header: a panel, even without a user", &backend.QueryDataRequest{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fromAlert(tt.req); got != tt.want {
				t.Errorf("fromAlert = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEachSLORunsEveryOneAtMostParallelismAtOnce(t *testing.T) {
	slos := make([]slo.SLO, 20)
	var running, peak, calls atomic.Int64
	err := eachSLO(context.Background(), slos, func(ctx context.Context, i int, s slo.SLO) error {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(2 * time.Millisecond)
		running.Add(-1)
		calls.Add(1)
		return nil
	})
	if err != nil || calls.Load() != 20 || peak.Load() > seriesParallelism {
		t.Errorf("error %v, %d calls, %d at once (at most %d)", err, calls.Load(), peak.Load(), seriesParallelism)
	}
}

func TestEachSLOStopsAtTheFirstError(t *testing.T) {
	slos := make([]slo.SLO, 50)
	boom := errors.New("boom")
	var calls atomic.Int64
	err := eachSLO(context.Background(), slos, func(ctx context.Context, i int, s slo.SLO) error {
		calls.Add(1)
		if i == 0 {
			return boom
		}
		<-ctx.Done() // the others wait for the cancellation
		return ctx.Err()
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the first one", err)
	}
	if calls.Load() == 50 {
		t.Error("every SLO ran after the first error")
	}
}

func TestRecoveredTurnsAPanicIntoAnError(t *testing.T) {
	if err := recovered(func() {}); err != nil {
		t.Errorf("no panic: %v", err)
	}
	err := recovered(func() { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "internal error: boom") {
		t.Errorf("panic: %v", err)
	}
}

func TestEachSLOReportsAPanickingSLOAsAnError(t *testing.T) {
	slos := []slo.SLO{{Name: "a"}, {Name: "b"}}
	err := eachSLO(context.Background(), slos, func(_ context.Context, i int, _ slo.SLO) error {
		if i == 1 {
			var m map[string]int
			m["x"] = 1 // nil map write: a bug in one SLO's code
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("eachSLO = %v, want the panic as an error", err)
	}
}

func TestParsePercentiles(t *testing.T) {
	tests := []struct {
		name    string
		texts   []string
		want    []string
		wantErr string
	}{
		{"none asked: all three", nil, []string{"p50", "p95", "p99"}, ""},
		{"one", []string{"p95"}, []string{"p95"}, ""},
		{"in the engine's order, once", []string{"p99", "p50", "p99"}, []string{"p50", "p99"}, ""},
		{"an unknown one names the field", []string{"p95", "p90"}, nil, `percentiles: unknown percentile "p90", want some of p50, p95, p99`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePercentiles(tt.texts)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("parsePercentiles(%q) = %q, %v; want %q", tt.texts, got, err, tt.want)
			}
		})
	}
}
