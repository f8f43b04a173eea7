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
// positive whole number of seconds. All rows of those journeys are read, also rows after to,
// found as JourneySteps finds them (by time once the refreshes have measured the longest
// journey; schema and grace as there). One query, in a batch after noJIT, after reading
// def's rollup state.
func JourneyStepBuckets(ctx context.Context, db BatchDBTX, schema string, def Series, from, to time.Time, step time.Duration, grace time.Duration) ([]StepBucket, error) {
	if def.Journeys == nil {
		return nil, fmt.Errorf("journey step buckets of %s: not a journey series", def.Key())
	}
	if step < time.Second || step%time.Second != 0 {
		return nil, fmt.Errorf("journey step buckets of %s: step %s is not a positive whole number of seconds", def.Key(), step)
	}
	from, to = from.UTC(), to.UTC()
	byTime, err := journeyWindowOf(ctx, db, schema, def, from, to, grace)
	if err != nil {
		return nil, fmt.Errorf("journey step buckets of %s: %w", def.Key(), err)
	}
	secs := int64(step / time.Second)
	var out []StepBucket
	sql, args := journeyStepBucketsSQL(def, from, to, secs, byTime)
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

// journeyStepBucketsSQL: the rows of the window's journeys (journeyRows), each journey's
// first row (to keep those that started in the window, as journeyStepsSQL), one row per
// (journey, step) with its bucket number floor((first row - from) / secs), then per (bucket,
// step) the counts.
func journeyStepBucketsSQL(def Series, from, to time.Time, secs int64, byTime *journeyWindow) (string, []any) {
	var p params
	q := def.bind(&p)
	lo, hi := p.add(from.UTC())+"::timestamptz", p.add(to.UTC())+"::timestamptz"
	width := p.add(secs) + "::bigint"
	sql := "WITH r AS MATERIALIZED (" + q.journeyRows(from, to, lo, hi, byTime) + "), " +
		"journeys AS (SELECT r.jid, min(r.ts)::timestamptz AS first_ts FROM r GROUP BY r.jid" +
		" HAVING " + startedIn("min(r.ts)", lo, hi) + "), " +
		"per AS (SELECT j.jid, floor(extract(epoch FROM j.first_ts - " + lo + ") / " + width + ")::bigint AS bucket, r.step," +
		" min(r.ord) AS ord, bool_and(r.ok) AS ok FROM journeys j JOIN r ON r.jid = j.jid GROUP BY 1, 2, 3) " +
		"SELECT bucket, step, min(ord), count(*), count(*) FILTER (WHERE ok) FROM per WHERE step IS NOT NULL" +
		" GROUP BY bucket, step ORDER BY bucket, min(ord), step"
	return sql, p.args
}
