package store

import (
	"context"
	"fmt"
	"slices"
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
//  1. segments: sli_rollup rows of the span bucketed by width_bucket over Bounds and summed,
//     plus a per-minute GROUP BY of raw rows from Settled to the last bound (for journeys also
//     the minutes whose journeys have a row after Settled: they replace the rollup's);
//  2. ranges: unnest(from[], to[]) WITH ORDINALITY with a LATERAL raw count per range;
//  3. percentiles: percentile_cont over the valid rows of one range.
func Count(ctx context.Context, db BatchDBTX, schema string, def Series, q CountQuery) (CountResult, error) {
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
		res.Segments = make([]slo.Counts, len(q.Bounds)-1)
		sql, args := segmentsSQL(schema, def, q.Bounds, q.Settled)
		b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
			var bucket int
			var c slo.Counts
			_, err := pgx.ForEachRow(rows, []any{&bucket, &c.Good, &c.Valid}, func() error {
				if bucket < 1 || bucket >= len(q.Bounds) {
					return fmt.Errorf("segment %d outside the %d bounds", bucket, len(q.Bounds))
				}
				res.Segments[bucket-1] = res.Segments[bucket-1].Add(c)
				return nil
			})
			if err != nil {
				return fmt.Errorf("segments: %w", err)
			}
			return nil
		})
	}
	if len(q.Ranges) > 0 {
		res.Ranges = make([]slo.Counts, len(q.Ranges))
		var p params
		sq := def.bind(&p)
		from, to := rangeArrays(q.Ranges)
		sql := sq.rangeCounts(p.add(from), p.add(to))
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
// planner estimates them far above jit_above_cost, and compiling them costs 100-200 ms.
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

// segmentsSQL is the statement of Count's segments: (bucket, good, valid) rows, several per
// bucket possible, to be summed.
func segmentsSQL(schema string, def Series, bounds []time.Time, settled time.Time) (string, []any) {
	start, end := bounds[0], bounds[len(bounds)-1]
	// Rollups serve [start, rollEnd); raw rows [rollEnd, end).
	rollEnd := start
	if !settled.IsZero() {
		rollEnd = clampTime(floorMinute(settled), start, end)
	}
	var p params
	q := def.bind(&p)
	utc := make([]time.Time, len(bounds))
	for i, t := range bounds {
		utc[i] = t.UTC()
	}
	bs := p.add(utc) + "::timestamptz[]"
	key := p.add(def.Key())
	lo, hi, tailFrom := p.add(start.UTC())+"::timestamptz", p.add(end.UTC())+"::timestamptz", p.add(rollEnd.UTC())+"::timestamptz"
	rollupWhere := "r.series = " + key + " AND r.minute >= " + lo + " AND r.minute < " + tailFrom
	var with string
	switch {
	case def.Requests != nil:
		with = "tail AS (SELECT " + q.minute("t") + " AS minute, " + q.requestCounts("t") + " FROM " + q.from("t") +
			" WHERE " + q.requestWhere("t") + " AND " + q.between("t", tailFrom, hi) + " GROUP BY 1)"
	case rollEnd.After(start):
		// dirty: first minutes served by the rollups of journeys with a row at or after
		// settled; such a row may have arrived after the last refresh, so the whole minute
		// is recounted from raw rows and replaces the rollup's.
		settledP := p.add(floorMinute(settled).UTC()) + "::timestamptz"
		with = "touched AS (SELECT " + q.jid("jt") + " FROM " + q.from("jt") + " WHERE " + q.scope("jt") + " AND " + q.ts("jt") + " >= " + settledP + "), " +
			"dirty AS (" + q.firstMinutes("SELECT * FROM touched", "j.first_ts >= "+lo+" AND j.first_ts < "+tailFrom) + "), " +
			"candidates AS (" + q.journeyIDsBetween(tailFrom, hi) + " UNION " + q.journeyIDsInMinutes("SELECT * FROM dirty") + "), " +
			"tail AS (" + q.journeyMinuteCounts("SELECT * FROM candidates",
			"(j.first_ts >= "+tailFrom+" AND j.first_ts < "+hi+") OR date_trunc('minute', j.first_ts) IN (SELECT minute FROM dirty)") + ")"
		rollupWhere += " AND r.minute NOT IN (SELECT minute FROM dirty)"
	default:
		with = "tail AS (" + q.journeyMinuteCounts(q.journeyIDsBetween(tailFrom, hi), "j.first_ts >= "+tailFrom+" AND j.first_ts < "+hi) + ")"
	}
	sql := "WITH " + with +
		" SELECT width_bucket(r.minute, " + bs + "), sum(r.good)::bigint, sum(r.valid)::bigint" +
		" FROM " + pgx.Identifier{schema, "sli_rollup"}.Sanitize() + " r WHERE " + rollupWhere + " GROUP BY 1" +
		" UNION ALL SELECT width_bucket(tail.minute, " + bs + "), tail.good, tail.valid FROM tail"
	return sql, p.args
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
