package simulate

import (
	"testing"
	"time"
)

// benchScenario is a busy service and a journey: about 600 k request rows and 30 k journey
// rows an hour.
const benchScenario = `services:
  - name: payment_service
    endpoints: [/api/pay, /api/refund]
    rate_per_minute: 10000
    error_ratio: 0.001
    client_error_ratio: 0.02
    latency: {p50_ms: 40, p95_ms: 150}
journeys:
  - name: user_registration
    rate_per_minute: 200
    steps:
      - {name: submit_form, failure_ratio: 0.01, p50_ms: 300, p95_ms: 900}
      - {name: verify_email, failure_ratio: 0.02, p50_ms: 1000, p95_ms: 3000}
      - {name: first_login, failure_ratio: 0.01, p50_ms: 200, p95_ms: 600}
`

// BenchmarkBackfill COPYs one simulated hour (~630 k rows) per iteration into the reference
// log tables of a real PostgreSQL and reports rows/s: with their indexes (what users have),
// and without them, which shows what generation and COPY take apart from index maintenance.
func BenchmarkBackfill(b *testing.B) {
	sc := mustParse(b, benchScenario)
	for _, bc := range []struct {
		name      string
		dropIndex bool
	}{{"indexed", false}, {"unindexed", true}} {
		b.Run(bc.name, func(b *testing.B) {
			db := newLogDB(b)
			if bc.dropIndex {
				db.Exec(b, "DROP INDEX request_logs_service_time_idx, request_logs_time_idx, user_journey_logs_name_time_idx, user_journey_logs_journey_idx")
			}
			var rows int64
			from := t0
			start := time.Now()
			for b.Loop() {
				res := backfill(b, db, sc, from, from.Add(time.Hour), 1)
				rows += res.Requests + res.JourneyEvents
				from = from.Add(time.Hour)
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
		})
	}
}

// BenchmarkGenerate measures generation alone (no database), to tell it from COPY.
func BenchmarkGenerate(b *testing.B) {
	g := newGenerator(mustParse(b, benchScenario), 1)
	var reqs []requestRow
	var steps []journeyRow
	var rows int64
	minute := t0
	start := time.Now()
	for b.Loop() {
		reqs = g.requests(reqs[:0], minute, minute, minute.Add(time.Minute))
		steps = g.journeys(steps[:0], minute, minute, minute.Add(time.Minute))
		rows += int64(len(reqs) + len(steps))
		minute = minute.Add(time.Minute)
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
}
