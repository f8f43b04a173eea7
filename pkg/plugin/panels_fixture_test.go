package plugin

import (
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// panelsFrom and panelsTo are the fixed time range of the panel tests: [10:00, 11:00) UTC.
var (
	panelsFrom = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	panelsTo   = panelsFrom.Add(time.Hour)
)

// insertPanelsFixture writes the panel tests' small, fixed data set: registration journeys
// of the contract config's user_registration journey (steps submit_form 2000 ms,
// verify_email 5000 ms, create_profile 3000 ms, first_login 2000 ms; step_order 1-4) around
// [panelsFrom, panelsTo), and 100 payment requests in the range.
//
//	r1 10:05    submit ok 1500, verify ok 4000, create ok 2500         (stops before first_login)
//	r2 10:12    submit ok 2500 (over 2000), verify FAILED 1000
//	r3 10:20    submit ok 500, verify ok 6000 (over 5000), create ok 1000
//	r4 10:40    submit FAILED 300
//	r5 09:58    submit ok, verify ok at 10:01: starts before the range, not counted
//	r6 10:59:30 submit ok 800, verify ok 2000 at 11:02 (after the range: read all the same)
//	r7 11:05    submit ok: starts after the range, not counted
//	c1 10:10    another journey name (checkout), not counted
//
// Payments: 100 requests, one every 36 s from 10:00:00 to 10:59:24; i = 0, 20, 40, 60, 80
// are 503s, the 10 with i % 10 = 5 (all 200s) take 300 ms, the others 40 ms.
func insertPanelsFixture(t *testing.T, db *storetest.DB) {
	t.Helper()
	db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms)
		SELECT $1::timestamptz + v.at::interval, v.id, v.name, v.step, v.ord, v.ok, v.ms
		FROM (VALUES
			('5 min',        'r1', 'user_registration', 'submit_form',    1, true,  1500::float8),
			('6 min',        'r1', 'user_registration', 'verify_email',   2, true,  4000),
			('7 min',        'r1', 'user_registration', 'create_profile', 3, true,  2500),
			('12 min',       'r2', 'user_registration', 'submit_form',    1, true,  2500),
			('13 min',       'r2', 'user_registration', 'verify_email',   2, false, 1000),
			('20 min',       'r3', 'user_registration', 'submit_form',    1, true,  500),
			('21 min',       'r3', 'user_registration', 'verify_email',   2, true,  6000),
			('22 min',       'r3', 'user_registration', 'create_profile', 3, true,  1000),
			('40 min',       'r4', 'user_registration', 'submit_form',    1, false, 300),
			('-2 min',       'r5', 'user_registration', 'submit_form',    1, true,  700),
			('1 min',        'r5', 'user_registration', 'verify_email',   2, true,  700),
			('59 min 30 s',  'r6', 'user_registration', 'submit_form',    1, true,  800),
			('62 min',       'r6', 'user_registration', 'verify_email',   2, true,  2000),
			('65 min',       'r7', 'user_registration', 'submit_form',    1, true,  900),
			('10 min',       'c1', 'checkout',          'submit_form',    1, false, 100)
		) AS v(at, id, name, step, ord, ok, ms)`, panelsFrom)
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + make_interval(secs => i * 36), 'payment_service',
		       CASE WHEN i % 20 = 0 THEN 503 ELSE 200 END,
		       CASE WHEN i % 10 = 5 THEN 300 ELSE 40 END
		FROM generate_series(0, 99) AS i`, panelsFrom)
}
