package engine_test

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// t0 is the tests' reference instant, a whole UTC minute.
var t0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// env is one test's database, log tables, plugin schema and engine.
type env struct {
	db    *storetest.DB
	eng   *engine.Engine
	clock *clock
	cfg   *slo.Config
}

// clock is a settable wall clock for Options.Clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// newEnv creates the log tables and the plugin schema; opts.Schema, Config and Clock are
// filled in (the clock starts far after t0, so a read at t means a refresh up to t).
func newEnv(t *testing.T, cfg *slo.Config, opts engine.Options) *env {
	t.Helper()
	db := storetest.New(t)
	db.CreateLogTables(t)
	if _, err := store.Migrate(context.Background(), db.Pool, db.PluginSchema); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	c := &clock{now: t0.Add(365 * 24 * time.Hour)}
	opts.Schema, opts.Config, opts.Clock = db.PluginSchema, cfg, c.Now
	if opts.OnRefreshError == nil {
		opts.OnRefreshError = func(s slo.SLO, err error) { t.Errorf("refresh %s: %v", s.ID(), err) }
	}
	eng, err := engine.New(db.Pool, opts)
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	return &env{db: db, eng: eng, clock: c, cfg: cfg}
}

// request is one row of request_logs.
type request struct {
	ts      time.Time
	service string
	route   string
	status  int
	rtMS    float64
}

// stepRow is one row of user_journey_logs.
type stepRow struct {
	ts      time.Time
	id      string
	journey string
	step    string
	order   int
	success bool
	durMS   float64
}

func (e *env) insertRequests(t testing.TB, rows []request) {
	t.Helper()
	src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
		r := rows[i]
		return []any{r.ts, r.service, r.route, int16(r.status), r.rtMS}, nil
	})
	if _, err := e.db.Pool.CopyFrom(context.Background(), pgx.Identifier{"request_logs"},
		[]string{"timestamp", "service", "route", "status_code", "response_time_ms"}, src); err != nil {
		t.Fatalf("insert requests: %v", err)
	}
}

func (e *env) insertSteps(t testing.TB, rows []stepRow) {
	t.Helper()
	src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
		r := rows[i]
		return []any{r.ts, r.id, r.journey, r.step, int32(r.order), r.success, r.durMS}, nil
	})
	if _, err := e.db.Pool.CopyFrom(context.Background(), pgx.Identifier{"user_journey_logs"},
		[]string{"timestamp", "journey_id", "journey_name", "step_name", "step_order", "success", "duration_ms"}, src); err != nil {
		t.Fatalf("insert steps: %v", err)
	}
}

// oracle counts s over [from, to) the way a user would write it by hand: one plain query
// over the log table, no rollups. It knows the filters the tests use: route on requests,
// step_name on journeys.
func (e *env) oracle(t testing.TB, s slo.SLO, from, to time.Time) slo.Counts {
	t.Helper()
	var values []string // nil = no filter
	for _, f := range s.Filters {
		if (s.Type == slo.UserJourney && f.Column != "step_name") || (s.Type != slo.UserJourney && f.Column != "route") {
			t.Fatalf("oracle: unsupported filter %+v", f)
		}
		values = f.Values
	}
	var c slo.Counts
	var err error
	ctx := context.Background()
	switch s.Type {
	case slo.SuccessRate:
		err = e.db.Pool.QueryRow(ctx, `
			SELECT count(*) FILTER (WHERE status_code < 500), count(*)
			FROM request_logs
			WHERE service = $1 AND "timestamp" >= $2 AND "timestamp" < $3
			  AND ($4::text[] IS NULL OR route = ANY($4))`,
			s.LogService, from, to, values).Scan(&c.Good, &c.Valid)
	case slo.Latency:
		err = e.db.Pool.QueryRow(ctx, `
			SELECT count(*) FILTER (WHERE response_time_ms <= $5), count(*)
			FROM request_logs
			WHERE service = $1 AND "timestamp" >= $2 AND "timestamp" < $3 AND status_code < 500
			  AND ($4::text[] IS NULL OR route = ANY($4))`,
			s.LogService, from, to, values, s.ThresholdMS).Scan(&c.Good, &c.Valid)
	case slo.UserJourney:
		var steps []string
		var limits []float64
		for _, st := range e.cfg.Journey(s.Journey).Steps {
			if st.MaxDurationMS > 0 {
				steps, limits = append(steps, st.Name), append(limits, st.MaxDurationMS)
			}
		}
		err = e.db.Pool.QueryRow(ctx, `
			WITH lim AS (SELECT * FROM unnest($2::text[], $3::float8[]) AS x(step, max_ms)),
			journeys AS (
				SELECT l.journey_id,
				       min(l."timestamp") AS started,
				       bool_and(l.success) AND bool_and(lim.max_ms IS NULL OR l.duration_ms <= lim.max_ms) AS good
				FROM user_journey_logs l LEFT JOIN lim ON lim.step = l.step_name
				WHERE l.journey_name = $1 AND ($6::text[] IS NULL OR l.step_name = ANY($6))
				GROUP BY l.journey_id)
			SELECT count(*) FILTER (WHERE good), count(*) FROM journeys WHERE started >= $4 AND started < $5`,
			s.Journey, steps, limits, from, to, values).Scan(&c.Good, &c.Valid)
	default:
		t.Fatalf("oracle: type %s", s.Type)
	}
	if err != nil {
		t.Fatalf("oracle %s: %v", s.ID(), err)
	}
	return c
}

// checkRunningTotals fails the test unless every rollup row's cum_good and cum_valid equal
// the running sums of good and valid of its series up to its minute, recomputed in SQL.
func (e *env) checkRunningTotals(t testing.TB) {
	t.Helper()
	var bad int
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM (
		SELECT cum_good, cum_valid, sum(good) OVER w AS sg, sum(valid) OVER w AS sv
		FROM `+pgx.Identifier{e.db.PluginSchema, "sli_rollup"}.Sanitize()+` WINDOW w AS (PARTITION BY series ORDER BY minute)) x
		WHERE (cum_good, cum_valid) <> (sg, sv)`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d rollup rows whose running totals differ from the sums of the rows", bad)
	}
}

// requestSLO and journeySLO build SLOs for the tests.
func requestSLO(name, service string, typ slo.SLIType, objective, thresholdMS float64, window time.Duration, filters ...slo.Filter) slo.SLO {
	return slo.SLO{
		Service: service, LogService: service, Name: name, Type: typ, Objective: objective,
		Window: window, ThresholdMS: thresholdMS, Filters: filters,
	}
}

func journeySLO(name, journey string, objective float64, window time.Duration, filters ...slo.Filter) slo.SLO {
	return slo.SLO{
		Service: "web", LogService: "web", Name: name, Type: slo.UserJourney, Objective: objective,
		Window: window, Journey: journey, Filters: filters,
	}
}

// near reports whether two floats agree to 1e-9, relative to the larger when above 1.
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// sameFloat compares two optional floats exactly (both computed from the same integers).
func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// sortedWindows returns the keys of m in order.
func sortedWindows[V any](m map[time.Duration]V) []time.Duration {
	ks := make([]time.Duration, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
