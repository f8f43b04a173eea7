package store

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
)

// This file renders the SQL fragments of a Series. Values always travel as $n parameters
// (params.add); table and column names only through pgx.Identifier.Sanitize, after
// Series.validate checked them.

// params collects the arguments of one statement and hands out their $n placeholders.
type params struct{ args []any }

// add appends v and returns its placeholder.
func (p *params) add(v any) string {
	p.args = append(p.args, v)
	return "$" + strconv.Itoa(len(p.args))
}

// ident quotes one identifier.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// col is alias.column, quoted.
func col(alias, name string) string { return alias + "." + ident(name) }

// seriesSQL is a Series bound to the placeholders of one statement: each of its values
// (service or journey name, filters, threshold, step limits) is added to the statement's
// parameters the first time a fragment needs it, and referenced by every later fragment,
// whatever alias it is rendered for. (PostgreSQL rejects parameters a statement never uses.)
type seriesSQL struct {
	def   Series
	p     *params
	table string // quoted, possibly schema-qualified
	// placeholders, "" until added
	namePH, thresholdPH, limStepsPH, limMSPH string
	filterPH                                 []string
}

// bind binds the series to the statement whose parameters p collects.
func (d Series) bind(p *params) *seriesSQL {
	return &seriesSQL{def: d, p: p, table: pgx.Identifier(slo.SplitQualified(d.Table)).Sanitize(), filterPH: make([]string, len(d.Filters))}
}

// once returns *ph, first setting it to the placeholder of v.
func (q *seriesSQL) once(ph *string, v any) string {
	if *ph == "" {
		*ph = q.p.add(v)
	}
	return *ph
}

// name is the placeholder of the service or journey name.
func (q *seriesSQL) name() string {
	if r := q.def.Requests; r != nil {
		return q.once(&q.namePH, r.Service)
	}
	return q.once(&q.namePH, q.def.Journeys.Journey)
}

// threshold is the placeholder of the latency threshold.
func (q *seriesSQL) threshold() string { return q.once(&q.thresholdPH, *q.def.Requests.ThresholdMS) }

// isLatency reports whether the series is a latency one.
func (q *seriesSQL) isLatency() bool {
	return q.def.Requests != nil && q.def.Requests.ThresholdMS != nil
}

// hasLimits reports whether the journey has steps with a time limit.
func (q *seriesSQL) hasLimits() bool { return q.def.Journeys != nil && len(q.def.Journeys.Limits) > 0 }

// limitsJoin is a LEFT JOIN of the step limits as lim(step, max_ms) on step (an SQL text
// expression).
func (q *seriesSQL) limitsJoin(step string) string {
	ls := q.def.Journeys.Limits
	steps, ms := make([]string, len(ls)), make([]float64, len(ls))
	for i, l := range ls {
		steps[i], ms[i] = l.Step, l.MaxMS
	}
	return " LEFT JOIN unnest(" + q.once(&q.limStepsPH, steps) + "::text[], " + q.once(&q.limMSPH, ms) +
		"::float8[]) AS lim(step, max_ms) ON lim.step = " + step
}

// from is "<table> <alias>".
func (q *seriesSQL) from(alias string) string { return q.table + " " + alias }

// ts is the time column of alias.
func (q *seriesSQL) ts(alias string) string { return col(alias, q.def.Timestamp) }

// minute is the UTC minute of alias's row (sessions run in UTC, see NewPool).
func (q *seriesSQL) minute(alias string) string {
	return "date_trunc('minute', " + q.ts(alias) + ")::timestamptz"
}

// scope keeps the series' rows: its service or journey, then every filter (column::text =
// ANY(values)).
func (q *seriesSQL) scope(alias string) string {
	var b strings.Builder
	if r := q.def.Requests; r != nil {
		b.WriteString(col(alias, r.ServiceColumn) + " = " + q.name())
	} else {
		b.WriteString(col(alias, q.def.Journeys.NameColumn) + " = " + q.name())
	}
	for i, f := range q.def.Filters {
		b.WriteString(" AND " + col(alias, f.Column) + "::text = ANY(" + q.once(&q.filterPH[i], f.Values) + "::text[])")
	}
	return b.String()
}

// between keeps alias's rows with lo <= ts < hi (placeholders or column references).
func (q *seriesSQL) between(alias, lo, hi string) string {
	return q.ts(alias) + " >= " + lo + " AND " + q.ts(alias) + " < " + hi
}

// requestWhere is the WHERE condition of a request series' valid rows: scope, and for latency
// status < 500.
func (q *seriesSQL) requestWhere(alias string) string {
	w := q.scope(alias)
	if q.isLatency() {
		w += " AND " + col(alias, q.def.Requests.StatusColumn) + " < 500"
	}
	return w
}

// requestGood is the condition for a valid request row to be good: status < 500 for success
// rate (HTTP 5xx are the server's failures, 4xx the client's), response time <= threshold
// for latency (inclusive: "within 200 ms").
func (q *seriesSQL) requestGood(alias string) string {
	if q.isLatency() {
		return col(alias, q.def.Requests.ResponseTimeColumn) + " <= " + q.threshold() + "::float8"
	}
	return col(alias, q.def.Requests.StatusColumn) + " < 500"
}

// requestCounts is the good and valid aggregate of request rows of alias.
func (q *seriesSQL) requestCounts(alias string) string {
	return "count(*) FILTER (WHERE " + q.requestGood(alias) + ")::bigint AS good, count(*)::bigint AS valid"
}

// jid is the journey id column of alias.
func (q *seriesSQL) jid(alias string) string { return col(alias, q.def.Journeys.IDColumn) }

// journeys is a subquery with one row per journey whose id the subquery candidates (a SELECT
// of journey ids) returns: (jid, first_ts, last_ts, good), from ALL the journey's rows in scope. A
// journey is good when every row has success = true and no row of a step with a limit took
// longer than the limit. Each journey's rows are read by a LATERAL lookup on its id (the
// journey_id index), so the cost follows the number of candidates whatever the planner
// estimates; a candidate without rows in scope has a NULL first_ts.
func (q *seriesSQL) journeys(candidates string) string {
	j := q.def.Journeys
	good := "bool_and(" + col("jr", j.SuccessColumn) + " IS TRUE)"
	join := ""
	if q.hasLimits() {
		join = q.limitsJoin(col("jr", j.StepColumn) + "::text")
		good += " AND NOT coalesce(bool_or(" + col("jr", j.DurationColumn) + " > lim.max_ms), false)"
	}
	return "SELECT c.jid, a.first_ts, a.last_ts, a.good FROM (SELECT DISTINCT * FROM (" + candidates + ") AS ids(jid)) c" +
		" CROSS JOIN LATERAL (SELECT min(" + q.ts("jr") + ")::timestamptz AS first_ts, max(" + q.ts("jr") + ")::timestamptz AS last_ts, " + good + " AS good" +
		" FROM " + q.from("jr") + join + " WHERE " + q.scope("jr") + " AND " + q.jid("jr") + " = c.jid) a"
}

// journeyIDsBetween selects the ids of journeys with a row in [lo, hi): every journey that
// starts in the range has one.
func (q *seriesSQL) journeyIDsBetween(lo, hi string) string {
	return "SELECT " + q.jid("jc") + " FROM " + q.from("jc") + " WHERE " + q.scope("jc") + " AND " + q.between("jc", lo, hi)
}

// firstMinutes selects (minute) the distinct first minutes of the journeys whose ids the
// subquery ids returns, keeping those whose first row j.first_ts satisfies cond.
func (q *seriesSQL) firstMinutes(ids, cond string) string {
	return "SELECT DISTINCT date_trunc('minute', j.first_ts) AS minute FROM (" + q.journeys(ids) + ") j WHERE " + cond
}

// journeyIDsInMinutes selects the ids of journeys with a row in one of the minutes (a
// column named minute) the subquery minutes returns: every journey that starts in such a
// minute has one.
func (q *seriesSQL) journeyIDsInMinutes(minutes string) string {
	return "SELECT " + q.jid("je") + " FROM " + q.from("je") + " JOIN (" + minutes + ") e ON " +
		q.between("je", "e.minute", "e.minute + interval '1 minute'") + " WHERE " + q.scope("je")
}

// journeyMinuteCounts counts the journeys of the candidate ids per first minute, (minute,
// good, valid), keeping journeys whose j.first_ts satisfies cond.
func (q *seriesSQL) journeyMinuteCounts(candidates, cond string) string {
	return minuteCountsOf("("+q.journeys(candidates)+")", cond)
}

// minuteCountsOf counts the journeys of from (a FROM item with q.journeys' columns) per first
// minute, as journeyMinuteCounts does.
func minuteCountsOf(from, cond string) string {
	return "SELECT date_trunc('minute', j.first_ts) AS minute, count(*) FILTER (WHERE j.good)::bigint AS good, count(*)::bigint AS valid" +
		" FROM " + from + " j WHERE " + cond + " GROUP BY 1"
}

// rangeCounts is a statement counting the series' events in each range [r.a, r.b) of the
// FROM item ranges, which names its rows r(a, b, i): one row (r.i, good, valid) per range,
// from raw rows, each range by its own index lookup.
func (q *seriesSQL) rangeCounts(ranges string) string {
	var inner string
	if q.def.Requests != nil {
		inner = "SELECT " + q.requestCounts("t") + " FROM " + q.from("t") +
			" WHERE " + q.requestWhere("t") + " AND " + q.between("t", "r.a", "r.b")
	} else {
		inner = "SELECT count(*) FILTER (WHERE j.good)::bigint AS good, count(*)::bigint AS valid FROM (" +
			q.journeys(q.journeyIDsBetween("r.a", "r.b")) + ") j WHERE j.first_ts >= r.a AND j.first_ts < r.b"
	}
	return "SELECT r.i, c.good, c.valid FROM " + ranges + " CROSS JOIN LATERAL (" + inner + ") c"
}
