package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// backfillData loads requests of "api" and checkout journeys over [t0, t0+span), and
// returns the SLOs that count them.
func backfillData(t *testing.T, e *env, span time.Duration) []slo.SLO {
	r := rand.New(rand.NewSource(11))
	var reqs []request
	for ts := t0.Add(13 * time.Second); ts.Before(t0.Add(span)); ts = ts.Add(time.Duration(5+r.Intn(40)) * time.Second) {
		reqs = append(reqs, request{ts, "api", "/a", []int{200, 200, 404, 500}[r.Intn(4)], float64(r.Intn(300))})
	}
	e.insertRequests(t, reqs)
	var steps []stepRow
	for i := range 200 {
		ts := t0.Add(time.Duration(r.Int63n(int64(span))))
		for k, step := range []string{"login", "browse", "cart", "pay"}[:1+r.Intn(4)] {
			steps = append(steps, stepRow{ts, fmt.Sprintf("j%d", i), "checkout", step, k + 1, r.Intn(12) > 0, float64(r.Intn(3000))})
			ts = ts.Add(time.Duration(r.Int63n(int64(3 * time.Minute))))
		}
	}
	e.insertSteps(t, steps)
	return []slo.SLO{
		requestSLO("availability", "api", slo.SuccessRate, 0.99, 0, 3*time.Hour),
		requestSLO("latency", "api", slo.Latency, 0.9, 150, 3*time.Hour),
		journeySLO("checkout", "checkout", 0.97, 3*time.Hour),
	}
}

func (e *env) coveredTo(t *testing.T, eng *engine.Engine, s slo.SLO) (time.Time, bool) {
	t.Helper()
	def, err := eng.SeriesOf(s)
	if err != nil {
		t.Fatal(err)
	}
	st, found, err := store.ReadRollupState(context.Background(), e.db.Pool, e.db.PluginSchema, def)
	if err != nil {
		t.Fatal(err)
	}
	return st.CoveredTo, found
}

// TestReadsAreExactWhileRollupsBackfill: a history of several chunks is backfilled by the
// reads themselves, one chunk each, and every read in between equals a plain scan.
func TestReadsAreExactWhileRollupsBackfill(t *testing.T) {
	const chunk = time.Hour
	span := 5*time.Hour + 40*time.Minute
	e := newEnv(t, propConfig(), engine.Options{RefreshChunk: chunk})
	slos := backfillData(t, e, span)
	// reader counts without refreshing, to see the state each read left behind.
	reader, err := engine.New(e.db.Pool, engine.Options{Schema: e.db.PluginSchema, Config: e.cfg, ManualRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := rand.New(rand.NewSource(12))
	at := t0.Add(span + 17*time.Second)
	for _, s := range slos {
		caughtUp := false
		for step := 0; !caughtUp; step++ {
			if step > 10 {
				t.Fatalf("%s: not caught up after %d reads", s.ID(), step)
			}
			before, found := e.coveredTo(t, e.eng, s)
			st, err := e.eng.Status(ctx, s, at)
			if err != nil {
				t.Fatal(err)
			}
			if want := e.oracle(t, s, at.Add(-s.Window), at); st.Window != want {
				t.Errorf("%s, read %d: window %+v, plain scan %+v", s.ID(), step, st.Window, want)
			}
			for _, w := range sortedWindows(st.BurnCounts) {
				if want := e.oracle(t, s, at.Add(-w), at); st.BurnCounts[w] != want {
					t.Errorf("%s, read %d: %s window %+v, plain scan %+v", s.ID(), step, w, st.BurnCounts[w], want)
				}
			}
			// The read refreshed exactly one chunk after counting.
			after, _ := e.coveredTo(t, e.eng, s)
			want := before.Add(chunk)
			if !found {
				def, _ := e.eng.SeriesOf(s)
				want = firstMinute(t, e, def).Add(chunk)
			}
			if end := store.FloorMinute(at); !want.Before(end) {
				want, caughtUp = end, true
			}
			if !after.Equal(want) {
				t.Fatalf("%s, read %d: covered_to %s -> %s, want one chunk to %s", s.ID(), step, before, after, want)
			}
			e.checkRunningTotals(t)

			// Reads over the partly backfilled series are exact.
			ranges := make([]engine.Range, 10)
			for i := range ranges {
				ranges[i] = randRange(r, t0.Add(-10*time.Minute), at.Add(time.Minute))
			}
			ranges[0] = engine.Range{From: t0, To: after.Add(-3*time.Minute - 10*time.Second)}
			ranges[1] = engine.Range{From: after.Add(-7 * time.Minute), To: after.Add(8*time.Minute + 5*time.Second)}
			got, err := reader.Counts(ctx, s, ranges...)
			if err != nil {
				t.Fatal(err)
			}
			for i, rg := range ranges {
				if want := e.oracle(t, s, rg.From, rg.To); got[i] != want {
					t.Errorf("%s, read %d: [%s, %s): engine %+v, plain scan %+v", s.ID(), step,
						rg.From.Format(time.TimeOnly), rg.To.Format(time.TimeOnly), got[i], want)
				}
			}
			points, err := reader.Series(ctx, s, at.Add(-2*time.Hour), at, 23*time.Minute, []time.Duration{time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range points {
				if want := e.oracle(t, s, p.At.Add(-s.Window), p.At); p.Window != want {
					t.Errorf("%s, read %d: series at %s: %+v, plain scan %+v", s.ID(), step, p.At.Format(time.TimeOnly), p.Window, want)
				}
			}
		}
	}
}

// firstMinute is the minute of def's earliest row, where its backfill starts.
func firstMinute(t *testing.T, e *env, def store.Series) time.Time {
	t.Helper()
	table, col := "request_logs", "service"
	name := "api"
	if def.Journeys != nil {
		table, col, name = "user_journey_logs", "journey_name", def.Journeys.Journey
	}
	var first time.Time
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT min("timestamp") FROM `+pgx.Identifier{table}.Sanitize()+
		` WHERE `+pgx.Identifier{col}.Sanitize()+` = $1`, name).Scan(&first); err != nil {
		t.Fatal(err)
	}
	return store.FloorMinute(first)
}

// TestExplicitRefreshRunsChunksUntilCaughtUp: Refresh and RefreshLimited without a limit
// backfill everything at once, chunk by chunk.
func TestExplicitRefreshRunsChunksUntilCaughtUp(t *testing.T) {
	const chunk = time.Hour
	span := 5*time.Hour + 40*time.Minute
	e := newEnv(t, propConfig(), engine.Options{RefreshChunk: chunk, ManualRefresh: true})
	slos := backfillData(t, e, span)
	ctx := context.Background()
	now := t0.Add(span + 17*time.Second)
	res, err := e.eng.RefreshLimited(ctx, slos[0], now, store.RefreshLimit{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.CaughtUp || res.Chunks != 6 || !res.CoveredTo.Equal(store.FloorMinute(now)) || !res.From.Equal(t0) {
		t.Errorf("refresh = %+v, want 6 chunks of %s from %s, caught up", res, chunk, t0)
	}
	if err := e.eng.Refresh(ctx, slos[2], now); err != nil {
		t.Fatal(err)
	}
	if c, _ := e.coveredTo(t, e.eng, slos[2]); !c.Equal(store.FloorMinute(now)) {
		t.Errorf("journeys covered to %s after Refresh, want %s", c, store.FloorMinute(now))
	}
	if res, err := e.eng.RefreshLimited(ctx, slos[1], now, store.RefreshLimit{Chunks: 2}); err != nil || res.Chunks != 2 || res.CaughtUp {
		t.Errorf("refresh of two chunks = %+v, %v", res, err)
	}
	e.checkRunningTotals(t)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := e.eng.Refresh(cctx, slos[1], now); err == nil {
		t.Error("refresh with a cancelled context: no error")
	}
}

// TestStatusIsOneRoundTripAndRefreshesAfterWhenBehind: with fresh rollups a Status is one
// batch and no refresh; with rollups behind it is the same batch, exact, then one refresh
// chunk (a transaction).
func TestStatusIsOneRoundTripAndRefreshesAfterWhenBehind(t *testing.T) {
	e := newEnv(t, propConfig(), engine.Options{ManualRefresh: true})
	span := 3 * time.Hour
	slos := backfillData(t, e, span)
	ctx := context.Background()
	refreshed := t0.Add(2 * time.Hour)
	for _, s := range slos {
		if err := e.eng.Refresh(ctx, s, refreshed); err != nil {
			t.Fatal(err)
		}
	}
	cdb := &countingDB{Pool: e.db.Pool}
	eng, err := engine.New(cdb, engine.Options{Schema: e.db.PluginSchema, Config: e.cfg, Clock: e.clock.Now, RefreshChunk: 20 * time.Minute,
		OnRefreshError: func(s slo.SLO, err error) { t.Errorf("refresh %s: %v", s.ID(), err) }})
	if err != nil {
		t.Fatal(err)
	}
	status := func(s slo.SLO, at time.Time, wantBegins int64) {
		t.Helper()
		trips, begins := cdb.trips.Load(), cdb.begins.Load()
		st, err := eng.Status(ctx, s, at)
		if err != nil {
			t.Fatal(err)
		}
		if n := cdb.trips.Load() - trips; n != 1 {
			t.Errorf("%s at %s: status took %d round trips besides refreshing, want 1", s.ID(), at.Format(time.TimeOnly), n)
		}
		if n := cdb.begins.Load() - begins; n != wantBegins {
			t.Errorf("%s at %s: %d refresh transactions, want %d", s.ID(), at.Format(time.TimeOnly), n, wantBegins)
		}
		if want := e.oracle(t, s, at.Add(-s.Window), at); st.Window != want {
			t.Errorf("%s at %s: window %+v, plain scan %+v", s.ID(), at.Format(time.TimeOnly), st.Window, want)
		}
	}
	for _, s := range slos {
		status(s, refreshed.Add(40*time.Second), 0) // fresh: one batch
		status(s, refreshed.Add(-time.Hour), 0)     // in the past: one batch
		at := refreshed.Add(time.Hour + 10*time.Second)
		status(s, at, 1) // an hour behind: counted exactly, then one chunk of 20 minutes
		if c, _ := e.coveredTo(t, eng, s); !c.Equal(refreshed.Add(20 * time.Minute)) {
			t.Errorf("%s: covered to %s after the read, want one chunk to %s", s.ID(), c, refreshed.Add(20*time.Minute))
		}
		status(s, at, 1)
		status(s, at, 1) // caught up with at
		status(s, at, 0)
		if c, _ := e.coveredTo(t, eng, s); !c.Equal(store.FloorMinute(at)) {
			t.Errorf("%s: covered to %s, want %s", s.ID(), c, store.FloorMinute(at))
		}
	}
	e.checkRunningTotals(t)
}
