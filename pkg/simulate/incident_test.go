package simulate

import (
	"math"
	"testing"
	"time"
)

const incidentScenario = "start: 2026-11-02T00:00:00Z\n" + testScenario + `incidents:
  - {name: outage, service: payment_service, at: 30m, duration: 10m, error_ratio: 1}
  - {name: slow, service: payment_service, at: 1h, duration: 10m, latency_multiplier: 3}
  - {name: quiet, service: payment_service, at: 90m, duration: 10m, traffic_factor: 0.1}
  - {name: email, journey: user_registration, step: verify_email, at: 2h, duration: 30m, error_ratio: 0.5}
`

func TestIncidentWindowsShowTheirEffect(t *testing.T) {
	db := newLogDB(t)
	res := backfill(t, db, mustParse(t, incidentScenario), t0, t0.Add(3*time.Hour), 5)
	if len(res.Labels) != 4 {
		t.Fatalf("labels = %s, want the 4 incidents", labelNames(res.Labels))
	}
	window := func(start time.Duration) []any { return []any{t0.Add(start), t0.Add(start + 10*time.Minute)} }
	ratioIn := func(start time.Duration) (n int64, ratio float64) {
		var bad int64
		queryRow(t, db, `SELECT count(*), count(*) FILTER (WHERE status_code >= 500) FROM request_logs
			WHERE "timestamp" >= $1 AND "timestamp" < $2`, window(start), &n, &bad)
		return n, float64(bad) / float64(n)
	}
	t.Run("an outage fails every request in its window and only there", func(t *testing.T) {
		if n, r := ratioIn(30 * time.Minute); r != 1 || n < 5000 {
			t.Errorf("5xx ratio in the outage = %.4f over %d requests, want 1", r, n)
		}
		if n, r := ratioIn(20 * time.Minute); !within(r, 0.01, binomialTol(0.01, n)) {
			t.Errorf("5xx ratio before the outage = %.4f, want the base 0.01", r)
		}
	})
	t.Run("a latency regression multiplies latencies", func(t *testing.T) {
		var in, before float64
		queryRow(t, db, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) FILTER (WHERE "timestamp" >= $1 AND "timestamp" < $2),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) FILTER (WHERE "timestamp" >= $3 AND "timestamp" < $1)
			FROM request_logs`, []any{t0.Add(time.Hour), t0.Add(70 * time.Minute), t0.Add(50 * time.Minute)}, &in, &before)
		if !within(in/before, 3, 0.2) {
			t.Errorf("median latency %.1f ms in the window vs %.1f ms before: x%.2f, want x3", in, before, in/before)
		}
	})
	t.Run("a traffic drop lowers the rate by its factor", func(t *testing.T) {
		n, _ := ratioIn(90 * time.Minute)
		if want := 600.0 * 10 * 0.1; !within(float64(n), want, 4*math.Sqrt(want)) {
			t.Errorf("%d requests in the drop, want %.0f", n, want)
		}
	})
	t.Run("a failing step fails its share of runs and the later steps drop off", func(t *testing.T) {
		var reached, failed, last int64
		queryRow(t, db, `SELECT count(*) FILTER (WHERE step_order = 2), count(*) FILTER (WHERE step_order = 2 AND NOT success),
			count(*) FILTER (WHERE step_order = 3)
			FROM user_journey_logs WHERE journey_id IN (SELECT journey_id FROM user_journey_logs
				WHERE step_order = 1 AND "timestamp" >= $1 AND "timestamp" < $2)`,
			[]any{t0.Add(2 * time.Hour), t0.Add(150 * time.Minute)}, &reached, &failed, &last)
		if r := float64(failed) / float64(reached); !within(r, 0.5, binomialTol(0.5, reached)) {
			t.Errorf("verify_email failed %d of %d runs (%.3f), want 0.5", failed, reached, r)
		}
		if last != reached-failed {
			t.Errorf("%d runs reached the last step, want the %d that passed verify_email", last, reached-failed)
		}
	})
}
