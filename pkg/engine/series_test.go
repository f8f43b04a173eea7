package engine_test

import (
	"context"
	"math/rand"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

// countingDB counts the round trips the engine makes (a batch is one) outside
// transactions, and the transactions it begins (refresh chunks).
type countingDB struct {
	*pgxpool.Pool
	trips, begins atomic.Int64
}

func (c *countingDB) Begin(ctx context.Context) (pgx.Tx, error) {
	c.begins.Add(1)
	return c.Pool.Begin(ctx)
}

func (c *countingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.trips.Add(1)
	return c.Pool.Exec(ctx, sql, args...)
}

func (c *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.trips.Add(1)
	return c.Pool.Query(ctx, sql, args...)
}

func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.trips.Add(1)
	return c.Pool.QueryRow(ctx, sql, args...)
}

func (c *countingDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	c.trips.Add(1)
	return c.Pool.SendBatch(ctx, b)
}

// seriesEnv loads the property test's data up to `now`, refreshed at `refreshed`, and
// returns an engine reading through a round-trip counter.
func seriesEnv(t *testing.T, refreshed, now time.Time) (*env, *engine.Engine, *countingDB) {
	e := newEnv(t, propConfig(), engine.Options{ManualRefresh: true})
	rows := propData(rand.New(rand.NewSource(7)), t0.Add(7*time.Second))
	// insert loads the rows that arrived in (after, upTo].
	insert := func(after, upTo time.Time) {
		var reqs []request
		var steps []stepRow
		for _, a := range rows {
			switch {
			case !a.at.After(after) || a.at.After(upTo):
			case a.req != nil:
				reqs = append(reqs, *a.req)
			default:
				steps = append(steps, *a.stp)
			}
		}
		e.insertRequests(t, reqs)
		e.insertSteps(t, steps)
	}
	insert(time.Time{}, refreshed)
	for _, s := range propSLOs() {
		if err := e.eng.Refresh(context.Background(), s, refreshed); err != nil {
			t.Fatal(err)
		}
	}
	insert(refreshed, now) // late rows, within the grace, and new ones
	cdb := &countingDB{Pool: e.db.Pool}
	eng, err := engine.New(cdb, engine.Options{Schema: e.db.PluginSchema, Config: e.cfg, ManualRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	return e, eng, cdb
}

func TestSeriesEqualsStatusAtEveryPoint(t *testing.T) {
	refreshed := t0.Add(2*time.Hour + 20*time.Second)
	_, eng, cdb := seriesEnv(t, refreshed, refreshed.Add(4*time.Minute))
	ctx := context.Background()
	from, to := refreshed.Add(-47*time.Minute-13*time.Second), refreshed.Add(9*time.Minute)
	for _, s := range propSLOs() {
		for _, step := range []time.Duration{time.Minute, 7 * time.Minute} {
			before := cdb.trips.Load()
			points, err := eng.Series(ctx, s, from, to, step, engine.DefaultBurnWindows)
			if err != nil {
				t.Fatal(err)
			}
			if trips := cdb.trips.Load() - before; trips != 1 {
				t.Errorf("%s: series took %d round trips, want 1 (one batch)", s.ID(), trips)
			}
			wantN := int(to.Sub(from.Truncate(time.Minute).Add(time.Minute))/step) + 1
			if len(points) != wantN || !points[0].At.Equal(from.Truncate(time.Minute).Add(time.Minute)) {
				t.Fatalf("%s step %s: %d points from %s, want %d from the first whole minute", s.ID(), step, len(points), points[0].At, wantN)
			}
			if points[len(points)/2].Window.Valid == 0 {
				t.Fatalf("%s: no data in the middle of the series; the test checks nothing", s.ID())
			}
			for _, p := range points {
				before := cdb.trips.Load()
				st, err := eng.Status(ctx, s, p.At)
				if err != nil {
					t.Fatal(err)
				}
				if trips := cdb.trips.Load() - before; trips != 1 {
					t.Errorf("%s: status took %d round trips, want 1", s.ID(), trips)
				}
				if st.Window != p.Window || !sameFloat(st.SLI, p.SLI) || !sameFloat(st.BudgetRemaining, p.BudgetRemaining) ||
					!sameFloat(st.BudgetConsumed, p.BudgetConsumed) || st.State != p.State {
					t.Errorf("%s at %s: series %+v, status %+v", s.ID(), p.At, p, st)
				}
				for _, w := range engine.DefaultBurnWindows {
					if !sameFloat(st.BurnRates[w], p.BurnRates[w]) || st.BurnCounts[w] != p.BurnCounts[w] {
						t.Errorf("%s at %s: %s burn: series %v %+v, status %v %+v", s.ID(), p.At, w, p.BurnRates[w], p.BurnCounts[w], st.BurnRates[w], st.BurnCounts[w])
					}
				}
			}
		}
	}
}

func TestSeriesRejectsBadSteps(t *testing.T) {
	e := newEnv(t, nil, engine.Options{})
	s := requestSLO("a", "api", slo.SuccessRate, 0.99, 0, time.Hour)
	for _, step := range []time.Duration{0, 30 * time.Second, 90 * time.Second} {
		if _, err := e.eng.Series(context.Background(), s, t0, t0.Add(time.Hour), step, nil); err == nil {
			t.Errorf("step %s: no error", step)
		}
	}
	if _, err := e.eng.Series(context.Background(), s, t0.Add(time.Hour), t0, time.Minute, nil); err == nil {
		t.Error("to before from: no error")
	}
}
