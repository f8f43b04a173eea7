package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// PercentileRanges returns, for each range [From, To) in order, the percentiles fractions
// (each in [0, 1]) of the response times of def's valid requests (status < 500) in the range:
// percentile_cont, linear interpolation between the two nearest ranks (rank (n-1)*f, as
// numpy's default and Excel's PERCENTILE.INC), as percentilesSQL. A range without valid
// requests has nil (no data). def must be a latency series.
//
// Percentiles do not add up across minutes the way counts do, so there are no rollups to
// read: every range is its own aggregate over raw rows, found through the (service,
// timestamp) index, in one statement (unnest of the ranges WITH ORDINALITY and a LATERAL
// aggregate each). The cost is the rows inside the ranges, a row in several overlapping
// ranges being read once per range: a series whose window is longer than its step reads
// window/step times its rows.
func PercentileRanges(ctx context.Context, db BatchDBTX, def Series, ranges []Range, fractions []float64) ([][]float64, error) {
	if def.Requests == nil || def.Requests.ThresholdMS == nil {
		return nil, fmt.Errorf("percentiles of %s: not a latency series", def.Key())
	}
	if len(fractions) == 0 {
		return nil, fmt.Errorf("percentiles of %s: no fractions", def.Key())
	}
	for _, f := range fractions {
		if !(f >= 0 && f <= 1) { // also rejects NaN
			return nil, fmt.Errorf("percentiles of %s: fraction %v is not in [0, 1]", def.Key(), f)
		}
	}
	out := make([][]float64, len(ranges))
	if len(ranges) == 0 {
		return out, nil
	}
	sql, args := percentileRangesSQL(def, ranges, fractions)
	b := &pgx.Batch{}
	noJIT(b)
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		var i int
		var v []float64
		_, err := pgx.ForEachRow(rows, []any{&i, &v}, func() error {
			if i < 1 || i > len(out) {
				return fmt.Errorf("range %d of %d", i, len(out))
			}
			if v != nil && len(v) != len(fractions) {
				return fmt.Errorf("range %d: %d percentiles for %d fractions", i, len(v), len(fractions))
			}
			out[i-1] = v
			return nil
		})
		return err
	})
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("percentiles of %s: %w", def.Key(), err)
	}
	return out, nil
}

// percentileRangesSQL is PercentileRanges' statement: one row (i, percentiles) per range,
// percentiles NULL for a range without valid requests.
func percentileRangesSQL(def Series, ranges []Range, fractions []float64) (string, []any) {
	var p params
	q := def.bind(&p)
	from, to := rangeArrays(ranges)
	rs := "unnest(" + p.add(from) + "::timestamptz[], " + p.add(to) + "::timestamptz[]) WITH ORDINALITY AS r(a, b, i)"
	fr := p.add(slices.Clone(fractions))
	return "SELECT r.i::int, x.v FROM " + rs + " CROSS JOIN LATERAL (SELECT percentile_cont(" + fr + "::float8[]) WITHIN GROUP (ORDER BY " +
		col("t", def.Requests.ResponseTimeColumn) + "::float8) AS v FROM " + q.from("t") +
		" WHERE " + q.requestWhere("t") + " AND " + q.between("t", "r.a", "r.b") + ") x", p.args
}
