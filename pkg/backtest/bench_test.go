package backtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// benchServices services with an availability and a latency SLO each: 20 SLOs.
const benchServices = 10

// BenchmarkBacktest30d20SLOs replays 30 days at a 1-minute step (43,201 evaluations per SLO)
// for 20 SLOs with the default rules over 3.5 million request rows (8 a minute per service,
// a daily 20-minute outage and latency regression somewhere in the month per service). The
// rollups are refreshed before the timer starts, as a backtest after the detector's loop
// (or a first run's refresh) finds them; the refresh of the first run is logged. Target
// (issue 6): under a minute per replay.
func BenchmarkBacktest30d20SLOs(b *testing.B) {
	db := storetest.New(b)
	db.CreateLogTables(b)
	ctx := context.Background()
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		b.Fatal(err)
	}
	end := store.FloorMinute(time.Now()).Add(-time.Hour)
	from := end.Add(-30 * slo.Day)
	started := time.Now()
	db.Exec(b, `
		INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + m * interval '1 minute' + k * interval '7 second', 'svc' || s,
		       CASE WHEN m / 1440 = s * 3 AND m % 1440 BETWEEN 600 AND 619 THEN 500 ELSE 200 END,
		       CASE WHEN m / 1440 = s * 3 + 1 AND m % 1440 BETWEEN 900 AND 959 THEN 900 ELSE 20 + (m * 7 + k * 13) % 100 END
		FROM generate_series(0, $2::int - 1) AS s, generate_series(0, 43199) AS m, generate_series(0, 7) AS k`,
		from, benchServices)
	db.Exec(b, "ANALYZE request_logs")
	inserted := time.Since(started)

	var cfg strings.Builder
	cfg.WriteString("services:\n")
	for s := range benchServices {
		fmt.Fprintf(&cfg, "  svc%d:\n    availability: {sli_type: success_rate, target: 99.9, window: 30d}\n"+
			"    latency: {sli_type: latency, target: 300, percentile: 99, window: 30d}\n", s)
	}
	config, diags := slo.Parse([]byte(cfg.String()))
	if diags.HasErrors() {
		b.Fatal(diags.Err())
	}
	eng, err := engine.New(db.Pool, engine.Options{Schema: db.PluginSchema, Config: config, ManualRefresh: true})
	if err != nil {
		b.Fatal(err)
	}
	started = time.Now()
	for _, s := range config.SLOs() {
		if err := eng.Refresh(ctx, s, end); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d rows inserted in %s; rollups of %d SLOs refreshed in %s", benchServices*43200*8, inserted.Round(time.Second),
		len(config.SLOs()), time.Since(started).Round(time.Millisecond))

	var rep Report
	for b.Loop() {
		rep, err = Run(ctx, eng, config, Options{From: from, To: end, Step: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
	}
	if want := 20 * 43201; rep.Points != want {
		b.Fatalf("points = %d, want %d", rep.Points, want)
	}
	if len(rep.Incidents) < benchServices {
		b.Fatalf("%d incidents, want at least one per outage (%d)", len(rep.Incidents), benchServices)
	}
	b.ReportMetric(float64(rep.Points), "evaluations/op")
}
