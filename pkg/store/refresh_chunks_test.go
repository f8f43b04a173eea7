package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// journeySeries is the checkout journey series (no step limits, as rawSegments counts).
func journeySeries(t *testing.T) store.Series {
	t.Helper()
	def, err := store.NewSeries(slo.SLO{Service: "web", LogService: "web", Name: "j", Type: slo.UserJourney, Objective: 0.9, Window: time.Hour, Journey: "checkout"},
		slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func coveredTo(t *testing.T, db *storetest.DB, def store.Series) time.Time {
	t.Helper()
	st, found, err := store.ReadRollupState(context.Background(), db.Pool, db.PluginSchema, def)
	if err != nil || !found {
		t.Fatalf("rollup state of %s: found=%v err=%v", def.Key(), found, err)
	}
	return st.CoveredTo
}

// TestChunkedBackfillIsExactAtEveryStep backfills a history of several chunks one bounded
// refresh at a time, as reads do, with journeys crossing the chunk boundaries and rows
// arriving beyond covered_to meanwhile: after every chunk the running totals equal the
// window-function sums and counts settled from the state equal a plain scan.
func TestChunkedBackfillIsExactAtEveryStep(t *testing.T) {
	t.Parallel()
	db, requests := rollupDB(t)
	journeys := journeySeries(t)
	ctx := context.Background()
	const chunk = time.Hour
	span := 5*time.Hour + 17*time.Minute
	end := t0.Add(span)
	now := end.Add(20 * time.Second)
	r := rand.New(rand.NewSource(5))
	insertEveryMinute(t, db, t0, end)
	journey := func(id string, ts time.Time, steps int) {
		for k := range steps {
			db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms)
				VALUES ($1, $2, 'checkout', 's', $3, $4, 10)`, ts, id, k, r.Intn(6) > 0)
			ts = ts.Add(time.Duration(r.Int63n(int64(4 * time.Minute))))
		}
	}
	for i := range 120 {
		journey(fmt.Sprintf("j%d", i), t0.Add(3*time.Minute+time.Duration(r.Int63n(int64(span-10*time.Minute)))), 1+r.Intn(3))
	}
	// Journeys that start just before a chunk's end and go on in the next chunk.
	for h := 1; h < 5; h++ {
		journey(fmt.Sprintf("x%d", h), t0.Add(time.Duration(h)*chunk+3*time.Minute-20*time.Second), 3)
	}

	checkCounts := func(step int) {
		t.Helper()
		for _, def := range []store.Series{requests, journeys} {
			for k := range 6 {
				bounds := randBounds(r, t0.Add(-10*time.Minute), end.Add(5*time.Minute))
				if c := coveredTo(t, db, def); k == 0 && c.Add(2*time.Minute).Before(end) {
					// around covered_to and settled, where the rollups hand over to raw rows
					bounds = []time.Time{t0, c.Add(-store.DefaultGrace - time.Minute), c.Add(-time.Minute), c.Add(2 * time.Minute), end}
				}
				res, err := store.Count(ctx, db.Pool, db.PluginSchema, def, store.CountQuery{Bounds: bounds, FromState: true, Grace: store.DefaultGrace})
				if err != nil {
					t.Fatal(err)
				}
				if !res.CoveredTo.Equal(coveredTo(t, db, def)) {
					t.Errorf("step %d: count read covered_to %s, state %s", step, res.CoveredTo, coveredTo(t, db, def))
				}
				want := rawSegments(t, db, def, bounds)
				for i := range want {
					if res.Segments[i] != want[i] {
						t.Errorf("step %d, %s: [%s, %s): %+v, plain scan %+v", step, def.Key(), bounds[i].Format(time.DateTime),
							bounds[i+1].Format(time.DateTime), res.Segments[i], want[i])
					}
				}
			}
		}
	}

	caughtUp := map[string]bool{}
	for step := 1; !caughtUp[requests.Key()] || !caughtUp[journeys.Key()]; step++ {
		if step > 10 {
			t.Fatalf("not caught up after %d bounded refreshes", step-1)
		}
		for _, def := range []store.Series{requests, journeys} {
			if caughtUp[def.Key()] {
				continue
			}
			before, found, err := store.ReadRollupState(ctx, db.Pool, db.PluginSchema, def)
			if err != nil {
				t.Fatal(err)
			}
			res, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, now, store.DefaultGrace, store.RefreshLimit{Chunks: 1, Chunk: chunk})
			if err != nil {
				t.Fatal(err)
			}
			wantTo := before.CoveredTo.Add(chunk)
			if !found {
				wantTo = store.FloorMinute(res.From).Add(chunk)
			}
			if wantTo.After(end) {
				wantTo = end
			}
			if res.Skipped || res.Chunks != 1 || !res.CoveredTo.Equal(wantTo) || res.CaughtUp != wantTo.Equal(end) ||
				(found && !res.From.Equal(before.CoveredTo.Add(-store.DefaultGrace))) {
				t.Fatalf("step %d, %s: refresh from %+v = %+v, want one chunk to %s", step, def.Key(), before, res, wantTo)
			}
			caughtUp[def.Key()] = res.CaughtUp
		}
		if step == 1 && !coveredTo(t, db, requests).Equal(t0.Add(chunk)) {
			t.Fatalf("first chunk covered to %s, want the earliest row's minute + %s", coveredTo(t, db, requests), chunk)
		}
		checkRunningTotals(t, db)
		checkCounts(step)
		// Rows beyond covered_to arrive meanwhile; the chunks to come count them.
		for range 3 {
			db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms) VALUES ($1, 'api', 502, 10)`,
				coveredTo(t, db, requests).Add(time.Duration(r.Int63n(int64(end.Sub(coveredTo(t, db, requests))+1)))))
		}
		checkCounts(step)
	}
	if res := refresh(t, db, requests, now); !res.CaughtUp || res.Chunks != 0 {
		t.Errorf("refresh once caught up = %+v, want caught up without a chunk", res)
	}
	checkRunningTotals(t, db)
}

func TestRefreshLimits(t *testing.T) {
	t.Parallel()
	db, def := rollupDB(t)
	ctx := context.Background()
	insertEveryMinute(t, db, t0, t0.Add(5*time.Hour))
	now := t0.Add(5*time.Hour + 10*time.Second)
	run := func(lim store.RefreshLimit) store.RefreshResult {
		t.Helper()
		res, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, now, store.DefaultGrace, lim)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := run(store.RefreshLimit{Chunks: 2, Chunk: time.Hour}); res.Chunks != 2 || res.CaughtUp ||
		!res.From.Equal(t0) || !res.CoveredTo.Equal(t0.Add(2*time.Hour)) || res.Written != 120 {
		t.Errorf("two chunks = %+v, want [t0, t0+2h) in 2 chunks, 120 rows", res)
	}
	// The first chunk always runs, whatever the time limit.
	if res := run(store.RefreshLimit{Time: time.Nanosecond, Chunk: time.Hour}); res.Chunks != 1 || res.CaughtUp ||
		!res.From.Equal(t0.Add(2*time.Hour-store.DefaultGrace)) || !res.CoveredTo.Equal(t0.Add(3*time.Hour)) || res.Written != 60 {
		t.Errorf("a chunk within a time limit = %+v, want [t0+2h-grace, t0+3h), 60 rows written", res)
	}
	if res := run(store.RefreshLimit{Chunk: time.Hour}); res.Chunks != 2 || !res.CaughtUp || !res.CoveredTo.Equal(t0.Add(5*time.Hour)) {
		t.Errorf("unlimited = %+v, want 2 chunks, caught up", res)
	}
	checkRunningTotals(t, db)
	for _, lim := range []store.RefreshLimit{{Chunk: 30 * time.Second}, {Chunk: 90 * time.Second}, {Chunks: -1}, {Time: -time.Second}} {
		if _, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, now, store.DefaultGrace, lim); err == nil {
			t.Errorf("limit %+v: no error", lim)
		}
	}
	// A cancelled context stops a refresh before its next chunk.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if res, err := store.Refresh(cctx, db.Pool, db.PluginSchema, def, now.Add(time.Hour), store.DefaultGrace, store.RefreshLimit{}); err == nil || res.Chunks != 0 {
		t.Errorf("cancelled refresh = %+v, %v; want an error and no chunk", res, err)
	}
}

// TestBackfillStopsWhileAnotherProcessRefreshes: a refresh finding the lock held mid-way
// through a backfill stops, keeping the chunks committed so far, and a later one finishes.
func TestBackfillStopsWhileAnotherProcessRefreshes(t *testing.T) {
	t.Parallel()
	db, def := rollupDB(t)
	ctx := context.Background()
	insertEveryMinute(t, db, t0, t0.Add(3*time.Hour))
	now := t0.Add(3 * time.Hour)
	lim := store.RefreshLimit{Chunk: time.Hour}
	if res, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, now, store.DefaultGrace, store.RefreshLimit{Chunks: 1, Chunk: time.Hour}); err != nil || res.Chunks != 1 {
		t.Fatalf("first chunk = %+v, %v", res, err)
	}
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", store.RefreshLockKey(db.PluginSchema, def)); err != nil {
		t.Fatal(err)
	}
	res, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, now, store.DefaultGrace, lim)
	if err != nil || !res.Skipped || res.CaughtUp || res.Chunks != 0 {
		t.Errorf("refresh while locked = %+v, %v; want skipped", res, err)
	}
	if c := coveredTo(t, db, def); !c.Equal(t0.Add(time.Hour)) {
		t.Errorf("covered_to %s after a skipped refresh, want the first chunk's %s", c, t0.Add(time.Hour))
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, now, store.DefaultGrace, lim); err != nil || !res.CaughtUp || res.Chunks != 2 {
		t.Errorf("refresh after the lock is gone = %+v, %v", res, err)
	}
	checkRunningTotals(t, db)
}

// TestConcurrentChunkedRefreshesCountOnce: refreshers of several chunks each, bounded or not,
// at different instants, racing for the lock chunk by chunk.
func TestConcurrentChunkedRefreshesCountOnce(t *testing.T) {
	t.Parallel()
	db, def := rollupDB(t)
	insertEveryMinute(t, db, t0, t0.Add(2*time.Hour))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			lim := store.RefreshLimit{Chunk: 7 * time.Minute}
			if i%2 == 0 {
				lim.Chunks = 1 + i
			}
			_, err := store.Refresh(context.Background(), db.Pool, db.PluginSchema, def, t0.Add(time.Duration(100+i*3)*time.Minute), store.DefaultGrace, lim)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if res := refresh(t, db, def, t0.Add(3*time.Hour)); !res.CaughtUp {
		t.Fatalf("final refresh = %+v", res)
	}
	checkRollupSums(t, db, def, 80, 120)
	checkRunningTotals(t, db)
}

// TestRefreshMeasuresTheLongestJourney follows the rollup state's journey span and its
// measured region: the longest journey (first to last row) among the journeys counted, over
// chunks, never shrinking when a later chunk has only short journeys or none, growing when a
// row arriving within the grace makes a journey longer, unbounded for a journey with an
// infinite timestamp (which must not fail the refresh), not for a row without a journey id;
// the region starting at the first chunk and going on with each, starting again, with the
// span of its own journeys only, where a refresh by a version that does not measure journeys
// moved covered_to on; and nothing of it for a request series.
func TestRefreshMeasuresTheLongestJourney(t *testing.T) {
	db, requests := rollupDB(t)
	def := journeySeries(t)
	ctx := context.Background()
	state := func() store.RollupState {
		t.Helper()
		st, found, err := store.ReadRollupState(ctx, db.Pool, db.PluginSchema, def)
		if err != nil || !found {
			t.Fatalf("rollup state: found=%v err=%v", found, err)
		}
		return st
	}
	check := func(when string, span *time.Duration, since, spanTo time.Time) {
		t.Helper()
		st := state()
		if (st.JourneySpan == nil) != (span == nil) || (span != nil && *st.JourneySpan != *span) ||
			st.JourneySpanSince == nil || !st.JourneySpanSince.Equal(since) || st.JourneySpanTo == nil || !st.JourneySpanTo.Equal(spanTo) {
			t.Fatalf("%s: span %v over [%v, %v), want %v over [%s, %s)", when, st.JourneySpan, st.JourneySpanSince, st.JourneySpanTo, span, since, spanTo)
		}
	}
	d := func(d time.Duration) *time.Duration { return &d }
	db.Exec(t, "ALTER TABLE user_journey_logs ALTER COLUMN journey_id DROP NOT NULL")
	row := func(jid, at any) {
		db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms)
			VALUES ($1, $2, 'checkout', 'login', 1, true, 10)`, at, jid)
	}
	refreshChunk := func(now time.Time) {
		t.Helper()
		if _, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, now, store.DefaultGrace, store.RefreshLimit{Chunks: 1, Chunk: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}

	// One-hour chunks, each from covered_to - grace. First chunk [t0+5m, t0+1h05m): a
	// 40-minute journey and a 1-minute one.
	row("long", t0.Add(5*time.Minute))
	row("long", t0.Add(45*time.Minute))
	row("short", t0.Add(10*time.Minute))
	row("short", t0.Add(11*time.Minute))
	// Second chunk [t0+1h, t0+2h05m): a 2-minute journey only; the third has no journey.
	row("later", t0.Add(90*time.Minute))
	row("later", t0.Add(92*time.Minute))
	first := t0.Add(5 * time.Minute)
	end := t0.Add(4 * time.Hour)
	refreshChunk(end)
	check("after the first chunk", d(40*time.Minute), first, first.Add(time.Hour))
	refreshChunk(end)
	check("after a chunk of short journeys", d(40*time.Minute), first, first.Add(2*time.Hour))
	row(nil, t0.Add(150*time.Minute)) // a row without a journey id
	refreshChunk(end)
	check("after a chunk without journeys", d(40*time.Minute), first, first.Add(3*time.Hour))

	// A row 3 minutes before covered_to (t0+3h05m), within the 5-minute grace, makes "long"
	// 2h57m long.
	row("long", first.Add(3*time.Hour-3*time.Minute))
	refreshChunk(end)
	check("after a late row", d(2*time.Hour+57*time.Minute), first, end)

	// covered_to moves on without measuring (an older version refreshed): the region starts
	// again with the next measuring chunk, from covered_to - grace.
	db.Exec(t, "UPDATE "+pgx.Identifier{db.PluginSchema, "sli_rollup_state"}.Sanitize()+
		" SET covered_to = covered_to + interval '1 hour' WHERE series = $1", def.Key())
	later := end.Add(2 * time.Hour)
	refreshChunk(later)
	check("after a refresh that did not measure, a region without journeys", nil, end.Add(time.Hour-store.DefaultGrace), later)
	row("fresh", later.Add(-time.Minute))
	row("fresh", later.Add(9*time.Minute))
	refreshChunk(later.Add(10 * time.Minute))
	check("after a journey of the new region", d(10*time.Minute), end.Add(time.Hour-store.DefaultGrace), later.Add(10*time.Minute))

	// A journey with an infinite timestamp: no span, longer than anything.
	row("forever", "infinity")
	row("forever", later.Add(8*time.Minute))
	refreshChunk(later.Add(11 * time.Minute))
	if st := state(); st.JourneySpan == nil || *st.JourneySpan < 50*365*24*time.Hour {
		t.Errorf("after an infinite timestamp: span %v, want unbounded", st.JourneySpan)
	}

	insertEveryMinute(t, db, t0, t0.Add(10*time.Minute))
	refresh(t, db, requests, t0.Add(10*time.Minute))
	if st, _, err := store.ReadRollupState(ctx, db.Pool, db.PluginSchema, requests); err != nil ||
		st.JourneySpan != nil || st.JourneySpanSince != nil || st.JourneySpanTo != nil {
		t.Errorf("request series: span %v over [%v, %v) (%v), want none", st.JourneySpan, st.JourneySpanSince, st.JourneySpanTo, err)
	}
}
