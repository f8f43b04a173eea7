package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// journeyRow is one generated row of user_journey_logs.
type journeyRow struct {
	at    time.Time
	jid   string
	step  string
	order int64
	ok    bool
	dur   float64
}

// TestJourneyStepsEqualAPerJourneyComputation checks the funnel against the definition, on
// random journeys with everything that makes journeys differ: steps logged in any order,
// retried steps (several rows, some failed), steps missing, a step the config does not list,
// journeys that started before the window (not counted) or go on after it (all their rows
// counted), and rows inserted in random order. Journeys that logged the same steps
// differently fall into different signature groups of the query; the counts must not care.
//
// Both ways of finding the journeys' rows are checked: by journey id (no rollups yet, or a
// journey as long as the window), and by time once a refresh has measured the longest
// journey. Then rows keep arriving after the refresh, within the late-data grace, as the
// live system has them: new journeys, and later steps of journeys the refresh measured, which
// make them longer than the measured span and must still be read whole. The longest journeys
// (edgeJourneys) lie across the edges of what reading by time reads, and some rows have no
// timestamp.
func TestJourneyStepsEqualAPerJourneyComputation(t *testing.T) {
	from := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		// window is the funnel's range [from, from+window); journeys start in
		// [from-window/2, from+window*4/3), with up to 12 rows 1 s to maxGap apart.
		window, maxGap time.Duration
		// refreshAt, if set, is how far after from the rollups are refreshed, before
		// the arrivals (rows of the last grace before it and after it) are inserted.
		refreshAt time.Duration
		// olderCoveredTo, if set, is how far from from a version that does not measure
		// journeys had refreshed the rollups: the measured region starts a grace before it.
		olderCoveredTo time.Duration
		wantByTime     bool
	}{
		{name: "journeys looked up by id before any refresh", window: time.Hour, maxGap: 10 * time.Minute},
		{name: "journeys read by time after a refresh, with arrivals since", window: 6 * time.Hour, maxGap: 10 * time.Minute,
			refreshAt: 5 * time.Hour, wantByTime: true},
		{name: "journeys read by time when the refresh covers the whole window", window: 6 * time.Hour, maxGap: 10 * time.Minute,
			refreshAt: 9 * time.Hour, wantByTime: true},
		// The edge journeys (2 h, the longest) reach back exactly to the region's start.
		{name: "journeys read by time over a region started after an older version's refreshes", window: 6 * time.Hour, maxGap: 10 * time.Minute,
			refreshAt: 9 * time.Hour, olderCoveredTo: -2*time.Hour + store.DefaultGrace, wantByTime: true},
		// Journeys of up to 12 rows up to 10 minutes apart: the longest is over an hour.
		{name: "journeys looked up by id when one lasted longer than the window", window: time.Hour, maxGap: 10 * time.Minute,
			refreshAt: 3 * time.Hour},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.New(t)
			db.CreateLogTables(t)
			db.Exec(t, `ALTER TABLE user_journey_logs ALTER COLUMN "timestamp" DROP NOT NULL`)
			if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
				t.Fatal(err)
			}
			def, err := store.NewSeries(journeySLO(), slo.Tables{}, checkout())
			if err != nil {
				t.Fatal(err)
			}
			if tt.olderCoveredTo != 0 {
				db.Exec(t, "INSERT INTO "+pgx.Identifier{db.PluginSchema, "sli_rollup_state"}.Sanitize()+
					" (series, definition, covered_to, refreshed_at) VALUES ($1, $2, $3, now())", def.Key(), string(def.Definition()), from.Add(tt.olderCoveredTo))
			}
			to := from.Add(tt.window)
			rng := rand.New(rand.NewPCG(7, uint64(11+i)))
			rows := slices.Concat(randomJourneys(rng, 400, from.Add(-tt.window/2), from.Add(tt.window*4/3), tt.maxGap),
				edgeJourneys(from, to, 2*time.Hour), untimedRows(rng, 40))
			if tt.refreshAt == 0 {
				copyJourneyRows(t, db, rows)
			} else {
				refreshed := from.Add(tt.refreshAt)
				settled := refreshed.Add(-store.DefaultGrace)
				var before, after []journeyRow
				for _, r := range rows {
					if r.at.Before(settled) {
						before = append(before, r)
					} else {
						after = append(after, r)
					}
				}
				copyJourneyRows(t, db, before)
				if _, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, refreshed, store.DefaultGrace, store.RefreshLimit{}); err != nil {
					t.Fatal(err)
				}
				copyJourneyRows(t, db, after)
				rows = slices.Concat(rows, laterSteps(rng, before, settled, refreshed))
				copyJourneyRows(t, db, rows[len(before)+len(after):])
			}
			byTime, err := store.JourneyStepsByTime(ctx, db.Pool, db.PluginSchema, def, from, to, store.DefaultGrace)
			if err != nil || byTime != tt.wantByTime {
				t.Fatalf("rows read by time: %v (%v), want %v", byTime, err, tt.wantByTime)
			}
			got, err := store.JourneySteps(ctx, db.Pool, db.PluginSchema, def, from, to, store.DefaultGrace)
			if err != nil {
				t.Fatal(err)
			}
			buckets, err := store.JourneyStepBuckets(ctx, db.Pool, db.PluginSchema, def, from, to, 25*time.Minute, store.DefaultGrace)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := bucketText(buckets), bucketText(bucketsByDefinition(rows, from, to, 25*time.Minute)); !slices.Equal(got, want) {
				t.Errorf("step buckets differ from the definition\n got %q\nwant %q", got, want)
			}
			want := funnelByDefinition(rows, from, to, map[string]float64{"login": 2000})
			if len(got) != len(want) {
				t.Fatalf("%d steps, want %d: %+v", len(got), len(want), got)
			}
			for i, w := range want {
				g := got[i]
				if g.Step != w.Step || g.Order != w.Order || g.Reached != w.Reached || g.Succeeded != w.Succeeded ||
					g.OverBudget != w.OverBudget || g.DropOff != w.DropOff || !closeTo(g.P50DurationMS, w.P50DurationMS) || !closeTo(g.P95DurationMS, w.P95DurationMS) {
					t.Errorf("step %d:\n got %s\nwant %s", i, stepText(g), stepText(w))
				}
			}
		})
	}
}

// journeySteps are the steps randomJourneys logs, in order; survey shares pay's order.
var journeySteps = []struct {
	name  string
	order int64
}{{"login", 1}, {"browse", 2}, {"pay", 3}, {"survey", 3}}

// randomJourneys makes n journeys starting in [first, last): each logs every step but a
// skipped one now and then, each step one to three times (retries, some failed), 1 s to
// maxGap apart, the rows shuffled.
func randomJourneys(rng *rand.Rand, n int, first, last time.Time, maxGap time.Duration) []journeyRow {
	var rows []journeyRow
	for j := range n {
		jid := fmt.Sprintf("j%d", j)
		at := first.Add(time.Duration(rng.Int64N(int64(last.Sub(first)))))
		for _, s := range journeySteps {
			if rng.IntN(5) == 0 { // a step not logged
				continue
			}
			for range 1 + rng.IntN(3) { // retries
				rows = append(rows, journeyRow{at: at, jid: jid, step: s.name, order: s.order, ok: rng.IntN(4) != 0, dur: float64(rng.IntN(4000))})
				at = at.Add(time.Second + time.Duration(rng.Int64N(int64(maxGap))))
			}
		}
	}
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows
}

// laterSteps gives one journey in ten of rows a survey step that arrives after the refresh
// at refreshed had measured the journey: half of them in the grace before it, [settled,
// refreshed), half in the hour after it. Such a row may make its journey longer than any
// journey measured.
func laterSteps(rng *rand.Rand, rows []journeyRow, settled, refreshed time.Time) []journeyRow {
	seen := map[string]bool{}
	var out []journeyRow
	for _, r := range rows {
		if seen[r.jid] {
			continue
		}
		seen[r.jid] = true
		if rng.IntN(10) == 0 {
			at := settled.Add(time.Duration(rng.Int64N(int64(refreshed.Sub(settled)))))
			if rng.IntN(2) == 0 {
				at = refreshed.Add(time.Duration(rng.Int64N(int64(time.Hour))))
			}
			out = append(out, journeyRow{at: at, jid: r.jid, step: "survey", order: 3, ok: rng.IntN(2) == 0, dur: float64(rng.IntN(4000))})
		}
	}
	return out
}

// edgeJourneys are two-row journeys span apart (the longest of the data), placed across the
// edges of what the funnel of [from, to) reads by time, [from - span, to + span): started
// before from at from - f*span with a row in the range (not counted), and started in the
// range at to - f*span with a row after to (counted, both rows), for f from 0 to 1.
func edgeJourneys(from, to time.Time, span time.Duration) []journeyRow {
	var out []journeyRow
	for i, f := range []float64{0, 0.1, 0.5, 0.9, 1} {
		for _, at := range []time.Time{from.Add(-time.Duration(f * float64(span))), to.Add(-time.Duration(f * float64(span)))} {
			jid := fmt.Sprintf("edge-%d-%s", i, at.Format("150405"))
			out = append(out, journeyRow{at: at, jid: jid, step: "login", order: 1, ok: true, dur: 100},
				journeyRow{at: at.Add(span), jid: jid, step: "browse", order: 2, ok: i%2 == 0, dur: 3000})
		}
	}
	return out
}

// untimedRows are n rows without a timestamp (zero at): a pay step of one of the random
// journeys each, and one journey with no other row.
func untimedRows(rng *rand.Rand, n int) []journeyRow {
	out := []journeyRow{{jid: "untimed", step: "login", order: 1, ok: true, dur: 1}}
	for range n {
		out = append(out, journeyRow{jid: fmt.Sprintf("j%d", rng.IntN(400)), step: "pay", order: 3, ok: rng.IntN(2) == 0, dur: float64(rng.IntN(4000))})
	}
	return out
}

func copyJourneyRows(t *testing.T, db *storetest.DB, rows []journeyRow) {
	t.Helper()
	copyRows := make([][]any, len(rows))
	for i, r := range rows {
		var at any = r.at
		if r.at.IsZero() {
			at = nil
		}
		copyRows[i] = []any{at, r.jid, "checkout", r.step, r.order, r.ok, r.dur}
	}
	if _, err := db.Pool.CopyFrom(context.Background(), pgx.Identifier{"user_journey_logs"},
		[]string{"timestamp", "journey_id", "journey_name", "step_name", "step_order", "success", "duration_ms"}, pgx.CopyFromRows(copyRows)); err != nil {
		t.Fatal(err)
	}
}

// firstRows maps each journey to the time of its first row with a timestamp.
func firstRows(rows []journeyRow) map[string]time.Time {
	first := map[string]time.Time{}
	for _, r := range rows {
		if f, ok := first[r.jid]; !r.at.IsZero() && (!ok || r.at.Before(f)) {
			first[r.jid] = r.at
		}
	}
	return first
}

// startedIn reports whether a journey whose first row is at first (ok: it has one) started
// in [from, to).
func startedIn(first time.Time, ok bool, from, to time.Time) bool {
	return ok && !first.Before(from) && first.Before(to)
}

// bucketsByDefinition computes JourneyStepBuckets journey by journey: the journeys whose
// first row is in [from, to), by the bucket of their first row, per step they logged.
func bucketsByDefinition(rows []journeyRow, from, to time.Time, step time.Duration) []store.StepBucket {
	first := firstRows(rows)
	type key struct {
		start     time.Time
		step, jid string
	}
	type journeyStep struct {
		order  int64
		failed bool
	}
	per := map[key]*journeyStep{}
	for _, r := range rows {
		f, ok := first[r.jid]
		if !startedIn(f, ok, from, to) {
			continue
		}
		k := key{from.Add(f.Sub(from) / step * step), r.step, r.jid}
		js := per[k]
		if js == nil {
			js = &journeyStep{order: r.order}
			per[k] = js
		}
		js.order, js.failed = min(js.order, r.order), js.failed || !r.ok
	}
	type bucketKey struct {
		start time.Time
		step  string
	}
	byBucket := map[bucketKey]*store.StepBucket{}
	for k, js := range per {
		bk := bucketKey{k.start, k.step}
		b := byBucket[bk]
		if b == nil {
			b = &store.StepBucket{Start: k.start, Step: k.step, Order: js.order}
			byBucket[bk] = b
		}
		b.Order = min(b.Order, js.order)
		b.Reached++
		if !js.failed {
			b.Succeeded++
		}
	}
	var out []store.StepBucket
	for _, b := range byBucket {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b store.StepBucket) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Order, b.Order), cmp.Compare(a.Step, b.Step))
	})
	return out
}

func bucketText(bs []store.StepBucket) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = fmt.Sprintf("%s %s %d %d/%d", b.Start.UTC().Format(time.RFC3339), b.Step, b.Order, b.Succeeded, b.Reached)
	}
	return out
}

// funnelByDefinition computes the funnel of the journeys whose first row is in [from, to)
// as store.StepStats documents it, journey by journey.
func funnelByDefinition(rows []journeyRow, from, to time.Time, limits map[string]float64) []store.StepStats {
	first := firstRows(rows)
	type journeyStep struct{ failed, over bool }
	perJourney := map[string]map[string]*journeyStep{}
	stats := map[string]*store.StepStats{}
	durations := map[string][]float64{}
	for _, r := range rows {
		if f, ok := first[r.jid]; !startedIn(f, ok, from, to) {
			continue
		}
		st := stats[r.step]
		if st == nil {
			st = &store.StepStats{Step: r.step, Order: r.order}
			stats[r.step] = st
		}
		st.Order = min(st.Order, r.order)
		durations[r.step] = append(durations[r.step], r.dur)
		if perJourney[r.jid] == nil {
			perJourney[r.jid] = map[string]*journeyStep{}
		}
		js := perJourney[r.jid][r.step]
		if js == nil {
			js = &journeyStep{}
			perJourney[r.jid][r.step] = js
		}
		js.failed = js.failed || !r.ok
		js.over = js.over || (limits[r.step] > 0 && r.dur > limits[r.step])
	}
	var out []store.StepStats
	for _, st := range stats {
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b store.StepStats) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Step, b.Step))
	})
	for i := range out {
		s := &out[i]
		for _, js := range perJourney {
			own, ok := js[s.Step]
			if ok {
				s.Reached++
				if !own.failed {
					s.Succeeded++
				}
				if own.over {
					s.OverBudget++
				}
			}
			if _, prev := js[stepBefore(out, i)]; i > 0 && prev && !ok {
				s.DropOff++
			}
		}
		s.P50DurationMS, s.P95DurationMS = percentileCont(durations[s.Step], 0.5), percentileCont(durations[s.Step], 0.95)
	}
	return out
}

func stepBefore(steps []store.StepStats, i int) string {
	if i == 0 {
		return ""
	}
	return steps[i-1].Step
}

// percentileCont is PostgreSQL's percentile_cont: linear interpolation at rank f*(n-1).
func percentileCont(values []float64, f float64) *float64 {
	if len(values) == 0 {
		return nil
	}
	v := slices.Sorted(slices.Values(values))
	rank := f * float64(len(v)-1)
	lo, hi := int(math.Floor(rank)), int(math.Ceil(rank))
	p := v[lo] + (rank-float64(lo))*(v[hi]-v[lo])
	return &p
}

func closeTo(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9
}

func stepText(s store.StepStats) string {
	f := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return fmt.Sprintf("%s order %d reached %d ok %d over %d drop %d p50 %v p95 %v",
		s.Step, s.Order, s.Reached, s.Succeeded, s.OverBudget, s.DropOff, f(s.P50DurationMS), f(s.P95DurationMS))
}
