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
func TestJourneyStepsEqualAPerJourneyComputation(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	from := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	rng := rand.New(rand.NewPCG(7, 11))
	steps := []struct {
		name  string
		order int64
	}{{"login", 1}, {"browse", 2}, {"pay", 3}, {"survey", 3}}

	var rows []journeyRow
	for j := range 400 {
		jid := fmt.Sprintf("j%d", j)
		start := from.Add(time.Duration(rng.IntN(80)-10) * time.Minute) // some start before the window, some near its end
		at := start
		for _, s := range steps {
			if rng.IntN(5) == 0 { // a step not logged
				continue
			}
			for range 1 + rng.IntN(3) { // retries
				rows = append(rows, journeyRow{at: at, jid: jid, step: s.name, order: s.order, ok: rng.IntN(4) != 0, dur: float64(rng.IntN(4000))})
				at = at.Add(time.Duration(1+rng.IntN(600)) * time.Second)
			}
		}
	}
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	copyRows := make([][]any, len(rows))
	for i, r := range rows {
		copyRows[i] = []any{r.at, r.jid, "checkout", r.step, r.order, r.ok, r.dur}
	}
	if _, err := db.Pool.CopyFrom(context.Background(), pgx.Identifier{"user_journey_logs"},
		[]string{"timestamp", "journey_id", "journey_name", "step_name", "step_order", "success", "duration_ms"}, pgx.CopyFromRows(copyRows)); err != nil {
		t.Fatal(err)
	}
	def, err := store.NewSeries(journeySLO(), slo.Tables{}, checkout())
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.JourneySteps(context.Background(), db.Pool, def, from, to)
	if err != nil {
		t.Fatal(err)
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
}

// funnelByDefinition computes the funnel of the journeys whose first row is in [from, to)
// as store.StepStats documents it, journey by journey.
func funnelByDefinition(rows []journeyRow, from, to time.Time, limits map[string]float64) []store.StepStats {
	first := map[string]time.Time{}
	for _, r := range rows {
		if f, ok := first[r.jid]; !ok || r.at.Before(f) {
			first[r.jid] = r.at
		}
	}
	type journeyStep struct{ failed, over bool }
	perJourney := map[string]map[string]*journeyStep{}
	stats := map[string]*store.StepStats{}
	durations := map[string][]float64{}
	for _, r := range rows {
		if f := first[r.jid]; f.Before(from) || !f.Before(to) {
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
