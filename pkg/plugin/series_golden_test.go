package plugin

import (
	"os"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
)

// seriesGoldenDir holds the golden frames of the series query types. SLOGUARD_UPDATE_GOLDEN=1
// rewrites them (as for the other panel goldens) after a deliberate change: review the diff.
const seriesGoldenDir = "testdata"

func seriesGoldenUpdate() bool { return os.Getenv("SLOGUARD_UPDATE_GOLDEN") != "" }

// valueCheck is one value of a golden response worked out by hand from the fixture: the
// series key (value field name and labels), the point (zero for a numeric frame) and the
// value (nil: null, no data).
type valueCheck struct {
	what string
	key  string
	at   time.Time
	want *float64
}

// TestGoldenSeriesFrames pins, through gRPC, the frames of error_budget, burn_rate (series
// and instant) and sli (success rate; latency with percentiles) for insertSeriesFixture over
// [09:00, 12:00] at a 15-minute interval: 13 points, 09:00 to 12:00. The golden files are
// testdata/<name>.jsonc; the values below are worked out by hand from the fixture and checked
// against the same responses, so the goldens cannot drift from the math unnoticed.
//
// Counts at a point t: payment requests are 100 a minute from 09:00, so valid(t) = 100 x
// minutes since 09:00; the 10 errors are one a minute in [10:05, 10:15); the 50 slow requests
// five a minute in [11:05, 11:15).
//
// error_budget (availability 99.9 %, 30d window: everything before t): remaining = 1 -
// bad / (0.001 x valid). 09:00 has no request yet: null. Up to 10:00 no error: 1. 10:15:
// 10 bad of 7,500 (allowed 7.5): 1 - 10/7.5 = -1/3, breached and not clamped. 10:45: 10 of
// 10,500 (allowed 10.5): 1/21. 12:00: 10 of 18,000 (allowed 18): 4/9. The budget recovers as
// the window's valid events grow. Latency (95 %): valid excludes the 10 503s; 12:00: 50 slow
// of 17,990 (allowed 899.5): 1 - 50/899.5.
//
// burn_rate (availability, windows 5m and 1h): BR = (bad/valid) / 0.001. 5m at 10:15 covers
// [10:10, 10:15): 5 of 500, 1 % errors: 10. 1h at 10:15, [09:15, 10:15): 10 of 6,000: 5/3;
// at 11:00, [10:00, 11:00): still all 10: 5/3; at 11:15 none: 0. 09:00: no data, null.
//
// burn_rate instant at 10:15 (windows 5m, 1h, 6h; all SLOs): availability 10, 5/3, and 6h
// [04:15, 10:15) holds everything so far: 10 of 7,500: 4/3. Latency: no slow request yet: 0
// in every window. user_api has no rows: its 6 values are null (NoData per instance).
//
// sli (availability, window 5m): 1 at every point but 10:15, whose [10:10, 10:15) has 495
// good of 500: 0.99; 09:00 null.
//
// sli (latency, window 5m): 11:15, [11:10, 11:15): 475 within 200 ms of 500: 0.95. The
// percentiles are percentile_cont, rank (n-1)p between sorted values: a normal window holds
// each of 1..100 ms five times (n = 500): p50 at rank 249.5 = 50.5, p95 at 474.05 (95 and
// 96) = 95.05, p99 at 494.01 (99 and 100) = 99.01. At 10:15 the 503s (1 ms each) are not
// valid: 2..100 five times, n = 495: p50 at 247 = 51, p95 at 469.3 = 95.3, p99 at 489.06 =
// 99.06. At 11:15 requests 95-99 take 300 ms: 1..95 five times and 25 x 300: p50 50.5, p95
// at 474.05 between 95 and 300 = 95 + 0.05 x 205 = 105.25, p99 at 494.01 = 300.
func TestGoldenSeriesFrames(t *testing.T) {
	_, db := contractSetup(t)
	insertSeriesFixture(t, db)
	pc := healthyContext(t, db)

	instant := seriesQuery(t, "instant", map[string]any{"queryType": "burn_rate", "instant": true, "windows": []string{"5m", "1h", "6h"}})
	instant.TimeRange = backend.TimeRange{From: seriesFrom, To: fixtureAt(10, 15)}
	resp := queryAll(t, pc, nil,
		seriesQuery(t, "error_budget", map[string]any{"queryType": "error_budget", "service": "payment_service"}),
		seriesQuery(t, "burn_rate", map[string]any{"queryType": "burn_rate", "service": "payment_service", "slo": "availability", "windows": []string{"5m", "1h"}}),
		instant,
		seriesQuery(t, "sli_success_rate", map[string]any{"queryType": "sli", "service": "payment_service", "slo": "availability"}),
		seriesQuery(t, "sli_latency", map[string]any{"queryType": "sli", "service": "payment_service", "slo": "latency", "window": "5m"}),
	)

	avail := map[string]string{"service": "payment_service", "slo": "availability"}
	latency := map[string]string{"service": "payment_service", "slo": "latency"}
	with := func(base map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	budget := func(l map[string]string) string { return labelsKey("budget_remaining", l) }
	burn := func(l map[string]string, w string) string { return labelsKey("burn_rate", with(l, "window", w)) }
	sli := func(l map[string]string) string { return labelsKey("sli", with(l, "window", "5m")) }
	pct := func(p string) string {
		return labelsKey("response_time", with(latency, "window", "5m", "percentile", p))
	}
	userAPI := func(name, w string) string {
		return burn(map[string]string{"service": "user_api", "slo": name}, w)
	}

	tests := []struct {
		golden, refID string
		checks        []valueCheck
	}{
		{"error_budget", "error_budget", []valueCheck{
			{"availability has no data before the first request", budget(avail), fixtureAt(9, 0), nil},
			{"availability is untouched before the errors", budget(avail), fixtureAt(10, 0), f64(1)},
			{"availability is breached, not clamped, right after 10 bad of 7,500", budget(avail), fixtureAt(10, 15), f64(1 - 10/7.5)},
			{"availability recovers as valid events grow: 10 of 10,500", budget(avail), fixtureAt(10, 45), f64(1 - 10/10.5)},
			{"availability at the end: 10 bad of 18,000", budget(avail), fixtureAt(12, 0), f64(1 - 10/18.0)},
			{"latency at the end: 50 slow of 17,990 valid", budget(latency), fixtureAt(12, 0), f64(1 - 50/899.5)},
		}},
		{"burn_rate_series", "burn_rate", []valueCheck{
			{"5m has no data at 09:00", burn(avail, "5m"), fixtureAt(9, 0), nil},
			{"5m burns at 10x with 1 % errors", burn(avail, "5m"), fixtureAt(10, 15), f64(10)},
			{"5m is back to 0 once the errors stop", burn(avail, "5m"), fixtureAt(10, 30), f64(0)},
			{"1h holds 10 bad of 6,000", burn(avail, "1h"), fixtureAt(10, 15), f64(10.0 / 6000 / 0.001)},
			{"1h still holds all 10 at 11:00", burn(avail, "1h"), fixtureAt(11, 0), f64(10.0 / 6000 / 0.001)},
			{"1h forgets the errors at 11:15", burn(avail, "1h"), fixtureAt(11, 15), f64(0)},
		}},
		{"burn_rate_instant", "instant", []valueCheck{
			{"availability 5m", burn(avail, "5m"), time.Time{}, f64(10)},
			{"availability 1h", burn(avail, "1h"), time.Time{}, f64(10.0 / 6000 / 0.001)},
			{"availability 6h: 10 of 7,500", burn(avail, "6h"), time.Time{}, f64(10.0 / 7500 / 0.001)},
			{"latency 1h: nothing slow yet", burn(latency, "1h"), time.Time{}, f64(0)},
			{"a service without rows is null, not 0", userAPI("availability", "5m"), time.Time{}, nil},
			{"a journey without rows is null, not 0", userAPI("user_journey", "6h"), time.Time{}, nil},
		}},
		{"sli_success_rate", "sli_success_rate", []valueCheck{
			{"no data at 09:00", sli(avail), fixtureAt(9, 0), nil},
			{"all good at 10:00", sli(avail), fixtureAt(10, 0), f64(1)},
			{"5 errors of 500 at 10:15", sli(avail), fixtureAt(10, 15), f64(0.99)},
		}},
		{"sli_latency", "sli_latency", []valueCheck{
			{"SLI has no data at 09:00", sli(latency), fixtureAt(9, 0), nil},
			{"SLI ignores the 503s at 10:15", sli(latency), fixtureAt(10, 15), f64(1)},
			{"SLI: 25 slow of 500 at 11:15", sli(latency), fixtureAt(11, 15), f64(0.95)},
			{"p50 has no data at 09:00", pct("p50"), fixtureAt(9, 0), nil},
			{"p50 of a normal window", pct("p50"), fixtureAt(10, 0), f64(50.5)},
			{"p95 of a normal window", pct("p95"), fixtureAt(10, 0), f64(95.05)},
			{"p99 of a normal window", pct("p99"), fixtureAt(10, 0), f64(99.01)},
			{"p50 without the 503s", pct("p50"), fixtureAt(10, 15), f64(51)},
			{"p95 without the 503s", pct("p95"), fixtureAt(10, 15), f64(95.3)},
			{"p99 without the 503s", pct("p99"), fixtureAt(10, 15), f64(99.06)},
			{"p50 while slow", pct("p50"), fixtureAt(11, 15), f64(50.5)},
			{"p95 while slow", pct("p95"), fixtureAt(11, 15), f64(105.25)},
			{"p99 while slow", pct("p99"), fixtureAt(11, 15), f64(300)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			dr := resp[tt.refID]
			frames := mustAnswer(t, tt.golden, dr)
			experimental.CheckGoldenJSONResponse(t, seriesGoldenDir, tt.golden, &dr, seriesGoldenUpdate())
			for _, c := range tt.checks {
				var got *float64
				if c.at.IsZero() {
					got = numericValueOf(t, frames, c.key)
				} else {
					got = valueAt(t, frames, c.key, c.at)
				}
				checkValue(t, c.what, got, c.want)
			}
		})
	}
}
