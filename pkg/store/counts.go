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
	// Settled is the instant before which whole minutes are read from sli_rollup (rounded
	// down to a minute); minutes from it on, and journeys with a row from it on, come from
	// raw rows. The zero time reads everything raw. Callers pass the series' covered_to
	// minus the grace.
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
}

// Count answers q for the series def, exactly: whole minutes before q.Settled come from the
// rollups in schema, everything else from the log table. It sends one pipelined batch: JIT
// off (noJIT), then up to three statements:
//
//  1. segments (segmentsSQL): the rollups' running totals at each bound — one backward probe
//     of the primary key per bound, so the whole minutes of a Status cost the same whatever
//     the windows' length, or one range scan when the bounds are nearly every minute (a
//     Series at a fine step); plus the raw rows from Settled to the last bound, counted per
//     segment (for journeys per minute, also of the minutes whose journeys have a row after
//     Settled: their rollup rows are subtracted and the raw recount added);
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
	res := CountResult{}
	b := &pgx.Batch{}
	noJIT(b)
	if len(q.Bounds) >= 2 {
		sq := segmentsSQL(schema, def, q.Bounds, q.Settled, mode)
		b.Queue(sq.sql, sq.args...).Query(func(rows pgx.Rows) error {
			segs, err := sq.read(rows)
			if err != nil {
				return fmt.Errorf("segments: %w", err)
			}
			res.Segments = segs
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

// noJIT queues, first in a batch, turning JIT compilation off until the batch's implicit
// transaction ends (the caller's transaction, when the batch runs in one). The counting
// statements run in a few milliseconds through indexes, but with range parameters the
// planner estimates them far above jit_above_cost, and compiling them costs 100-200 ms. It is
// not a session setting because the engine reads through any pool it is given, not only
// NewPool's.
func noJIT(b *pgx.Batch) { b.Queue("SELECT set_config('jit', 'off', true)") }

// checkBounds requires ascending, distinct whole minutes.
func checkBounds(bounds []time.Time) error {
	for i, t := range bounds {
		if !t.Equal(floorMinute(t)) {
			return fmt.Errorf("bound %s is not a whole minute", t.Format(time.RFC3339Nano))
		}
		if i > 0 && !bounds[i-1].Before(t) {
			return fmt.Errorf("bounds not ascending at %s", t.Format(time.RFC3339Nano))
		}
	}
	return nil
}

// How segmentsSQL reads the rollups' running totals at its points.
type totalsMode int

const (
	// autoTotals picks probeTotals or scanTotals by their cost (see pickTotals).
	autoTotals totalsMode = iota
	// probeTotals: one backward primary-key probe per point.
	probeTotals
	// scanTotals: a probe before the first point, then one index range scan of the rows
	// between the first and the last point.
	scanTotals
)

// probeCostRows is what one probe costs in rows of a range scan: measured on PostgreSQL 15
// (this repository's bench, 10,000 to 50,000 points or rows), a LIMIT 1 backward index-only
// probe took about 4.4 µs, a row of an index-only range scan read back by pgx about 0.45 µs.
const probeCostRows = 10

// pickTotals returns probeTotals unless probing n points costs more than scanning every
// minute of [from, to) would (a Series at a fine step, whose points are most minutes).
func pickTotals(n int, from, to time.Time) totalsMode {
	if minutes := to.Sub(from) / time.Minute; int64(n)*probeCostRows > int64(minutes) {
		return scanTotals
	}
	return probeTotals
}

// The rows of a segments statement are (kind, i, good, valid):
const (
	// rowTotal: running totals (cum_good, cum_valid) of a rollup row before point i
	// (1-based). The total before point i is the largest such row of any point <= i (the
	// totals only grow with the minute): a probe gives the last row before its point, a
	// scanned row in [point i-1, point i) is reported for point i.
	rowTotal = 0
	// rowBucket: counts to add to segment i (width_bucket over the bounds, 1-based): raw
	// minutes, and for journeys minus the rollup rows of the minutes recounted from raw rows.
	rowBucket = 1
)

// segmentsQuery is Count's segments statement and how to turn its rows into segments.
type segmentsQuery struct {
	sql  string
	args []any
	// bounds is how many bounds there are (segments + 1); points how many distinct points
	// the totals are read at; pointOf[i] is bound i's point, -1 for every bound when the
	// rollups serve nothing.
	bounds, points int
	pointOf        []int
}

// maxTailRanges is how many segments at most reach past rollEnd for a request series' raw
// part to be counted per segment, one index range scan each (a Status has one or two, a
// Series the few minutes since settled); beyond it the raw rows are grouped by minute in
// one scan, which sorts them (a series without rollups).
const maxTailRanges = 64

// segmentsSQL is the statement of Count's segments. The rollups serve the whole minutes
// [bounds[0], rollEnd), rollEnd = floor(settled) clamped to the bounds; raw rows the rest.
// Segment i is total(min(bounds[i+1], rollEnd)) - total(min(bounds[i], rollEnd)) plus the raw
// and correction rows reported for it, total(x) being cum_good and cum_valid of the series'
// last rollup row before x (0 for none). The totals at the distinct clamped bounds (the
// points) are read by one ORDER BY minute DESC LIMIT 1 probe each (unnest WITH ORDINALITY and
// LATERAL), or, when they are dense (mode, see pickTotals), by one range scan. The parts are
// one statement (UNION ALL), so they read one snapshot.
func segmentsSQL(schema string, def Series, bounds []time.Time, settled time.Time, mode totalsMode) segmentsQuery {
	start, end := bounds[0], bounds[len(bounds)-1]
	// Rollups serve [start, rollEnd); raw rows [rollEnd, end).
	rollEnd := start
	if !settled.IsZero() {
		rollEnd = clampTime(floorMinute(settled), start, end)
	}
	points, pointOf := totalPoints(bounds, rollEnd)
	sq := segmentsQuery{bounds: len(bounds), points: len(points), pointOf: pointOf}

	// Placeholders are added when first used: PostgreSQL rejects parameters a statement
	// never uses.
	var p params
	q := def.bind(&p)
	var keyPH, boundsPH string
	key := func() string { return q.once(&keyPH, def.Key()) }
	bs := func() string {
		if boundsPH == "" {
			utc := make([]time.Time, len(bounds))
			for i, t := range bounds {
				utc[i] = t.UTC()
			}
			boundsPH = p.add(utc) + "::timestamptz[]"
		}
		return boundsPH
	}
	ts := func(t time.Time) string { return p.add(t.UTC()) + "::timestamptz" }
	rollup := pgx.Identifier{schema, "sli_rollup"}.Sanitize()
	bucket, total := strconv.Itoa(rowBucket), strconv.Itoa(rowTotal)

	from, to, seg := tailRanges(bounds, rollEnd)
	var with string
	// parts: SELECTs of (kind, i, good, valid); never none, as either rollEnd > start (points)
	// or rollEnd = start < end (a tail).
	var parts []string
	switch {
	case def.Requests != nil && len(seg) == 0: // nothing after rollEnd
	case def.Requests != nil && len(seg) <= maxTailRanges:
		parts = append(parts, "SELECT "+bucket+", x.i, x.good, x.valid FROM ("+
			q.rangeCounts("unnest("+p.add(from)+"::timestamptz[], "+p.add(to)+"::timestamptz[], "+p.add(seg)+"::int[]) AS r(a, b, i)")+") x")
	case def.Requests != nil:
		with = "tail AS (SELECT " + q.minute("t") + " AS minute, " + q.requestCounts("t") + " FROM " + q.from("t") +
			" WHERE " + q.requestWhere("t") + " AND " + q.between("t", ts(rollEnd), ts(end)) + " GROUP BY 1)"
	case rollEnd.After(start):
		// dirty: first minutes served by the rollups of journeys with a row at or after
		// settled; such a row may have arrived after the last refresh, so the whole minute
		// is recounted from raw rows, and its rollup row (inside the totals) is subtracted.
		// Needed even when no segment reaches past rollEnd.
		lo, hi, tailFrom, settledP := ts(start), ts(end), ts(rollEnd), ts(floorMinute(settled))
		with = "touched AS (SELECT " + q.jid("jt") + " FROM " + q.from("jt") + " WHERE " + q.scope("jt") + " AND " + q.ts("jt") + " >= " + settledP + "), " +
			"dirty AS (" + q.firstMinutes("SELECT * FROM touched", "j.first_ts >= "+lo+" AND j.first_ts < "+tailFrom) + "), " +
			"candidates AS (" + q.journeyIDsBetween(tailFrom, hi) + " UNION " + q.journeyIDsInMinutes("SELECT * FROM dirty") + "), " +
			"tail AS (" + q.journeyMinuteCounts("SELECT * FROM candidates",
			"(j.first_ts >= "+tailFrom+" AND j.first_ts < "+hi+") OR date_trunc('minute', j.first_ts) IN (SELECT minute FROM dirty)") + ")"
		parts = append(parts, "SELECT "+bucket+", width_bucket(r.minute, "+bs()+"), -r.good, -r.valid FROM "+rollup+
			" r WHERE r.series = "+key()+" AND r.minute IN (SELECT minute FROM dirty)")
	default:
		lo, hi := ts(rollEnd), ts(end)
		with = "tail AS (" + q.journeyMinuteCounts(q.journeyIDsBetween(lo, hi), "j.first_ts >= "+lo+" AND j.first_ts < "+hi) + ")"
	}
	if with != "" {
		parts = append(parts, "SELECT "+bucket+", width_bucket(tail.minute, "+bs()+"), tail.good, tail.valid FROM tail")
		with = "WITH " + with + " "
	}

	if len(points) > 0 {
		if mode == autoTotals {
			mode = pickTotals(len(points), points[0], points[len(points)-1])
		}
		probed := points
		if mode == scanTotals {
			probed = points[:1]
			parts = append(parts, "SELECT "+total+", width_bucket(r.minute, "+p.add(points)+"::timestamptz[]) + 1, r.cum_good, r.cum_valid FROM "+rollup+
				" r WHERE r.series = "+key()+" AND r.minute >= "+ts(points[0])+" AND r.minute < "+ts(points[len(points)-1]))
		}
		parts = append(parts, "SELECT "+total+", b.i::int, c.cum_good, c.cum_valid FROM unnest("+p.add(probed)+"::timestamptz[]) WITH ORDINALITY AS b(t, i)"+
			" CROSS JOIN LATERAL (SELECT r.cum_good, r.cum_valid FROM "+rollup+" r WHERE r.series = "+key()+" AND r.minute < b.t"+
			" ORDER BY r.minute DESC LIMIT 1) c")
	}
	sq.sql, sq.args = with+strings.Join(parts, " UNION ALL "), p.args
	return sq
}

// totalPoints returns the distinct bounds clamped to rollEnd, where segmentsSQL reads the
// rollups' totals, and the index of each bound's point; none (and -1 for every bound) when
// rollEnd is the first bound, the rollups serving nothing.
func totalPoints(bounds []time.Time, rollEnd time.Time) ([]time.Time, []int) {
	pointOf := make([]int, len(bounds))
	var points []time.Time
	for i, t := range bounds {
		pointOf[i] = -1
		if !rollEnd.After(bounds[0]) {
			continue
		}
		if t.After(rollEnd) {
			t = rollEnd
		}
		if n := len(points); n == 0 || points[n-1].Before(t) {
			points = append(points, t.UTC())
		}
		pointOf[i] = len(points) - 1
	}
	return points, pointOf
}

// tailRanges returns the raw part [from[k], to[k]) of each segment that reaches past
// rollEnd, and the segment's number (1-based) seg[k].
func tailRanges(bounds []time.Time, rollEnd time.Time) (from, to []time.Time, seg []int32) {
	for i := 1; i < len(bounds); i++ {
		if bounds[i].After(rollEnd) {
			from, to, seg = append(from, maxTime(bounds[i-1], rollEnd).UTC()), append(to, bounds[i].UTC()), append(seg, int32(i))
		}
	}
	return from, to, seg
}

// read turns the statement's rows into the segments.
func (sq segmentsQuery) read(rows pgx.Rows) ([]slo.Counts, error) {
	segs := make([]slo.Counts, sq.bounds-1)
	totals := make([]slo.Counts, sq.points)
	var kind, i int
	var c slo.Counts
	_, err := pgx.ForEachRow(rows, []any{&kind, &i, &c.Good, &c.Valid}, func() error {
		switch {
		case kind == rowTotal && i >= 1 && i <= len(totals):
			totals[i-1] = maxCounts(totals[i-1], c)
		case kind == rowBucket && i >= 1 && i <= len(segs):
			segs[i-1] = segs[i-1].Add(c)
		default:
			return fmt.Errorf("row %d/%d outside the %d bounds and %d points", kind, i, sq.bounds, sq.points)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(totals); i++ {
		totals[i] = maxCounts(totals[i], totals[i-1])
	}
	for i := range segs {
		if a, b := sq.pointOf[i], sq.pointOf[i+1]; a >= 0 {
			segs[i] = segs[i].Add(totals[b].Sub(totals[a]))
		}
	}
	return segs, nil
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

// maxTime returns the later of a and b.
func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// clampTime returns t limited to [lo, hi].
func clampTime(t, lo, hi time.Time) time.Time {
	switch {
	case t.Before(lo):
		return lo
	case t.After(hi):
		return hi
	}
	return t
}

// Range is the half-open time range [From, To).
type Range struct {
	From, To time.Time
}

// floorMinute returns the UTC minute holding t.
func floorMinute(t time.Time) time.Time { return t.UTC().Truncate(time.Minute) }

// rangeArrays splits ranges into the two arrays rangeCounts reads.
func rangeArrays(ranges []Range) (from, to []time.Time) {
	from, to = make([]time.Time, len(ranges)), make([]time.Time, len(ranges))
	for i, r := range ranges {
		from[i], to[i] = r.From.UTC(), r.To.UTC()
	}
	return from, to
}
