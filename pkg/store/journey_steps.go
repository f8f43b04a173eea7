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
// after noJIT, after reading def's rollup state in schema: once the refreshes have measured
// the longest journey, the rows are read by time (see journeyRows), which is exact for rows
// that arrive within grace (the engine's late-data grace) of their timestamp, as the SLI
// counts are.
func JourneySteps(ctx context.Context, db BatchDBTX, schema string, def Series, from, to time.Time, grace time.Duration) ([]StepStats, error) {
	if def.Journeys == nil {
		return nil, fmt.Errorf("journey steps of %s: not a journey series", def.Key())
	}
	byTime, err := journeyWindowOf(ctx, db, schema, def, from, to, grace)
	if err != nil {
		return nil, fmt.Errorf("journey steps of %s: %w", def.Key(), err)
	}
	limits := map[string]float64{}
	for _, l := range def.Journeys.Limits {
		limits[l.Step] = l.MaxMS
	}
	var out []StepStats
	sql, args := journeyStepsSQL(def, from, to, byTime)
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
	if err := db.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("journey steps of %s: %w", def.Key(), err)
	}
	return out, nil
}

// journeyWindow lets the funnel read its journeys' rows by time (see journeyRows): every
// journey with all its rows before settled spans at most span.
type journeyWindow struct {
	span    time.Duration
	settled time.Time
}

// journeyWindowOf reads def's rollup state and returns how the funnel of [from, to) may read
// its journeys' rows by time (journeyRows), or nil to look the journeys up by id. By time
// needs the longest journey, span, of a measured region (see RollupState) reaching back to
// from - span, a span no longer than the range (reading by time would read more rows than
// the range's), and the region reaching the range (else the journeys after its end, looked
// up by id, would be most of them).
//
// Why a journey J with all its rows before settled (the region's end less grace) and a row
// at or after from - span was measured whole: its latest row, at t, is in the region; every
// row of J arrived by t + grace; the first refresh of the region to end after t + grace
// ran after that and recomputed from at most t (from its previous refresh's end less grace,
// or from the region's start), so it read all of J.
func journeyWindowOf(ctx context.Context, db DBTX, schema string, def Series, from, to time.Time, grace time.Duration) (*journeyWindow, error) {
	st, found, err := ReadRollupState(ctx, db, schema, def)
	if err != nil || !found || st.JourneySpan == nil || st.JourneySpanSince == nil || st.JourneySpanTo == nil {
		return nil, err
	}
	span, settled := *st.JourneySpan, st.JourneySpanTo.Add(-grace)
	if span > to.Sub(from) || from.Add(-span).Before(*st.JourneySpanSince) || settled.Before(from) {
		return nil, nil
	}
	return &journeyWindow{span: span, settled: settled}, nil
}

// journeyStepsSQL: the window's journeys (by first row), then per step the counts, the
// duration percentiles and the drop-off from the previous step.
//
// journeyRows gives the rows of the journeys with a row in [from, to) (and maybe of some
// others); one aggregate per journey gives each its first row (to keep those that started in
// the window) and its rows as arrays. From there:
//   - steps unnests the kept journeys' rows: per step the smallest order, the durations (for
//     the percentiles) and the step's rank k by (order, name);
//   - sigs groups the kept journeys by their signature (the steps they logged, those with a
//     failed row, those with a row over its limit): a handful of rows in practice, from which
//     the per-step journey counts and the drop-offs (journeys with step k-1 but not step k)
//     are summed. A journey has step s when s = ANY(its steps), so the counts are those of one
//     row per (journey, step): reached, succeeded (no failed row of s) and over budget.
//
// A NULL step name is ranked, as a group of its own, but not reported.
func journeyStepsSQL(def Series, from, to time.Time, byTime *journeyWindow) (string, []any) {
	var p params
	q := def.bind(&p)
	lo, hi := p.add(from.UTC())+"::timestamptz", p.add(to.UTC())+"::timestamptz"
	fr := p.add([]float64{0.5, 0.95})
	overs, sigOvers, over := "", "", "0::bigint"
	if q.hasLimits() {
		overs = ", array_agg(r.step) FILTER (WHERE r.dur > " + q.stepLimit("r.step") + ") AS overs"
		sigOvers = ", overs"
		over = "coalesce(sum(g.n) FILTER (WHERE s.step = ANY(g.overs)), 0)::bigint"
	}
	// steps, ords and durs are parallel arrays (unnested together); steps is also the
	// journey's signature with failed and overs (the steps of its failed rows and of its
	// rows over their limit), as logged: not sorted sets, which would cost a sort per journey.
	// Journeys alike (the same steps in the same order, the usual case) fall into one group;
	// journeys that logged the same steps differently fall into several, which changes no
	// count, since a count tests whether a step is among a journey's.
	sql := "WITH jr AS (SELECT array_agg(r.step) AS steps, array_agg(r.ord) AS ords, array_agg(r.dur) AS durs," +
		" array_agg(r.step) FILTER (WHERE NOT r.ok) AS failed" + overs +
		" FROM (" + q.journeyRows(from, to, lo, hi, byTime) + ") r" +
		" GROUP BY r.jid HAVING " + startedIn("min(r.ts)", lo, hi) + "), " +
		"sigs AS (SELECT steps AS stepset, failed" + sigOvers + ", count(*) AS n FROM jr GROUP BY steps, failed" + sigOvers + "), " +
		"steps AS (SELECT u.step, min(u.ord) AS ord, array_agg(u.dur) AS durs, row_number() OVER (ORDER BY min(u.ord), u.step) AS k" +
		" FROM (SELECT unnest(jr.steps) AS step, unnest(jr.ords) AS ord, unnest(jr.durs) AS dur FROM jr) u GROUP BY u.step) " +
		"SELECT s.step, s.ord, c.reached, c.reached - c.failed, c.over, coalesce(d.n, 0)," +
		" (SELECT percentile_cont(" + fr + "::float8[]) WITHIN GROUP (ORDER BY x) FROM unnest(s.durs) AS x)" +
		" FROM steps s CROSS JOIN LATERAL (SELECT coalesce(sum(g.n) FILTER (WHERE s.step = ANY(g.stepset)), 0)::bigint AS reached," +
		" coalesce(sum(g.n) FILTER (WHERE s.step = ANY(g.failed)), 0)::bigint AS failed, " + over + " AS over FROM sigs g) c" +
		" LEFT JOIN LATERAL (SELECT sum(g.n)::bigint AS n FROM steps prev JOIN sigs g ON prev.step = ANY(g.stepset)" +
		" AND NOT s.step = ANY(array_remove(g.stepset, NULL)) WHERE prev.k = s.k - 1) d ON true" +
		" WHERE s.step IS NOT NULL ORDER BY s.k"
	return sql, p.args
}

// journeyRows selects (jid, ts, step, ord, ok, dur) for every row of every journey with a row
// in [from, to) (lo and hi: their placeholders), and maybe rows of other journeys, which
// the funnel drops by their first row.
//
// Without byTime, the journeys with a row in the range come from an index-only range scan,
// and ALL their rows from ONE index scan of the journey id index (= ANY of the candidates'
// array: its size is unknown to the planner, which estimates a few rows and so reads them by
// the index, never by a scan of the table). That scan returns the rows in journey order, so
// the funnel's aggregate per journey needs no sort. Its cost is a probe per journey: in a
// text comparison under the database's collation at every step of the index descent.
//
// With byTime (the rollup state's longest journey, span, is at most to - from), the rows are
// read by time instead, from the (name, timestamp) index: a journey whose rows are all before
// settled spans at most span (journeyWindowOf checks that the measured region covers it), so if it started in [from, to) its rows are in
// [from, to + span), and if it started earlier but has a row in the range, it has one in
// [from - span, from), which shows it started earlier. So the rows are those of
// [from - span, to + span), plus rows without a timestamp (which the id lookup finds too),
// plus the rows outside that range of the journeys with a row at or after settled, looked up
// by their ids: their last rows may not have been measured by a refresh yet.
func (q *seriesSQL) journeyRows(from, to time.Time, lo, hi string, byTime *journeyWindow) string {
	j := q.def.Journeys
	cols := "SELECT " + q.jid("s") + " AS jid, " + q.ts("s") + " AS ts, " + col("s", j.StepColumn) + "::text AS step, " +
		col("s", j.OrderColumn) + "::bigint AS ord, " + col("s", j.SuccessColumn) + " IS TRUE AS ok, " +
		col("s", j.DurationColumn) + "::float8 AS dur FROM " + q.from("s") + " WHERE " + q.scope("s")
	if byTime == nil {
		return cols + " AND " + q.jid("s") + " = ANY(ARRAY(SELECT DISTINCT * FROM (" + q.journeyIDsBetween(lo, hi) + ") AS ids(jid)))"
	}
	a, b := q.p.add(from.Add(-byTime.span).UTC())+"::timestamptz", q.p.add(to.Add(byTime.span).UTC())+"::timestamptz"
	settled := q.p.add(byTime.settled.UTC()) + "::timestamptz"
	recent := "SELECT DISTINCT " + q.jid("jt") + " FROM " + q.from("jt") + " WHERE " + q.scope("jt") + " AND " + q.ts("jt") + " >= " + settled
	return cols + " AND " + q.jid("s") + " IS NOT NULL AND " + q.between("s", a, b) +
		" UNION ALL " + cols + " AND " + q.jid("s") + " IS NOT NULL AND " + q.ts("s") + " IS NULL" +
		" UNION ALL " + cols + " AND " + q.jid("s") + " = ANY(ARRAY(" + recent + ")) AND (" + q.ts("s") + " < " + a + " OR " + q.ts("s") + " >= " + b + ")"
}

// startedIn is the condition that a journey whose first row is at first (an SQL expression)
// started in [lo, hi), the range of the journeys a funnel counts.
func startedIn(first, lo, hi string) string {
	return first + "::timestamptz >= " + lo + " AND " + first + "::timestamptz < " + hi
}

// stepLimit is the time limit of step (an SQL text expression), NULL for a step without one:
// the limitsJoin lookup as an expression.
func (q *seriesSQL) stepLimit(step string) string {
	ls := q.def.Journeys.Limits
	steps, ms := make([]string, len(ls)), make([]float64, len(ls))
	for i, l := range ls {
		steps[i], ms[i] = l.Step, l.MaxMS
	}
	return "(" + q.once(&q.limMSPH, ms) + "::float8[])[array_position(" + q.once(&q.limStepsPH, steps) + "::text[], " + step + ")]"
}

// copyFloat returns a pointer to a copy of *f (nil for nil): scanned pointers may be reused.
func copyFloat(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}
