package simulate

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/slo"
)

// DefaultLiveInterval is how often Live writes the traffic of the time that passed.
const DefaultLiveInterval = 5 * time.Second

// LiveOptions say what Live writes.
type LiveOptions struct {
	// Seed makes the traffic deterministic, as for Backfill: live mode writes exactly the rows
	// a backfill of the same range would.
	Seed int64
	// Tables maps the log tables; empty names take slo.DefaultTables.
	Tables slo.Tables
	// From is where the written traffic starts (after a backfill: its To); zero means the
	// clock's time when Live starts.
	From time.Time
	// Anchor is the start of relative incidents when the scenario has none; zero means From.
	Anchor time.Time
	// Interval between writes; DefaultLiveInterval when 0.
	Interval time.Duration
	// Clock is the traffic clock; time.Now when nil.
	Clock func() time.Time
	// Written, when set, is called after each write with the end of the traffic written so
	// far and the rows of that write.
	Written func(through time.Time, requests, journeyEvents int64)
	// IncidentStarted, when set, is called with each incident run as the written traffic
	// reaches its start.
	IncidentStarted func(Label)
}

// Live writes the scenario's traffic as time passes: every Interval, the rows with
// timestamps between the previous write and the clock's now (journey runs by their start;
// their later steps may lie a little ahead). Incidents with `every:` recur. It returns nil
// when ctx ends, or the first write error.
func Live(ctx context.Context, pool *pgxpool.Pool, sc *Scenario, opts LiveOptions) error {
	tables, err := resolveTables(opts.Tables)
	if err != nil {
		return err
	}
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = DefaultLiveInterval
	}
	written := opts.From
	if written.IsZero() {
		written = clock()
	}
	written = written.UTC().Truncate(time.Microsecond)
	anchor := opts.Anchor
	if anchor.IsZero() {
		anchor = written
	}
	w := &writer{g: newGenerator(sc, opts.Seed), tables: tables, anchor: sc.anchor(anchor)}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for ctx.Err() == nil {
		now := clock().UTC().Truncate(time.Microsecond)
		if now.After(written) {
			r, j, err := w.write(ctx, pool, written, now)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if opts.IncidentStarted != nil {
				// The incident runs the write generated with (w.g.occ, which overlap its
				// minutes) that start in it.
				for _, o := range w.g.occ {
					if !o.start.Before(written) && o.start.Before(now) {
						opts.IncidentStarted(labelsOf([]occurrence{o})[0])
					}
				}
			}
			written = now
			if opts.Written != nil {
				opts.Written(written, r, j)
			}
		}
		select {
		case <-ctx.Done():
		case <-ticker.C:
		}
	}
	return nil
}
