package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

var t0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// rollupDB is a test database with log tables, the plugin schema and one success-rate
// series over service "api".
func rollupDB(t *testing.T) (*storetest.DB, store.Series) {
	t.Helper()
	db := storetest.New(t)
	db.CreateLogTables(t)
	if _, err := store.Migrate(context.Background(), db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	def, err := store.NewSeries(slo.SLO{Service: "api", LogService: "api", Name: "a", Type: slo.SuccessRate, Objective: 0.99, Window: time.Hour},
		slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	return db, def
}

// insertEveryMinute adds one request per minute in [from, to), at 30 s past, failing every
// third minute.
func insertEveryMinute(t *testing.T, db *storetest.DB, from, to time.Time) {
	for m, i := from, 0; m.Before(to); m, i = m.Add(time.Minute), i+1 {
		status := 200
		if i%3 == 0 {
			status = 503
		}
		db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms) VALUES ($1, 'api', $2, 10)`, m.Add(30*time.Second), status)
	}
}

// rollupVersions maps each rollup minute of def to its row version (xmin): a rewritten row
// gets a new one.
func rollupVersions(t *testing.T, db *storetest.DB, def store.Series) map[time.Time]string {
	rows, err := db.Pool.Query(context.Background(),
		"SELECT minute, xmin::text FROM "+pgx.Identifier{db.PluginSchema, "sli_rollup"}.Sanitize()+" WHERE series = $1", def.Key())
	if err != nil {
		t.Fatal(err)
	}
	out := map[time.Time]string{}
	var m time.Time
	var x string
	if _, err := pgx.ForEachRow(rows, []any{&m, &x}, func() error { out[m.UTC()] = x; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkRunningTotals fails the test unless every rollup row's cum_good and cum_valid equal
// the running sums of good and valid of its series up to its minute, recomputed with a window
// function.
func checkRunningTotals(t *testing.T, db *storetest.DB) {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `SELECT series, minute, cum_good, cum_valid, sg, sv FROM (
		SELECT series, minute, cum_good, cum_valid, sum(good) OVER w AS sg, sum(valid) OVER w AS sv
		FROM `+pgx.Identifier{db.PluginSchema, "sli_rollup"}.Sanitize()+` WINDOW w AS (PARTITION BY series ORDER BY minute)) x
		WHERE (cum_good, cum_valid) <> (sg, sv) ORDER BY series, minute LIMIT 5`)
	if err != nil {
		t.Fatal(err)
	}
	var series string
	var m time.Time
	var cg, cv, sg, sv int64
	if _, err := pgx.ForEachRow(rows, []any{&series, &m, &cg, &cv, &sg, &sv}, func() error {
		t.Errorf("%s at %s: running totals %d/%d, sums of the rows %d/%d", series, m.UTC(), cg, cv, sg, sv)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func refresh(t *testing.T, db *storetest.DB, def store.Series, now time.Time) store.RefreshResult {
	t.Helper()
	res, err := store.Refresh(context.Background(), db.Pool, db.PluginSchema, def, now, store.DefaultGrace, store.RefreshLimit{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRefreshRecomputesOnlyTheGraceWindow(t *testing.T) {
	db, def := rollupDB(t)
	insertEveryMinute(t, db, t0, t0.Add(time.Hour))
	now := t0.Add(time.Hour + 20*time.Second)

	first := refresh(t, db, def, now)
	if !first.From.Equal(t0) || !first.To.Equal(t0.Add(time.Hour)) || first.Minutes != 60 || first.Written != 60 {
		t.Fatalf("backfill = %+v, want 60 minutes from the first row to floor(now)", first)
	}
	v1 := rollupVersions(t, db, def)
	checkRunningTotals(t, db)

	// No new rows: only the grace window is recomputed, and nothing is rewritten.
	second := refresh(t, db, def, now.Add(3*time.Minute))
	if want := first.CoveredTo.Add(-store.DefaultGrace); !second.From.Equal(want) || !second.To.Equal(t0.Add(63*time.Minute)) {
		t.Errorf("second refresh recomputed [%s, %s), want [%s, %s)", second.From, second.To, want, t0.Add(63*time.Minute))
	}
	if second.Minutes != 5 || second.Written != 0 || second.Deleted != 0 {
		t.Errorf("second refresh = %+v, want 5 minutes found, none written", second)
	}
	v2 := rollupVersions(t, db, def)
	for m, x := range v1 {
		if v2[m] != x {
			t.Errorf("minute %s rewritten without new rows", m)
		}
	}

	// A late row within the grace: its minute, and only it, is rewritten.
	late := t0.Add(61*time.Minute + 10*time.Second)
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms) VALUES ($1, 'api', 500, 10)`, late)
	// and a minute inside the grace whose rows went away is deleted
	db.Exec(t, `DELETE FROM request_logs WHERE "timestamp" >= $1 AND "timestamp" < $2`, t0.Add(59*time.Minute), t0.Add(60*time.Minute))
	third := refresh(t, db, def, now.Add(4*time.Minute))
	if third.Written != 1 || third.Deleted != 1 {
		t.Errorf("third refresh = %+v, want 1 written (the late row's minute) and 1 deleted", third)
	}
	v3 := rollupVersions(t, db, def)
	for m, x := range v2 {
		switch {
		case m.Equal(t0.Add(59 * time.Minute)):
			if _, ok := v3[m]; ok {
				t.Errorf("emptied minute %s kept", m)
			}
		case v3[m] != x:
			t.Errorf("minute %s rewritten", m)
		}
	}
	if _, ok := v3[store.FloorMinute(late)]; !ok {
		t.Errorf("late row's minute %s has no rollup", store.FloorMinute(late))
	}
	var good, valid int64
	if err := db.Pool.QueryRow(context.Background(), "SELECT good, valid FROM "+pgx.Identifier{db.PluginSchema, "sli_rollup"}.Sanitize()+
		" WHERE series = $1 AND minute = $2", def.Key(), store.FloorMinute(late)).Scan(&good, &valid); err != nil {
		t.Fatal(err)
	}
	if good != 0 || valid != 1 {
		t.Errorf("late minute = %d/%d, want 0/1", good, valid)
	}
	checkRunningTotals(t, db)
}

func TestRefreshSkipsWhileAnotherProcessRefreshes(t *testing.T) {
	db, def := rollupDB(t)
	insertEveryMinute(t, db, t0, t0.Add(10*time.Minute))
	ctx := context.Background()
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", store.RefreshLockKey(db.PluginSchema, def)); err != nil {
		t.Fatal(err)
	}
	if res := refresh(t, db, def, t0.Add(time.Hour)); !res.Skipped {
		t.Errorf("refresh while locked = %+v, want skipped", res)
	}
	if _, found, err := store.ReadRollupState(ctx, db.Pool, db.PluginSchema, def); err != nil || found {
		t.Errorf("state after a skipped refresh: found=%v err=%v", found, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if res := refresh(t, db, def, t0.Add(time.Hour)); res.Skipped || res.Minutes != 10 {
		t.Errorf("refresh after the lock is gone = %+v", res)
	}
}

func TestRefreshNeverMovesCoverageBack(t *testing.T) {
	db, def := rollupDB(t)
	insertEveryMinute(t, db, t0, t0.Add(10*time.Minute))
	refresh(t, db, def, t0.Add(time.Hour))
	res := refresh(t, db, def, t0.Add(30*time.Minute))
	st, _, err := store.ReadRollupState(context.Background(), db.Pool, db.PluginSchema, def)
	if err != nil {
		t.Fatal(err)
	}
	if !st.CoveredTo.Equal(t0.Add(time.Hour)) || !res.CoveredTo.Equal(t0.Add(time.Hour)) || res.Minutes != 0 {
		t.Errorf("refresh at an earlier now = %+v, state %+v; want coverage kept at %s", res, st, t0.Add(time.Hour))
	}
}

func TestConcurrentRefreshesCountOnce(t *testing.T) {
	db, def := rollupDB(t)
	insertEveryMinute(t, db, t0, t0.Add(30*time.Minute))
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			_, err := store.Refresh(context.Background(), db.Pool, db.PluginSchema, def, t0.Add(time.Duration(25+i)*time.Minute), store.DefaultGrace, store.RefreshLimit{})
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	refresh(t, db, def, t0.Add(40*time.Minute))
	checkRollupSums(t, db, def, 20, 30)
	checkRunningTotals(t, db)
}

// checkRollupSums checks that def's rollup minutes sum to good/valid: every row counted once.
func checkRollupSums(t *testing.T, db *storetest.DB, def store.Series, wantGood, wantValid int64) {
	t.Helper()
	var good, valid int64
	if err := db.Pool.QueryRow(context.Background(), "SELECT sum(good), sum(valid) FROM "+pgx.Identifier{db.PluginSchema, "sli_rollup"}.Sanitize()+
		" WHERE series = $1", def.Key()).Scan(&good, &valid); err != nil {
		t.Fatal(err)
	}
	if good != wantGood || valid != wantValid {
		t.Errorf("rollups sum to %d/%d, want %d/%d", good, valid, wantGood, wantValid)
	}
}

func TestRefreshRewritesRunningTotalsFromTheFirstChangedMinute(t *testing.T) {
	t.Parallel()
	db, def := rollupDB(t)
	insertEveryMinute(t, db, t0, t0.Add(time.Hour))
	refresh(t, db, def, t0.Add(time.Hour))
	before := rollupVersions(t, db, def)

	// A late row in minute 57, inside the grace: minute 57 changes, and so do the running
	// totals of 58 and 59; nothing before 57 is rewritten.
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms) VALUES ($1, 'api', 200, 10)`, t0.Add(57*time.Minute+5*time.Second))
	res := refresh(t, db, def, t0.Add(61*time.Minute))
	if res.Written != 3 || res.Deleted != 0 {
		t.Errorf("refresh = %+v, want 3 rows written (57, and the totals of 58 and 59)", res)
	}
	after := rollupVersions(t, db, def)
	for m, x := range before {
		if rewritten := after[m] != x; rewritten != !m.Before(t0.Add(57*time.Minute)) {
			t.Errorf("minute %s: rewritten %v", m.Format(time.TimeOnly), rewritten)
		}
	}
	checkRunningTotals(t, db)
}

func TestRefreshRewritesRunningTotalsAfterALateJourneyRow(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	db.CreateLogTables(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	def, err := store.NewSeries(slo.SLO{Service: "web", LogService: "web", Name: "j", Type: slo.UserJourney, Objective: 0.9, Window: time.Hour, Journey: "checkout"},
		slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	step := func(id string, ts time.Time, ok bool) {
		db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms)
			VALUES ($1, $2, 'checkout', 's', 1, $3, 10)`, ts, id, ok)
	}
	// j0 starts in minute 10; one journey starts in each minute 11..39.
	step("j0", t0.Add(10*time.Minute+30*time.Second), true)
	for m := 11; m < 40; m++ {
		step(fmt.Sprintf("j%d", m), t0.Add(time.Duration(m)*time.Minute+time.Second), true)
	}
	refresh(t, db, def, t0.Add(40*time.Minute))
	before := rollupVersions(t, db, def)

	// A failed step of j0 in minute 37, within the grace: j0 turns bad, so minute 10 (its
	// first) changes, and with it the running totals of every later minute.
	step("j0", t0.Add(37*time.Minute), false)
	res := refresh(t, db, def, t0.Add(41*time.Minute))
	if res.Written != 30 {
		t.Errorf("refresh = %+v, want 30 rows written (minute 10, and the totals of 11..39)", res)
	}
	after := rollupVersions(t, db, def)
	if len(after) != 30 {
		t.Errorf("%d rollup rows, want 30", len(after))
	}
	for m, x := range before {
		if after[m] == x {
			t.Errorf("minute %s not rewritten", m.Format(time.TimeOnly))
		}
	}
	checkRunningTotals(t, db)
}

func TestRefreshKeepsRunningTotalsExactUnderLateRows(t *testing.T) {
	t.Parallel()
	db, def := rollupDB(t)
	r := rand.New(rand.NewSource(1))
	insert := func(ts time.Time) {
		db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms) VALUES ($1, 'api', $2, 10)`,
			ts, []int{200, 404, 500}[r.Intn(3)])
	}
	now := t0
	for range 40 {
		now = now.Add(time.Duration(1+r.Intn(180)) * time.Second)
		for range r.Intn(6) {
			insert(now.Add(-time.Duration(r.Int63n(int64(store.DefaultGrace))))) // late, within the grace
		}
		if r.Intn(5) == 0 { // a row removed in the grace window
			db.Exec(t, `DELETE FROM request_logs WHERE ctid = (SELECT ctid FROM request_logs WHERE "timestamp" >= $1 ORDER BY "timestamp" LIMIT 1)`,
				now.Add(-store.DefaultGrace))
		}
		if r.Intn(3) > 0 {
			refresh(t, db, def, now)
			checkRunningTotals(t, db)
		}
	}
}
