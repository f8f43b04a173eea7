package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// StepStats is one step of a journey's funnel over the journeys that started in a window.
type StepStats struct {
	// Step is the step name; Order the smallest step_order it was logged with.
	Step  string
	Order int64
	// Reached is how many journeys have a row of this step; Succeeded how many of those
	// have only successful rows of it. SuccessRate is Succeeded/Reached.
	Reached, Succeeded int64
	SuccessRate        *float64
	// P50DurationMS and P95DurationMS are percentile_cont (linear interpolation) of the
	// step's row durations; nil when no row has a duration.
	P50DurationMS, P95DurationMS *float64
	// MaxDurationMS is the step's configured limit, 0 for none; OverBudget is how many
	// journeys have a row of this step that took longer.
	MaxDurationMS float64
	OverBudget    int64
	// DropOff is how many journeys reached the previous step (in Order) but not this one;
	// 0 for the first step.
	DropOff int64
}

// JourneySteps reports every step logged by the journeys of def (a journey series) that
// started in [from, to) — the journeys its SLI counts in that window — ordered by step order,
// then name. All rows of those journeys are read, also rows after to. One query, in a batch
// after noJIT.
func JourneySteps(ctx context.Context, db BatchDBTX, def Series, from, to time.Time) ([]StepStats, error) {
	if def.Journeys == nil {
		return nil, fmt.Errorf("journey steps of %s: not a journey series", def.Key())
	}
	limits := map[string]float64{}
	for _, l := range def.Journeys.Limits {
		limits[l.Step] = l.MaxMS
	}
	var out []StepStats
	sql, args := journeyStepsSQL(def, from, to)
	batch := &pgx.Batch{}
	noJIT(batch)
	// The funnel aggregates every (journey, step) of the range in memory; PostgreSQL's 4 MB
	// default sends a week of a busy journey to disk. Local to this batch's transaction.
	batch.Queue("SELECT set_config('work_mem', '64MB', true)")
	batch.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		var s StepStats
		var pcts []*float64
		_, err := pgx.ForEachRow(rows, []any{&s.Step, &s.Order, &s.Reached, &s.Succeeded, &s.OverBudget, &s.DropOff, &pcts}, func() error {
			st := s
			if st.Reached > 0 {
				r := float64(st.Succeeded) / float64(st.Reached)
				st.SuccessRate = &r
			}
			if len(pcts) == 2 {
				st.P50DurationMS, st.P95DurationMS = copyFloat(pcts[0]), copyFloat(pcts[1])
			}
			st.MaxDurationMS = limits[st.Step]
			out = append(out, st)
			return nil
		})
		return err
	})
	err := db.SendBatch(ctx, batch).Close()
	if err != nil {
		return nil, fmt.Errorf("journey steps of %s: %w", def.Key(), err)
	}
	return out, nil
}

// journeyStepsSQL: the window's journeys (by first row), their rows, one row per (journey,
// step), then per step the counts, the duration percentiles and the drop-off from the
// previous step.
func journeyStepsSQL(def Series, from, to time.Time) (string, []any) {
	var p params
	q := def.bind(&p)
	j := def.Journeys
	lo, hi := p.add(from.UTC())+"::timestamptz", p.add(to.UTC())+"::timestamptz"
	fr := p.add([]float64{0.5, 0.95})
	over, join := "false", ""
	if q.hasLimits() {
		join = q.limitsJoin("r.step")
		over = "coalesce(bool_or(r.dur > lim.max_ms), false)"
	}
	sql := "WITH journeys AS (SELECT j.jid FROM (" + q.journeys(q.journeyIDsBetween(lo, hi)) + ") j" +
		" WHERE j.first_ts >= " + lo + " AND j.first_ts < " + hi + "), " +
		"steprows AS (SELECT jj.jid, r.step, r.ord, r.ok, r.dur FROM journeys jj CROSS JOIN LATERAL (SELECT " +
		col("s", j.StepColumn) + "::text AS step, " + col("s", j.OrderColumn) + "::bigint AS ord, " +
		col("s", j.SuccessColumn) + " IS TRUE AS ok, " + col("s", j.DurationColumn) + "::float8 AS dur FROM " + q.from("s") +
		" WHERE " + q.scope("s") + " AND " + q.jid("s") + " = jj.jid) r), " +
		"per AS (SELECT r.jid, r.step, min(r.ord) AS ord, bool_and(r.ok) AS ok, " + over + " AS over" +
		" FROM steprows r" + join + " GROUP BY 1, 2), " +
		"steps AS (SELECT step, min(ord) AS ord, count(*) AS reached, count(*) FILTER (WHERE ok) AS succeeded," +
		" count(*) FILTER (WHERE over) AS over_budget, row_number() OVER (ORDER BY min(ord), step) AS k FROM per GROUP BY step), " +
		"durations AS (SELECT step, percentile_cont(" + fr + "::float8[]) WITHIN GROUP (ORDER BY dur) AS pc FROM steprows GROUP BY step), " +
		"reach AS (SELECT jid, array_agg(step) AS steps FROM per GROUP BY jid), " +
		"drops AS (SELECT cur.step, count(*) AS n FROM steps cur JOIN steps prev ON prev.k = cur.k - 1" +
		" JOIN reach a ON prev.step = ANY(a.steps) AND NOT cur.step = ANY(a.steps) GROUP BY cur.step) " +
		"SELECT s.step, s.ord, s.reached, s.succeeded, s.over_budget, coalesce(d.n, 0), u.pc" +
		" FROM steps s JOIN durations u ON u.step = s.step LEFT JOIN drops d ON d.step = s.step ORDER BY s.k"
	return sql, p.args
}

// copyFloat returns a pointer to a copy of *f (nil for nil): scanned pointers may be reused.
func copyFloat(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}
