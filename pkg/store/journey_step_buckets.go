package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// StepBucket is one step of a journey over the journeys that started in one time bucket.
type StepBucket struct {
	// Start is the bucket's start: buckets are [from + k*step, from + (k+1)*step).
	Start time.Time
	// Step is the step name; Order the smallest step_order it was logged with in the bucket.
	Step  string
	Order int64
	// Reached and Succeeded mean what they mean in StepStats: journeys with a row of the step,
	// and those of them whose rows of it all succeeded.
	Reached, Succeeded int64
}

// JourneyStepBuckets counts, for the journeys of def (a journey series) that started in
// [from, to), per bucket of their start ([from + k*step, from + (k+1)*step), the last one cut
// at to) and per step, the journeys that reached the step and those whose rows of it all
// succeeded: StepStats.Reached and Succeeded, bucket by bucket. Buckets and steps without
// journeys have no row. Ordered by bucket, then step order, then name. step must be a
// positive whole number of seconds. All rows of those journeys are read, also rows after to.
// One query, in a batch after noJIT.
func JourneyStepBuckets(ctx context.Context, db BatchDBTX, def Series, from, to time.Time, step time.Duration) ([]StepBucket, error) {
	if def.Journeys == nil {
		return nil, fmt.Errorf("journey step buckets of %s: not a journey series", def.Key())
	}
	if step < time.Second || step%time.Second != 0 {
		return nil, fmt.Errorf("journey step buckets of %s: step %s is not a positive whole number of seconds", def.Key(), step)
	}
	from, to = from.UTC(), to.UTC()
	secs := int64(step / time.Second)
	var out []StepBucket
	sql, args := journeyStepBucketsSQL(def, from, to, secs)
	batch := &pgx.Batch{}
	noJIT(batch)
	batch.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		var b StepBucket
		var bucket int64
		_, err := pgx.ForEachRow(rows, []any{&bucket, &b.Step, &b.Order, &b.Reached, &b.Succeeded}, func() error {
			st := b
			st.Start = from.Add(time.Duration(bucket) * step)
			out = append(out, st)
			return nil
		})
		return err
	})
	if err := db.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("journey step buckets of %s: %w", def.Key(), err)
	}
	return out, nil
}

// journeyStepBucketsSQL: the window's journeys (by first row, as journeyStepsSQL), one row
// per (journey, step) with its bucket number floor((first row - from) / secs), then per
// (bucket, step) the counts.
func journeyStepBucketsSQL(def Series, from, to time.Time, secs int64) (string, []any) {
	var p params
	q := def.bind(&p)
	j := def.Journeys
	lo, hi := p.add(from.UTC())+"::timestamptz", p.add(to.UTC())+"::timestamptz"
	width := p.add(secs) + "::bigint"
	sql := "WITH journeys AS (SELECT j.jid, j.first_ts FROM (" + q.journeys(q.journeyIDsBetween(lo, hi)) + ") j" +
		" WHERE j.first_ts >= " + lo + " AND j.first_ts < " + hi + "), " +
		"per AS (SELECT jj.jid, floor(extract(epoch FROM jj.first_ts - " + lo + ") / " + width + ")::bigint AS bucket, r.step," +
		" min(r.ord) AS ord, bool_and(r.ok) AS ok FROM journeys jj CROSS JOIN LATERAL (SELECT " +
		col("s", j.StepColumn) + "::text AS step, " + col("s", j.OrderColumn) + "::bigint AS ord, " +
		col("s", j.SuccessColumn) + " IS TRUE AS ok FROM " + q.from("s") +
		" WHERE " + q.scope("s") + " AND " + q.jid("s") + " = jj.jid) r GROUP BY 1, 2, 3) " +
		"SELECT bucket, step, min(ord), count(*), count(*) FILTER (WHERE ok) FROM per WHERE step IS NOT NULL" +
		" GROUP BY bucket, step ORDER BY bucket, min(ord), step"
	return sql, p.args
}
