package simulate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/sloguard/sloguard/pkg/slo"
)

// BackfillOptions say what Backfill writes.
type BackfillOptions struct {
	// From and To bound the traffic written: [From, To). Relative incidents count from the
	// scenario's start, else from From.
	From, To time.Time
	// Seed makes the traffic deterministic: the same scenario, seed and range give the same
	// rows.
	Seed int64
	// Tables maps the log tables; empty names take slo.DefaultTables.
	Tables slo.Tables
	// Progress receives a progress line (rows, rows/s, % done), rewritten in place; nil is
	// silent.
	Progress io.Writer
}

// Result is what Backfill wrote.
type Result struct {
	// Requests and JourneyEvents count the rows written into each table.
	Requests, JourneyEvents int64
	// Labels are the incidents that overlap [From, To).
	Labels []Label
}

// batchSpan is the simulated time one COPY statement covers: a batch is its own
// transaction, so a cancelled backfill keeps the batches already written, and the progress
// line moves.
const batchSpan = time.Hour

// copyWorkers is how many batches are copied at once. A COPY keeps one PostgreSQL backend
// (one core) busy while generation costs far less, so two streams use a second core: 1.6x
// the rows/s of one on the benchmark machine.
const copyWorkers = 2

// Backfill COPYs the traffic of [From, To) into the log tables, streaming a minute of rows
// at a time in batches of batchSpan, copyWorkers batches at once, then ANALYZEs the tables.
// The tables must exist (pkg/store/log_tables.sql). On error or cancellation the batches
// already written stay.
func Backfill(ctx context.Context, pool *pgxpool.Pool, sc *Scenario, opts BackfillOptions) (Result, error) {
	if !opts.To.After(opts.From) {
		return Result{}, errors.New("backfill: To must be after From")
	}
	tables, err := resolveTables(opts.Tables)
	if err != nil {
		return Result{}, err
	}
	from, to := opts.From.UTC(), opts.To.UTC()
	var requests, journeys, generated, batchesDone atomic.Int64
	var bar *progressBar
	if opts.Progress != nil {
		bar = newProgressBar(opts.Progress, to.Sub(from))
	}
	batches := make(chan time.Time)
	grp, gctx := errgroup.WithContext(ctx)
	grp.Go(func() error {
		defer close(batches)
		for lo := from; lo.Before(to); lo = lo.Add(batchSpan) {
			select {
			case batches <- lo:
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})
	for range copyWorkers {
		w := &writer{g: newGenerator(sc, opts.Seed), tables: tables, anchor: sc.anchor(from)}
		if bar != nil {
			w.onRows = func(n int64) { bar.update(generated.Add(n), time.Duration(batchesDone.Load())*batchSpan, false) }
		}
		grp.Go(func() error {
			for lo := range batches {
				hi := lo.Add(batchSpan)
				if hi.After(to) {
					hi = to
				}
				r, j, err := w.write(gctx, pool, lo, hi)
				requests.Add(r)
				journeys.Add(j)
				if err != nil {
					return fmt.Errorf("backfill %s: %w", lo.Format(time.RFC3339), err)
				}
				batchesDone.Add(1)
			}
			return nil
		})
	}
	err = grp.Wait()
	res := Result{Requests: requests.Load(), JourneyEvents: journeys.Load()}
	if err != nil {
		return res, err
	}
	if err := analyze(ctx, pool, sc, tables); err != nil {
		return res, err
	}
	if bar != nil {
		bar.update(res.Requests+res.JourneyEvents, to.Sub(from), true)
	}
	res.Labels = sc.Labels(from, to)
	return res, nil
}

// analyze refreshes the planner statistics of the tables written: queries right after a
// bulk load (a detector, a backtest) would otherwise plan with none and scan where an index
// serves, until autovacuum gets to the tables. A role that may write but not analyze the
// tables (SQLSTATE 42501) leaves that to autovacuum.
func analyze(ctx context.Context, pool *pgxpool.Pool, sc *Scenario, t tableNames) error {
	var names []string
	if len(sc.Services) > 0 {
		names = append(names, t.requests.Sanitize())
	}
	if len(sc.Journeys) > 0 {
		names = append(names, t.journeys.Sanitize())
	}
	_, err := pool.Exec(ctx, "ANALYZE "+strings.Join(names, ", "))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" { // insufficient_privilege
		return nil
	}
	if err != nil {
		return fmt.Errorf("analyze the log tables: %w", err)
	}
	return nil
}
