package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
)

// BatchDBTX is DBTX that can also pipeline statements: a pool, a connection or a transaction.
type BatchDBTX interface {
	DBTX
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// CountQuery asks for exact event counts of one series, answered in one round trip.
type CountQuery struct {
	// Bounds are ascending, distinct whole UTC minutes; the answer's Segments[i] counts the
	// events in [Bounds[i], Bounds[i+1]). Fewer than two bounds ask for no segment.
	Bounds []time.Time
	// FromState takes settled, the instant before which whole minutes are read from
	// sli_rollup, from the series' rollup state, inside the segments statement: covered_to
	// minus Grace, rounded down to a minute (everything raw without a state row). The
	// rollups and their state are then read in one snapshot, so the count is exact whatever
	// refresh commits meanwhile, without a round trip of its own; CountResult.CoveredTo says
	// what the statement saw. Minutes from settled on, and journeys with a row from it on,
	// come from raw rows.
	FromState bool
	Grace     time.Duration
	// Settled, without FromState, is settled given by the caller (rounded down to a
	// minute); the zero time reads everything raw. It must not be later than the series'
	// covered_to minus the grace. Must be zero with FromState.
	Settled time.Time
	// Ranges are counted from raw rows, each on its own: the partial minutes at window edges.
	Ranges []Range
	// Percentiles, when set, also asks for latency percentiles (latency series only).
	Percentiles *PercentileQuery
}

// PercentileQuery asks for response-time percentiles of a latency series' valid requests
// (status < 500) in [From, To).
type PercentileQuery struct {
	From, To time.Time
	// Fractions in [0, 1], e.g. 0.5, 0.95, 0.99.
	Fractions []float64
}

// CountResult answers a CountQuery.
type CountResult struct {
	Segments []slo.Counts // one per pair of consecutive Bounds
	Ranges   []slo.Counts // one per Range, in order
	// Percentiles are the values of PercentileQuery.Fractions, nil when no valid request
	// fell in the range (no data) or none were asked.
	Percentiles []float64
	// CoveredTo is, with FromState, the series' covered_to the count read; zero when the
	// series has no rollup state (and without FromState).
	CoveredTo time.Time
}

// Count answers q for the series def, exactly: whole minutes before settled come from the
// rollups in schema, everything else from the log table. It sends one pipelined batch: JIT
// off (noJIT), then up to three statements:
//
//  1. segments (segmentsSQL): settled (from the rollup state, with FromState); the rollups'
//     running totals at each bound — one backward probe of the primary key per bound, so the
//     whole minutes of a Status cost the same whatever the windows' length, or one range
//     scan when the bounds are nearly every minute (a Series at a fine step); plus the raw
//     rows from settled to the last bound, counted per segment (for journeys per minute,
//     also of the minutes whose journeys have a row after settled: their rollup rows are
//     subtracted and the raw recount added). With FromState and fewer than two bounds, a
//     read of the rollup state instead, for CountResult.CoveredTo;
//  2. ranges: unnest(from[], to[]) WITH ORDINALITY with a LATERAL raw count per range;
//  3. percentiles: percentile_cont over the valid rows of one range.
func Count(ctx context.Context, db BatchDBTX, schema string, def Series, q CountQuery) (CountResult, error) {
	return count(ctx, db, schema, def, q, autoTotals)
}

// count is Count reading the rollups' totals the way mode says.
func count(ctx context.Context, db BatchDBTX, schema string, def Series, q CountQuery, mode totalsMode) (CountResult, error) {
	if err := ValidateSchema(schema); err != nil {
		return CountResult{}, fmt.Errorf("count %s: schema %q: %w", def.Key(), schema, err)
	}
	if err := checkBounds(q.Bounds); err != nil {
		return CountResult{}, fmt.Errorf("count %s: %w", def.Key(), err)
	}
	if q.Percentiles != nil && (def.Requests == nil || def.Requests.ThresholdMS == nil) {
		return CountResult{}, fmt.Errorf("count %s: percentiles of a series that is not latency", def.Key())
	}
	if q.FromState && (!q.Settled.IsZero() || q.Grace < 0) {
		return CountResult{}, fmt.Errorf("count %s: settled from the state with a settled instant or a negative grace", def.Key())
	}
	src := settledSource{fromState: q.FromState, grace: q.Grace, at: q.Settled}
	res := CountResult{}
	b := &pgx.Batch{}
	noJIT(b)
	switch {
	case len(q.Bounds) >= 2:
		sq := segmentsSQL(schema, def, q.Bounds, src, mode)
		b.Queue(sq.sql, sq.args...).Query(func(rows pgx.Rows) error {
			segs, covered, err := sq.read(rows)
			if err != nil {
				return fmt.Errorf("segments: %w", err)
			}
			res.Segments, res.CoveredTo = segs, covered
			return nil
		})
	case q.FromState:
		b.Queue("SELECT covered_to FROM "+pgx.Identifier{schema, "sli_rollup_state"}.Sanitize()+" WHERE series = $1", def.Key()).
			Query(func(rows pgx.Rows) error {
				_, err := pgx.ForEachRow(rows, []any{&res.CoveredTo}, func() error { return nil })
				if err != nil {
					return fmt.Errorf("rollup state: %w", err)
				}
				res.CoveredTo = res.CoveredTo.UTC()
				return nil
			})
	}
	if len(q.Ranges) > 0 {
		res.Ranges = make([]slo.Counts, len(q.Ranges))
		var p params
		sq := def.bind(&p)
		from, to := rangeArrays(q.Ranges)
		sql := sq.rangeCounts("unnest(" + p.add(from) + "::timestamptz[], " + p.add(to) + "::timestamptz[]) WITH ORDINALITY AS r(a, b, i)")
		b.Queue(sql, p.args...).Query(func(rows pgx.Rows) error {
			var i int
			var c slo.Counts
			_, err := pgx.ForEachRow(rows, []any{&i, &c.Good, &c.Valid}, func() error {
				if i < 1 || i > len(res.Ranges) {
					return fmt.Errorf("range %d of %d", i, len(res.Ranges))
				}
				res.Ranges[i-1] = c
				return nil
			})
			if err != nil {
				return fmt.Errorf("ranges: %w", err)
			}
			return nil
		})
	}
	if pq := q.Percentiles; pq != nil {
		sql, args := percentilesSQL(def, *pq)
		b.Queue(sql, args...).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&res.Percentiles); err != nil {
				return fmt.Errorf("percentiles: %w", err)
			}
			return nil
		})
	}
	if b.Len() == 1 {
		return res, nil
	}
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return CountResult{}, fmt.Errorf("count %s: %w", def.Key(), err)
	}
	return res, nil
}

// plainPlans are the settings noJIT makes, as select-list items: JIT compilation and parallel
// workers off until the transaction ends.
const plainPlans = "set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)"

// noJIT queues, first in a batch, plainPlans: JIT compilation and parallel workers off
// until the batch's implicit transaction ends (the caller's transaction, when the batch runs
// in one). The counting statements run in a few milliseconds through indexes, but with range
// parameters the planner estimates them far above jit_above_cost and parallel_setup_cost:
// compiling them costs 100-200 ms, and starting a worker for a Gather over a handful of rows
// 50-100 ms on a busy server (measured on the bench's journey series). It is not a session
// setting because the engine reads through any pool it is given, not only NewPool's.
func noJIT(b *pgx.Batch) { b.Queue("SELECT " + plainPlans) }

// checkBounds requires ascending, distinct whole minutes.
func checkBounds(bounds []time.Time) error {
	for i, t := range bounds {
		if !t.Equal(FloorMinute(t)) {
			return fmt.Errorf("bound %s is not a whole minute", t.Format(time.RFC3339Nano))
		}
		if i > 0 && !bounds[i-1].Before(t) {
			return fmt.Errorf("bounds not ascending at %s", t.Format(time.RFC3339Nano))
		}
	}
	return nil
}

// How segmentsSQL reads the rollups' running totals at the bounds.
type totalsMode int

const (
	// autoTotals picks probeTotals or scanTotals by their cost (see pickTotals).
	autoTotals totalsMode = iota
	// probeTotals: one backward primary-key probe per bound.
	probeTotals
	// scanTotals: a probe before the first bound, then one index range scan of the rows
	// from the first bound to rollEnd.
	scanTotals
)

// probeCostRows is what one probe costs in rows of a range scan: measured on PostgreSQL 15
// (this repository's bench, 10,000 to 50,000 points or rows), a LIMIT 1 backward index-only
// probe took about 4.4 µs, a row of an index-only range scan read back by pgx about 0.45 µs.
const probeCostRows = 10

// pickTotals returns probeTotals unless probing n bounds costs more than scanning every
// minute of [from, to) would (a Series at a fine step, whose bounds are most minutes).
func pickTotals(n int, from, to time.Time) totalsMode {
	if minutes := to.Sub(from) / time.Minute; int64(n)*probeCostRows > int64(minutes) {
		return scanTotals
	}
	return probeTotals
}

// The rows of a segments statement are (kind, i, good, valid):
const (
	// rowTotal: running totals (cum_good, cum_valid) of a rollup row before bound i
	// (1-based), clamped to rollEnd. The total before bound i is the largest such row of any
	// bound <= i (the totals only grow with the minute): a probe gives the last row before
	// its bound, the scan reports the largest totals of its rows in [bound i-1, bound i) for
	// bound i.
	rowTotal = 0
	// rowBucket: counts to add to segment i (width_bucket over the bounds, 1-based): raw
	// minutes, and for journeys minus the rollup rows of the minutes recounted from raw rows.
	rowBucket = 1
	// rowState: the series' covered_to in Unix microseconds (good), with FromState and a
	// state row only.
	rowState = 2
)

// settledSource is where a segments statement takes settled from: the rollup state (minus
// grace) or the instant at (zero: none).
type settledSource struct {
	fromState bool
	grace     time.Duration
	at        time.Time
}

// segmentsQuery is Count's segments statement and how to turn its rows into segments.
type segmentsQuery struct {
	sql  string
	args []any
	// bounds is how many bounds there are (segments + 1).
	bounds int
}

// maxTailRanges is how many segments at most a request series' raw part is counted for
// per segment, one index range scan each (a Status has eight or so, all but the last one or
// two empty after settled); beyond it (a Series) the raw rows from settled on are grouped by
// minute in one scan, which sorts them: the few minutes since settled, or, for a series
// without rollups, everything.
const maxTailRanges = 64

// segmentsSQL is the statement of Count's segments. Its CTE st holds, on one row, the
// series' covered_to (from the state, else NULL), sf = floor_minute(settled) (NULL: none)
// and rollEnd re = sf clamped to the bounds (the first bound without sf): the rollups serve
// the whole minutes [bounds[0], re), raw rows the rest. Segment i is total(min(bounds[i+1],
// re)) - total(min(bounds[i], re)) plus the raw and correction rows reported for it,
// total(x) being cum_good and cum_valid of the series' last rollup row before x (0 for
// none). The totals are read at every bound by one ORDER BY minute DESC LIMIT 1 probe each
// (unnest WITH ORDINALITY and LATERAL), or, when the bounds are dense (mode, see
// pickTotals), by one range scan of [bounds[0], re). The parts are one statement (UNION
// ALL), so they and the state read one snapshot: settled is computed in the statement, so
// its shape never depends on it.
func segmentsSQL(schema string, def Series, bounds []time.Time, src settledSource, mode totalsMode) segmentsQuery {
	start, end := bounds[0], bounds[len(bounds)-1]
	sq := segmentsQuery{bounds: len(bounds)}

	// Placeholders are added when first used: PostgreSQL rejects parameters a statement
	// never uses.
	var p params
	q := def.bind(&p)
	var keyPH, boundsPH string
	key := func() string { return q.once(&keyPH, def.Key()) }
	utc := make([]time.Time, len(bounds))
	for i, t := range bounds {
		utc[i] = t.UTC()
	}
	bs := func() string { return q.once(&boundsPH, utc) + "::timestamptz[]" }
	ts := func(t time.Time) string { return p.add(t.UTC()) + "::timestamptz" }
	rollup := pgx.Identifier{schema, "sli_rollup"}.Sanitize()
	bucket, total := strconv.Itoa(rowBucket), strconv.Itoa(rowTotal)

	lo, hi := ts(start), ts(end)
	var state string
	switch {
	case src.fromState:
		state = "SELECT max(s.covered_to) AS covered, date_trunc('minute', max(s.covered_to) - " + p.add(int64(src.grace/time.Microsecond)) +
			"::bigint * interval '1 microsecond') AS sf FROM " + pgx.Identifier{schema, "sli_rollup_state"}.Sanitize() + " s WHERE s.series = " + key()
	case src.at.IsZero():
		state = "SELECT NULL::timestamptz AS covered, NULL::timestamptz AS sf"
	default:
		state = "SELECT NULL::timestamptz AS covered, " + ts(FloorMinute(src.at)) + " AS sf"
	}
	with := []string{"st AS (SELECT x.covered, x.sf, CASE WHEN x.sf IS NULL OR x.sf <= " + lo + " THEN " + lo +
		" WHEN x.sf >= " + hi + " THEN " + hi + " ELSE x.sf END AS re FROM (" + state + ") x)"}
	// re and sf as scalar subqueries: InitPlans, computed once, usable in index conditions.
	re, sf := "(SELECT re FROM st)", "(SELECT sf FROM st)"

	// parts: SELECTs of (kind, i, good, valid); the probes are never left out.
	var parts []string
	switch {
	case def.Requests != nil && len(bounds)-1 <= maxTailRanges:
		// The raw part [max(bounds[i-1], re), bounds[i]) of each segment ending after re.
		from, to, seg := make([]time.Time, len(bounds)-1), utc[1:], make([]int32, len(bounds)-1)
		for i := range from {
			from[i], seg[i] = utc[i], int32(i+1)
		}
		parts = append(parts, "SELECT "+bucket+", x.i, x.good, x.valid FROM ("+
			q.rangeCounts("(SELECT greatest(u.a, "+re+") AS a, u.b, u.i FROM unnest("+p.add(from)+"::timestamptz[], "+p.add(to)+
				"::timestamptz[], "+p.add(seg)+"::int[]) AS u(a, b, i) WHERE u.b > "+re+") AS r")+") x")
	case def.Requests != nil:
		with = append(with, "tail AS (SELECT "+q.minute("t")+" AS minute, "+q.requestCounts("t")+" FROM "+q.from("t")+
			" WHERE "+q.requestWhere("t")+" AND "+q.between("t", re, hi)+" GROUP BY 1)")
	default:
		// touched: journeys with a row at or after settled, when the rollups serve anything;
		// dirty: their first minutes the rollups serve: such a row may have arrived after
		// the last refresh, so the whole minute is recounted from raw rows, and its rollup
		// row (inside the totals) is subtracted. Needed even when no segment reaches past
		// re. tail: the journeys that start from re on, and those of the dirty minutes.
		// touched's "< 'infinity'", always true, makes its condition a range: sf is known
		// only when the statement runs, and PostgreSQL estimates a range on an unknown bound
		// at 0.5 % of the rows, a one-sided condition at a third (which could make it
		// prefer a sequential scan of a large table to the few rows since settled).
		with = append(with,
			"touched AS (SELECT "+q.jid("jt")+" FROM "+q.from("jt")+" WHERE "+re+" > "+lo+" AND "+q.scope("jt")+" AND "+q.ts("jt")+" >= "+sf+
				" AND "+q.ts("jt")+" < 'infinity')",
			"dirty AS ("+q.firstMinutes("SELECT * FROM touched", "j.first_ts >= "+lo+" AND j.first_ts < "+re)+")",
			"candidates AS ("+q.journeyIDsBetween(re, hi)+" UNION "+q.journeyIDsInMinutes("SELECT * FROM dirty")+")",
			"tail AS ("+q.journeyMinuteCounts("SELECT * FROM candidates",
				"(j.first_ts >= "+re+" AND j.first_ts < "+hi+") OR date_trunc('minute', j.first_ts) IN (SELECT minute FROM dirty)")+")")
		parts = append(parts, "SELECT "+bucket+", width_bucket(r.minute, "+bs()+"), -r.good, -r.valid FROM "+rollup+
			" r WHERE r.series = "+key()+" AND r.minute IN (SELECT minute FROM dirty)")
	}
	if len(with) > 1 {
		parts = append(parts, "SELECT "+bucket+", width_bucket(tail.minute, "+bs()+"), tail.good, tail.valid FROM tail")
	}

	if mode == autoTotals {
		mode = pickTotals(len(bounds), start, end)
	}
	probed := utc
	if mode == scanTotals {
		probed = utc[:1]
		// The scanned rows are read back as the largest totals per bound (the last row
		// before it: the totals only grow), not one row per minute.
		parts = append(parts, "SELECT "+total+", width_bucket(r.minute, "+bs()+") + 1, max(r.cum_good), max(r.cum_valid) FROM "+rollup+
			" r WHERE r.series = "+key()+" AND r.minute >= "+lo+" AND r.minute < "+re+" GROUP BY 2")
	}
	parts = append(parts, "SELECT "+total+", b.i::int, c.cum_good, c.cum_valid FROM unnest("+p.add(probed)+"::timestamptz[]) WITH ORDINALITY AS b(t, i)"+
		" CROSS JOIN LATERAL (SELECT r.cum_good, r.cum_valid FROM "+rollup+" r WHERE r.series = "+key()+" AND r.minute < least(b.t, "+re+")"+
		" ORDER BY r.minute DESC LIMIT 1) c")
	if src.fromState {
		parts = append(parts, "SELECT "+strconv.Itoa(rowState)+", 0, (extract(epoch FROM st.covered) * 1000000)::bigint, 0::bigint FROM st WHERE st.covered IS NOT NULL")
	}
	sq.sql, sq.args = "WITH "+strings.Join(with, ", ")+" "+strings.Join(parts, " UNION ALL "), p.args
	return sq
}

// read turns the statement's rows into the segments, and the covered_to it read (zero for
// none).
func (sq segmentsQuery) read(rows pgx.Rows) ([]slo.Counts, time.Time, error) {
	segs := make([]slo.Counts, sq.bounds-1)
	totals := make([]slo.Counts, sq.bounds)
	var covered time.Time
	var kind, i int
	var c slo.Counts
	_, err := pgx.ForEachRow(rows, []any{&kind, &i, &c.Good, &c.Valid}, func() error {
		switch {
		case kind == rowTotal && i >= 1 && i <= len(totals):
			totals[i-1] = maxCounts(totals[i-1], c)
		case kind == rowBucket && i >= 1 && i <= len(segs):
			segs[i-1] = segs[i-1].Add(c)
		case kind == rowState:
			covered = time.UnixMicro(c.Good).UTC()
		default:
			return fmt.Errorf("row %d/%d outside the %d bounds", kind, i, sq.bounds)
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	for i := 1; i < len(totals); i++ {
		totals[i] = maxCounts(totals[i], totals[i-1])
	}
	for i := range segs {
		segs[i] = segs[i].Add(totals[i+1].Sub(totals[i]))
	}
	return segs, covered, nil
}

// maxCounts is the larger of two running totals, field by field.
func maxCounts(a, b slo.Counts) slo.Counts {
	return slo.Counts{Good: max(a.Good, b.Good), Valid: max(a.Valid, b.Valid)}
}

// percentilesSQL computes percentile_cont (linear interpolation between the two nearest
// ranks, rank (n-1)*f, as numpy's default and Excel's PERCENTILE.INC) of the response times
// of valid requests in [From, To); NULL without rows.
func percentilesSQL(def Series, pq PercentileQuery) (string, []any) {
	var p params
	q := def.bind(&p)
	fr := p.add(slices.Clone(pq.Fractions))
	lo, hi := p.add(pq.From.UTC())+"::timestamptz", p.add(pq.To.UTC())+"::timestamptz"
	return "SELECT percentile_cont(" + fr + "::float8[]) WITHIN GROUP (ORDER BY " + col("t", def.Requests.ResponseTimeColumn) + "::float8)" +
		" FROM " + q.from("t") + " WHERE " + q.requestWhere("t") + " AND " + q.between("t", lo, hi), p.args
}

// Range is the half-open time range [From, To).
type Range struct {
	From, To time.Time
}

// FloorMinute returns the UTC minute holding t.
func FloorMinute(t time.Time) time.Time { return t.UTC().Truncate(time.Minute) }

// rangeArrays splits ranges into the two arrays rangeCounts reads.
func rangeArrays(ranges []Range) (from, to []time.Time) {
	from, to = make([]time.Time, len(ranges)), make([]time.Time, len(ranges))
	for i, r := range ranges {
		from[i], to[i] = r.From.UTC(), r.To.UTC()
	}
	return from, to
}
