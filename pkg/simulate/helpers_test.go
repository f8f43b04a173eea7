package simulate

import (
	"context"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// testScenario has one busy service and a three-step journey; incidents are added by tests.
const testScenario = `services:
  - name: payment_service
    endpoints: [/api/pay, /api/refund]
    rate_per_minute: 600
    error_ratio: 0.01
    client_error_ratio: 0.02
    latency: {p50_ms: 40, p95_ms: 150}
journeys:
  - name: user_registration
    rate_per_minute: 30
    steps:
      - {name: submit_form, failure_ratio: 0.01, p50_ms: 300, p95_ms: 900}
      - {name: verify_email, failure_ratio: 0.02, p50_ms: 1000, p95_ms: 3000}
      - {name: first_login, failure_ratio: 0.01, p50_ms: 200, p95_ms: 600}
`

// t0 is a Monday midnight, so that seasonality-free tests start on a whole day.
var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func mustParse(t testing.TB, yaml string) *Scenario {
	t.Helper()
	sc, err := ParseScenario([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return sc
}

// newLogDB is a test schema with the reference log tables.
func newLogDB(t testing.TB) *storetest.DB {
	t.Helper()
	db := storetest.New(t)
	db.CreateLogTables(t)
	return db
}

func backfill(t testing.TB, db *storetest.DB, sc *Scenario, from, to time.Time, seed int64) Result {
	t.Helper()
	res, err := Backfill(context.Background(), db.Pool, sc, BackfillOptions{From: from, To: to, Seed: seed})
	if err != nil {
		t.Fatalf("backfill: %v", err)
	}
	return res
}

func queryRow(t testing.TB, db *storetest.DB, sql string, args []any, dst ...any) {
	t.Helper()
	if err := db.Pool.QueryRow(context.Background(), sql, args...).Scan(dst...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// rowsChecksum is the row count and an md5 of every row of both log tables, in a fixed order.
func rowsChecksum(t testing.TB, db *storetest.DB) string {
	t.Helper()
	var req, jr string
	queryRow(t, db, `SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws(',', "timestamp", service, route, status_code, response_time_ms), ';'
		ORDER BY "timestamp", service, route, status_code, response_time_ms)), '') FROM request_logs`, nil, &req)
	queryRow(t, db, `SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws(',', "timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms), ';'
		ORDER BY journey_id, step_order)), '') FROM user_journey_logs`, nil, &jr)
	return req + "/" + jr
}
