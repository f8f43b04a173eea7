package simulate

import (
	"math"
	"testing"
	"time"
)

// within reports whether got is within tol of want.
func within(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// binomialTol is 4 standard deviations of a share p measured over n trials.
func binomialTol(p float64, n int64) float64 { return 4 * math.Sqrt(p*(1-p)/float64(n)) }

func TestBaseTrafficMatchesTheScenario(t *testing.T) {
	db := newLogDB(t)
	res := backfill(t, db, mustParse(t, testScenario), t0, t0.Add(4*time.Hour), 11)
	var n, server, client int64
	var p50, p95 float64
	queryRow(t, db, `SELECT count(*), count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code BETWEEN 400 AND 499),
		percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms)
		FROM request_logs`, nil, &n, &server, &client, &p50, &p95)
	if n != res.Requests {
		t.Errorf("table holds %d requests, Backfill reported %d", n, res.Requests)
	}
	want := 600.0 * 240
	if !within(float64(n), want, 4*math.Sqrt(want)) {
		t.Errorf("requests = %d, want %.0f ± 4σ", n, want)
	}
	if r := float64(server) / float64(n); !within(r, 0.01, binomialTol(0.01, n)) {
		t.Errorf("5xx ratio = %.5f, want 0.01", r)
	}
	if r := float64(client) / float64(n); !within(r, 0.02, binomialTol(0.02, n)) {
		t.Errorf("4xx ratio = %.5f, want 0.02", r)
	}
	if !within(p50, 40, 40*0.03) || !within(p95, 150, 150*0.03) {
		t.Errorf("latency p50 = %.1f ms, p95 = %.1f ms; want 40 and 150 within 3 %%", p50, p95)
	}

	var runs, step1, step2, step3, fail2 int64
	queryRow(t, db, `SELECT count(DISTINCT journey_id), count(*) FILTER (WHERE step_order = 1), count(*) FILTER (WHERE step_order = 2),
		count(*) FILTER (WHERE step_order = 3), count(*) FILTER (WHERE step_order = 2 AND NOT success) FROM user_journey_logs`, nil,
		&runs, &step1, &step2, &step3, &fail2)
	if runs != step1 {
		t.Errorf("%d runs but %d first steps", runs, step1)
	}
	if r := float64(fail2) / float64(step2); !within(r, 0.02, binomialTol(0.02, step2)) {
		t.Errorf("verify_email failure ratio = %.4f, want 0.02", r)
	}
	if r := float64(step3) / float64(step1); !within(r, 0.99*0.98, binomialTol(0.99*0.98, step1)) {
		t.Errorf("%d of %d runs reached the last step (%.4f), want 0.99 * 0.98 (failed steps end a run)", step3, step1, r)
	}
}

func TestDailySeasonalityPeaksAtNoon(t *testing.T) {
	db := newLogDB(t)
	sc := mustParse(t, `services:
  - {name: s, rate_per_minute: 100, daily_amplitude: 0.5, latency: {p50_ms: 10, p95_ms: 20}}
`)
	backfill(t, db, sc, t0, t0.Add(24*time.Hour), 3)
	var midnight, noon float64
	queryRow(t, db, `SELECT count(*) FILTER (WHERE "timestamp" < $1), count(*) FILTER (WHERE "timestamp" >= $2 AND "timestamp" < $3) FROM request_logs`,
		[]any{t0.Add(30 * time.Minute), t0.Add(12*time.Hour - 15*time.Minute), t0.Add(12*time.Hour + 15*time.Minute)}, &midnight, &noon)
	// Around 00:00 the rate is 100 * (1 - 0.5) = 50 a minute, around 12:00 150.
	if !within(midnight, 50*30, 4*math.Sqrt(50*30)) || !within(noon, 150*30, 4*math.Sqrt(150*30)) {
		t.Errorf("half an hour around midnight = %.0f requests, around noon = %.0f; want 1500 and 4500", midnight, noon)
	}
}

func TestWeekendsAreQuieter(t *testing.T) {
	s := Seasonality{WeeklyAmplitude: 0.2}
	saturday := time.Date(2026, 11, 7, 6, 0, 0, 0, time.UTC)
	if f := s.Factor(saturday); !within(f, 0.8, 1e-9) {
		t.Errorf("Saturday factor = %g, want 0.8", f)
	}
	if f := s.Factor(saturday.Add(-24 * time.Hour)); !within(f, 1, 1e-9) {
		t.Errorf("Friday factor = %g, want 1", f)
	}
}
