package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultGrace is how late a log row may arrive after its timestamp and still be counted in
// the rollups: every refresh recomputes the minutes of the last DefaultGrace before the
// previous refresh, and readers take those minutes from raw rows.
const DefaultGrace = 5 * time.Minute

// TxStarter starts a transaction: a pool, a connection, or a transaction (a savepoint).
type TxStarter interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// RefreshChunk is how many minutes past covered_to one recompute statement covers at most
// (RefreshLimit.Chunk overrides it). Every chunk is its own transaction and commits its
// covered_to, so a backfill of any length is a sequence of bounded statements that keeps
// its progress, never one statement growing with the history (which on a large table ran
// past statement_timeout while holding the lock and a connection).
//
// Six hours because the cost of a chunk is the raw rows it reads: the recompute reads about
// 1.2 million rows a second (sloguard bench, PostgreSQL 15, 2 CPUs), so even a series of a billion rows over
// 30 days (8.3 million rows in 6 h) takes a few seconds a chunk, far inside a 30 s
// statement_timeout, and a read that refreshes one chunk stays usable; while the overhead
// of a chunk, a short transaction and re-reading the grace minutes before covered_to (5
// minutes of 360, 1.4 %), stays small. A day would make such chunks 25-30 s.
const RefreshChunk = 6 * time.Hour

// RefreshLimit bounds the work of one Refresh. The zero value refreshes until caught up.
type RefreshLimit struct {
	// Chunks is how many chunks at most to recompute; 0 means no limit. A read that finds
	// the rollups behind refreshes one chunk and reads the rest from raw rows.
	Chunks int
	// Time: once this much time has passed since Refresh started, no further chunk starts
	// (the first always runs); 0 means no limit.
	Time time.Duration
	// Chunk is the chunk length, a whole number of minutes; 0 means RefreshChunk.
	Chunk time.Duration
}

// RefreshResult says what one Refresh did.
type RefreshResult struct {
	// Skipped is true when another process held the series' lock, so Refresh stopped there
	// (after Chunks chunks; nothing was done when Chunks is 0). It is not an error.
	Skipped bool
	// CaughtUp is true when the rollups cover everything up to floor_minute(now): the last
	// chunk reached it, or they already did.
	CaughtUp bool
	// Chunks is how many chunks were recomputed (each its own transaction).
	Chunks int
	// From and To are the range of minutes recomputed from raw rows, [From, To), from the
	// first chunk's start to the last chunk's end; both CoveredTo when nothing was due. To
	// is the new CoveredTo.
	From, To time.Time
	// CoveredTo is how far the series' rollups are complete after the refresh (zero when it
	// was skipped before its first refresh).
	CoveredTo time.Time
	// Minutes is how many minutes with events the recomputation found; Written how many
	// rollup rows it inserted or changed, counts or running totals (unchanged rows are not
	// rewritten; a changed minute changes the totals of every later row); Deleted how many
	// rows of minutes that became empty it removed. They are summed over the chunks, and a
	// chunk re-reads the grace minutes before the previous one's end, so Minutes counts
	// those twice.
	Minutes, Written, Deleted int64
}

// Refresh brings the per-minute rollups of def up to floor_minute(now), which must not be
// ahead of the wall clock, in chunks of at most lim.Chunk (RefreshChunk) new minutes, within
// lim. The first chunk of a series starts at the minute of its earliest row; every later one
// recomputes [floor_minute(covered_to - grace), min(covered_to + chunk, floor_minute(now))),
// plus, for journeys, the first minutes of the journeys with a row in that range, so a late
// row is counted as long as it arrived within grace after its timestamp. It keeps every
// row's running totals (cum_good, cum_valid) exact, rewriting them from the earliest changed
// minute on (see recomputeSQL), so they carry on across chunks. The cost of a chunk follows
// its new and grace rows (and, for journeys, the rows since the start of a journey a late row
// changed), never the table size or the length of the history.
//
// Each chunk runs in its own transaction (a savepoint inside tx) holding a
// transaction-level advisory lock on the series and commits its covered_to, so an
// interrupted backfill keeps its progress. When another process holds the lock, Refresh
// stops and returns Skipped (not an error). A now before the series' covered_to is a no-op.
// A cancelled ctx stops it between chunks with ctx's error, the result saying what was done.
func Refresh(ctx context.Context, db TxStarter, schema string, def Series, now time.Time, grace time.Duration, lim RefreshLimit) (RefreshResult, error) {
	if err := ValidateSchema(schema); err != nil {
		return RefreshResult{}, fmt.Errorf("refresh %s: schema %q: %w", def.Key(), schema, err)
	}
	if grace < 0 {
		return RefreshResult{}, fmt.Errorf("refresh %s: negative grace %s", def.Key(), grace)
	}
	if now.IsZero() {
		return RefreshResult{}, fmt.Errorf("refresh %s: zero time", def.Key())
	}
	chunk := lim.Chunk
	if chunk == 0 {
		chunk = RefreshChunk
	}
	if chunk < time.Minute || chunk%time.Minute != 0 || lim.Chunks < 0 || lim.Time < 0 {
		return RefreshResult{}, fmt.Errorf("refresh %s: invalid limit %+v", def.Key(), lim)
	}
	started := time.Now()
	end := FloorMinute(now)
	var res RefreshResult
	for {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("refresh %s: %w", def.Key(), err)
		}
		var c chunkResult
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			// The lock, and the plan settings of noJIT for the chunk's statements.
			var locked bool
			if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)), "+plainPlans,
				RefreshLockKey(schema, def)).Scan(&locked, nil, nil); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
			if !locked {
				c.skipped = true
				return nil
			}
			var err error
			c, err = refreshChunk(ctx, tx, schema, def, end, grace, chunk)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("refresh %s: %w", def.Key(), err)
		}
		if c.skipped {
			res.Skipped = true
			return res, nil
		}
		if res.Chunks == 0 {
			res.From = c.from
		}
		if c.from.Before(c.to) {
			res.Chunks++
		}
		res.To, res.CoveredTo = c.to, c.coveredTo
		res.Minutes, res.Written, res.Deleted = res.Minutes+c.minutes, res.Written+c.written, res.Deleted+c.deleted
		if !c.coveredTo.Before(end) {
			res.CaughtUp = true
			return res, nil
		}
		if (lim.Chunks > 0 && res.Chunks >= lim.Chunks) || (lim.Time > 0 && time.Since(started) >= lim.Time) {
			return res, nil
		}
	}
}

// RefreshLockKey is the name of the advisory lock a refresh of def holds:
// pg_try_advisory_xact_lock(hashtextextended(RefreshLockKey(...), 0)).
func RefreshLockKey(schema string, def Series) string {
	return "sloguard.rollup:" + schema + ":" + def.Key()
}

// chunkResult is what one chunk did: it recomputed [from, to) (from == to: nothing was due)
// and the series is now covered to coveredTo.
type chunkResult struct {
	skipped                   bool
	from, to, coveredTo       time.Time
	minutes, written, deleted int64
	span                      *time.Duration // longest recomputed journey; nil: none
}

// refreshChunk is one chunk of Refresh, once the lock is held: it recomputes from
// floor_minute(covered_to - grace) (the earliest row's minute for a new series) to at most
// chunk past covered_to, never past end, and saves the new covered_to.
func refreshChunk(ctx context.Context, tx pgx.Tx, schema string, def Series, end time.Time, grace, chunk time.Duration) (chunkResult, error) {
	st, found, err := ReadRollupState(ctx, tx, schema, def)
	if err != nil {
		return chunkResult{}, err
	}
	var start, to time.Time
	switch {
	case found && !st.CoveredTo.Before(end):
		return chunkResult{from: st.CoveredTo, to: st.CoveredTo, coveredTo: st.CoveredTo}, nil
	case found:
		start, to = FloorMinute(st.CoveredTo.Add(-grace)), st.CoveredTo.Add(chunk)
	default:
		first, ok, err := earliestRow(ctx, tx, def)
		if err != nil {
			return chunkResult{}, err
		}
		start = end
		if ok && first.Before(end) {
			start = FloorMinute(first)
		}
		to = start.Add(chunk)
	}
	if to.After(end) {
		to = end
	}
	res := chunkResult{from: start, to: to, coveredTo: to}
	if start.Before(to) {
		sql, args := recomputeSQL(schema, def, start, to)
		if err := tx.QueryRow(ctx, sql, args...).Scan(&res.minutes, &res.written, &res.deleted, &res.span); err != nil {
			return chunkResult{}, fmt.Errorf("recompute %s..%s: %w", start.Format(time.RFC3339), to.Format(time.RFC3339), err)
		}
	}
	// A journey series' measured region (see migration 3) goes on from where the last
	// measuring refresh ended, its span growing, or starts again here with this chunk's span.
	var since, spanTo *time.Time
	goesOn := false
	if def.Journeys != nil {
		since, spanTo = &start, &to
		if found && st.JourneySpanTo != nil && st.JourneySpanTo.Equal(st.CoveredTo) && st.JourneySpanSince != nil {
			since, goesOn = st.JourneySpanSince, true
		}
	}
	_, err = tx.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "sli_rollup_state"}.Sanitize()+` AS s
		(series, definition, covered_to, refreshed_at, journey_span, journey_span_since, journey_span_to)
		VALUES ($1, $2, $3, clock_timestamp(), $4, $5, $6)
		ON CONFLICT (series) DO UPDATE SET definition = excluded.definition,
			covered_to = excluded.covered_to, refreshed_at = excluded.refreshed_at,
			journey_span = CASE WHEN $7 THEN greatest(s.journey_span, excluded.journey_span) ELSE excluded.journey_span END,
			journey_span_since = excluded.journey_span_since, journey_span_to = excluded.journey_span_to`,
		def.Key(), string(def.Definition()), to, res.span, since, spanTo, goesOn)
	if err != nil {
		return chunkResult{}, fmt.Errorf("save rollup state: %w", err)
	}
	return res, nil
}

// earliestRow returns the time of the series' first row; ok is false for an empty series.
func earliestRow(ctx context.Context, db DBTX, def Series) (time.Time, bool, error) {
	var p params
	q := def.bind(&p)
	var first *time.Time
	sql := "SELECT min(" + q.ts("t") + ")::timestamptz FROM " + q.from("t") + " WHERE " + q.scope("t")
	if err := db.QueryRow(ctx, sql, p.args...).Scan(&first); err != nil {
		return time.Time{}, false, fmt.Errorf("earliest row: %w", err)
	}
	if first == nil {
		return time.Time{}, false, nil
	}
	return *first, true, nil
}

// recomputeSQL is one statement (one snapshot) that recomputes the minutes of def in [start,
// end) — for journeys also the earlier first minutes of journeys with a row in the range —
// and keeps the running totals exact. It compares the recomputed minutes with their rollup
// rows; from the earliest minute that differs (m0: a new, changed or emptied minute) on,
// every row's totals are rewritten as base + running sum, base being the totals of the last
// row before m0 (one backward probe). Rows are written only when one of their values changes
// (rows before m0 are not even read), the range's minutes that are now empty are deleted, and
// the statement returns (minutes, written, deleted, span), span being the longest of the
// recomputed journeys (NULL for requests). The rows from m0 on are the grace, the
// new minutes and, for journeys, back to the first minute of a journey a late row changed.
func recomputeSQL(schema string, def Series, start, end time.Time) (string, []any) {
	var p params
	q := def.bind(&p)
	key, lo, hi := p.add(def.Key()), p.add(start.UTC()), p.add(end.UTC())
	lo, hi = lo+"::timestamptz", hi+"::timestamptz"
	rollup := pgx.Identifier{schema, "sli_rollup"}.Sanitize()
	// recomputed: the minutes computed replaces, a condition on r.minute.
	recomputed := "(r.minute >= " + lo + " AND r.minute < " + hi + ")"
	// span: the longest journey among those recomputed (NULL for request series and when no
	// journey was).
	computed, span := "", "NULL::interval"
	if def.Requests != nil {
		computed = "computed AS (SELECT " + q.minute("t") + " AS minute, " + q.requestCounts("t") +
			" FROM " + q.from("t") + " WHERE " + q.requestWhere("t") + " AND " + q.between("t", lo, hi) + " GROUP BY 1)"
	} else {
		// touched: journeys with a row in the range; early: the first minutes before the
		// range of those journeys, which a late row may have changed; every journey that
		// starts in an early minute has a row in it.
		computed = "touched AS (" + q.journeyIDsBetween(lo, hi) + "), " +
			"early AS (" + q.firstMinutes("SELECT * FROM touched", "j.first_ts < "+lo) + "), " +
			"candidates AS (SELECT * FROM touched UNION " + q.journeyIDsInMinutes("SELECT * FROM early") + "), " +
			"js AS (" + q.journeys("SELECT * FROM candidates") + "), " +
			"computed AS (" + minuteCountsOf("js",
			"(j.first_ts >= "+lo+" AND j.first_ts < "+hi+") OR date_trunc('minute', j.first_ts) IN (SELECT minute FROM early)") + ")"
		// A journey with an infinite timestamp has no span: longer than any range. A candidate
		// without timed rows in scope (a NULL id, say) has none at all.
		span = "(SELECT max(CASE WHEN js.first_ts IS NULL THEN NULL WHEN isfinite(js.first_ts) AND isfinite(js.last_ts) THEN js.last_ts - js.first_ts" +
			" ELSE " + p.add(unboundedSpan) + "::interval END) FROM js)"
		recomputed = "(" + recomputed + " OR r.minute IN (SELECT minute FROM early))"
	}
	m0 := "(SELECT m0 FROM changed)"
	sql := "WITH " + computed + ", " +
		"old AS (SELECT r.minute, r.good, r.valid FROM " + rollup + " r WHERE r.series = " + key + " AND " + recomputed + "), " +
		"changed AS (SELECT min(coalesce(c.minute, o.minute)) AS m0 FROM computed c FULL JOIN old o ON o.minute = c.minute" +
		" WHERE (c.good, c.valid) IS DISTINCT FROM (o.good, o.valid)), " +
		"base AS (SELECT coalesce(max(b.cum_good), 0) AS good, coalesce(max(b.cum_valid), 0) AS valid FROM (SELECT r.cum_good, r.cum_valid FROM " + rollup +
		" r WHERE r.series = " + key + " AND r.minute < " + m0 + " ORDER BY r.minute DESC LIMIT 1) b), " +
		"merged AS (SELECT c.minute, c.good, c.valid FROM computed c WHERE c.minute >= " + m0 +
		" UNION ALL SELECT r.minute, r.good, r.valid FROM " + rollup + " r WHERE r.series = " + key + " AND r.minute >= " + m0 + " AND NOT " + recomputed + "), " +
		"target AS (SELECT m.minute, m.good, m.valid, ((SELECT good FROM base) + sum(m.good) OVER w)::bigint AS cum_good," +
		" ((SELECT valid FROM base) + sum(m.valid) OVER w)::bigint AS cum_valid FROM merged m WINDOW w AS (ORDER BY m.minute)), " +
		"written AS (INSERT INTO " + rollup + " AS r (series, minute, good, valid, cum_good, cum_valid)" +
		" SELECT " + key + ", minute, good, valid, cum_good, cum_valid FROM target" +
		" ON CONFLICT (series, minute) DO UPDATE SET good = excluded.good, valid = excluded.valid, cum_good = excluded.cum_good, cum_valid = excluded.cum_valid" +
		" WHERE (r.good, r.valid, r.cum_good, r.cum_valid) IS DISTINCT FROM (excluded.good, excluded.valid, excluded.cum_good, excluded.cum_valid) RETURNING 1), " +
		"deleted AS (DELETE FROM " + rollup + " r WHERE r.series = " + key + " AND r.minute >= " + lo + " AND r.minute < " + hi +
		" AND NOT EXISTS (SELECT 1 FROM computed c WHERE c.minute = r.minute) RETURNING 1) " +
		"SELECT (SELECT count(*) FROM computed), (SELECT count(*) FROM written), (SELECT count(*) FROM deleted), " + span
	return sql, p.args
}

// RollupState is how far a series' rollups are complete.
type RollupState struct {
	// CoveredTo: every minute before it has been computed at least once.
	CoveredTo time.Time
	// RefreshedAt is the database clock at the last refresh.
	RefreshedAt time.Time
	// JourneySpan is, for a journey series, the longest time between the first and the last
	// row of one journey among the journeys the refreshes of its measured region counted
	// (unboundedSpan for a journey with an infinite timestamp); nil before the region's first
	// journey and for request series. The measured region is [JourneySpanSince,
	// JourneySpanTo): the refreshes since JourneySpanSince, each going on where the previous
	// one ended, measured every journey they recomputed (migration 3).
	JourneySpan                     *time.Duration
	JourneySpanSince, JourneySpanTo *time.Time
}

// unboundedSpan is the journey span of a journey with an infinite timestamp: longer than
// any range a funnel is asked for.
const unboundedSpan = 100 * 365 * 24 * time.Hour

// ReadRollupState returns the state of def's rollups; found is false before its first
// refresh.
func ReadRollupState(ctx context.Context, db DBTX, schema string, def Series) (st RollupState, found bool, err error) {
	err = db.QueryRow(ctx, "SELECT covered_to, refreshed_at, journey_span, journey_span_since, journey_span_to FROM "+
		pgx.Identifier{schema, "sli_rollup_state"}.Sanitize()+" WHERE series = $1", def.Key()).
		Scan(&st.CoveredTo, &st.RefreshedAt, &st.JourneySpan, &st.JourneySpanSince, &st.JourneySpanTo)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return RollupState{}, false, nil
	case err != nil:
		return RollupState{}, false, fmt.Errorf("read rollup state of %s: %w", def.Key(), err)
	}
	st.CoveredTo, st.RefreshedAt = st.CoveredTo.UTC(), st.RefreshedAt.UTC()
	for _, t := range []*time.Time{st.JourneySpanSince, st.JourneySpanTo} {
		if t != nil {
			*t = t.UTC()
		}
	}
	return st, true, nil
}
