package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// rawSegments counts def's events in each [bounds[i], bounds[i+1]) with a plain query over
// the log table: requests of service api, or journeys of checkout (no step limits) by their
// first row.
func rawSegments(t *testing.T, db *storetest.DB, def store.Series, bounds []time.Time) []slo.Counts {
	t.Helper()
	sql := `SELECT count(*) FILTER (WHERE status_code < 500), count(*) FROM request_logs WHERE service = 'api' AND "timestamp" >= $1 AND "timestamp" < $2`
	if def.Journeys != nil {
		sql = `SELECT count(*) FILTER (WHERE good), count(*) FROM (SELECT min("timestamp") AS first, bool_and(success) AS good
			FROM user_journey_logs WHERE journey_name = 'checkout' GROUP BY journey_id) j WHERE first >= $1 AND first < $2`
	}
	out := make([]slo.Counts, len(bounds)-1)
	for i := range out {
		if err := db.Pool.QueryRow(context.Background(), sql, bounds[i], bounds[i+1]).Scan(&out[i].Good, &out[i].Valid); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// randBounds returns 2 to 40 ascending distinct whole minutes in [from, to].
func randBounds(r *rand.Rand, from, to time.Time) []time.Time {
	n := int(to.Sub(from) / time.Minute)
	var bs []time.Time
	for range 2 + r.Intn(39) {
		bs = append(bs, from.Add(time.Duration(r.Intn(n+1))*time.Minute))
	}
	slices.SortFunc(bs, func(a, b time.Time) int { return a.Compare(b) })
	bs = slices.CompactFunc(bs, func(a, b time.Time) bool { return a.Equal(b) })
	if len(bs) < 2 {
		bs = []time.Time{from, to}
	}
	return bs
}

func TestCountSegmentsEqualPlainScanWhetherTotalsAreProbedOrScanned(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	db.CreateLogTables(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	requests, err := store.NewSeries(slo.SLO{Service: "api", LogService: "api", Name: "a", Type: slo.SuccessRate, Objective: 0.99, Window: time.Hour},
		slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	journeys, err := store.NewSeries(slo.SLO{Service: "web", LogService: "web", Name: "j", Type: slo.UserJourney, Objective: 0.9, Window: time.Hour, Journey: "checkout"},
		slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(3))
	span := 4 * time.Hour
	at := func() time.Time { return t0.Add(time.Duration(r.Int63n(int64(span)))) }
	for range 600 {
		db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms) VALUES ($1, 'api', $2, 10)`,
			at(), []int{200, 404, 503}[r.Intn(3)])
	}
	for i := range 150 {
		ts := at()
		for k := range 1 + r.Intn(3) {
			db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms)
				VALUES ($1, $2, 'checkout', 's', $3, $4, 10)`, ts, fmt.Sprintf("j%d", i), k, r.Intn(8) > 0)
			ts = ts.Add(time.Duration(r.Int63n(int64(4 * time.Minute))))
		}
	}
	refreshed := t0.Add(3 * time.Hour)
	for _, def := range []store.Series{requests, journeys} {
		if _, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, refreshed, store.DefaultGrace, store.RefreshLimit{}); err != nil {
			t.Fatal(err)
		}
	}
	checkRunningTotals(t, db)
	// Rows after the refresh, some late (a journey row in the grace changes a journey that
	// started long before): the minutes they touch must come from raw rows.
	for range 20 {
		db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms) VALUES ($1, 'api', 500, 10)`,
			refreshed.Add(-time.Duration(r.Int63n(int64(store.DefaultGrace)))))
	}
	db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms)
		SELECT $1::timestamptz, journey_id, 'checkout', 'late', 9, false, 10 FROM user_journey_logs
		WHERE "timestamp" >= $1::timestamptz - interval '20 minutes' AND "timestamp" < $1::timestamptz - interval '3 minutes' LIMIT 5`,
		refreshed.Add(-time.Minute))

	settled := refreshed.Add(-store.DefaultGrace)
	counts := []struct {
		name  string
		count func(context.Context, store.BatchDBTX, string, store.Series, store.CountQuery) (store.CountResult, error)
	}{{"chosen", store.Count}, {"probed", store.CountProbing}, {"scanned", store.CountScanning},
		// settled read from the rollup state inside the statement: refreshed - grace too
		{"from state", func(ctx context.Context, db store.BatchDBTX, schema string, def store.Series, q store.CountQuery) (store.CountResult, error) {
			q.Settled, q.FromState, q.Grace = time.Time{}, true, store.DefaultGrace
			res, err := store.Count(ctx, db, schema, def, q)
			if err == nil && !res.CoveredTo.Equal(refreshed) {
				err = fmt.Errorf("covered_to read %s, want %s", res.CoveredTo, refreshed)
			}
			return res, err
		}}}
	for _, def := range []store.Series{requests, journeys} {
		for k := range 30 {
			bounds := randBounds(r, t0.Add(-10*time.Minute), t0.Add(span+10*time.Minute))
			switch k {
			case 0: // every minute: the totals are scanned, the raw minutes grouped
				bounds = nil
				for m := t0; !m.After(t0.Add(span)); m = m.Add(time.Minute) {
					bounds = append(bounds, m)
				}
			case 1, 2: // all before settled: no raw tail, but journeys touched by late rows
				bounds = []time.Time{t0, t0.Add(time.Hour), settled.Add(-time.Duration(k-1) * 10 * time.Minute)}
			}
			want := rawSegments(t, db, def, bounds)
			for _, c := range counts {
				res, err := c.count(ctx, db.Pool, db.PluginSchema, def, store.CountQuery{Bounds: bounds, Settled: settled})
				if err != nil {
					t.Fatal(err)
				}
				for i := range want {
					if res.Segments[i] != want[i] {
						t.Errorf("%s, totals %s: [%s, %s): %+v, plain scan %+v", def.Key(), c.name,
							bounds[i].Format(time.TimeOnly), bounds[i+1].Format(time.TimeOnly), res.Segments[i], want[i])
					}
				}
			}
		}
	}
}

// rollupRowsRead sums, over the plan nodes that read sli_rollup, the rows they returned or
// filtered out, all loops together.
func rollupRowsRead(node map[string]any) float64 {
	var n float64
	if node["Relation Name"] == "sli_rollup" {
		loops, _ := node["Actual Loops"].(float64)
		for _, k := range []string{"Actual Rows", "Rows Removed by Filter", "Rows Removed by Index Recheck"} {
			v, _ := node[k].(float64)
			n += v * loops
		}
	}
	children, _ := node["Plans"].([]any)
	for _, c := range children {
		if m, ok := c.(map[string]any); ok {
			n += rollupRowsRead(m)
		}
	}
	return n
}

func TestStatusReadsAFewRollupRowsWhateverTheWindowLength(t *testing.T) {
	t.Parallel()
	db, def := rollupDB(t)
	ctx := context.Background()
	const minutes = 30 * 24 * 60
	end := t0.Add(minutes * time.Minute)
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + i * interval '1 minute' + interval '10 seconds', 'api', CASE WHEN i % 7 = 0 THEN 503 ELSE 200 END, 10
		FROM generate_series(0, $2 - 1) AS i`, t0, minutes)
	if res := refresh(t, db, def, end); res.Written != minutes || !res.CaughtUp || res.Chunks != minutes*int(time.Minute)/int(store.RefreshChunk) {
		t.Fatalf("backfill = %+v, want %d rows written, in chunks of %s", res, minutes, store.RefreshChunk)
	}
	// A Status's bounds: the 30-day window and the burn windows, all ending at `end`.
	var bounds []time.Time
	for _, w := range []time.Duration{minutes * time.Minute, 72 * time.Hour, 24 * time.Hour, 6 * time.Hour, 2 * time.Hour, time.Hour, 30 * time.Minute, 5 * time.Minute, 0} {
		bounds = append(bounds, end.Add(-w))
	}
	settled := end.Add(-store.DefaultGrace)

	explain := func(sql string, args []any) float64 {
		t.Helper()
		var out []byte
		if err := db.Pool.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+sql, args...).Scan(&out); err != nil {
			t.Fatal(err)
		}
		var plans []map[string]any
		if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
			t.Fatalf("EXPLAIN output %s: %v", out, err)
		}
		return rollupRowsRead(plans[0]["Plan"].(map[string]any))
	}
	sql, args := store.SegmentsSQL(db.PluginSchema, def, bounds, settled)
	if n := explain(sql, args); n > float64(len(bounds)) {
		t.Errorf("the segments of a 30-day status read %.0f rows of sli_rollup, want at most one per bound (%d)", n, len(bounds))
	}
	sql, args = store.StateSegmentsSQL(db.PluginSchema, def, bounds, store.DefaultGrace)
	if n := explain(sql, args); n > float64(len(bounds)) {
		t.Errorf("the segments of a 30-day status, settled from the state, read %.0f rows of sli_rollup, want at most one per bound (%d)", n, len(bounds))
	}
	// The measure sees a scan: reading every minute's row instead reads them all.
	sql, args = store.ScanningSegmentsSQL(db.PluginSchema, def, bounds, settled)
	if n := explain(sql, args); n < minutes-10 {
		t.Errorf("a scan of the rollups read %.0f rows, want about %d: the measure above would not see a scan", n, minutes)
	}

	want := rawSegments(t, db, def, bounds)
	for _, q := range []store.CountQuery{{Bounds: bounds, Settled: settled}, {Bounds: bounds, FromState: true, Grace: store.DefaultGrace}} {
		res, err := store.Count(ctx, db.Pool, db.PluginSchema, def, q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Segments, want) {
			t.Errorf("from state %v: segments %+v, plain scan %+v", q.FromState, res.Segments, want)
		}
		if q.FromState && !res.CoveredTo.Equal(end) {
			t.Errorf("covered_to read %s, want %s", res.CoveredTo, end)
		}
	}
}

func TestCountRejectsBoundsThatAreNotAscendingWholeMinutes(t *testing.T) {
	_, def := rollupDB(t)
	for name, bounds := range map[string][]time.Time{
		"a bound inside a minute": {t0, t0.Add(90 * time.Second)},
		"bounds out of order":     {t0.Add(time.Minute), t0},
		"a bound twice":           {t0, t0},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := store.Count(context.Background(), nil, "sloguard", def, store.CountQuery{Bounds: bounds}); err == nil {
				t.Error("no error")
			}
		})
	}
}
