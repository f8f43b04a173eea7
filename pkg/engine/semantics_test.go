package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

// checkoutConfig defines the journey "checkout": login within 2 s, browse without a limit,
// pay within 5 s.
func checkoutConfig() *slo.Config {
	return &slo.Config{Journeys: map[string]slo.Journey{
		"checkout": {Name: "checkout", Steps: []slo.JourneyStep{
			{Name: "login", MaxDurationMS: 2000}, {Name: "browse"}, {Name: "pay", MaxDurationMS: 5000},
		}},
	}}
}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

// semanticsData is a small hand-made data set around t0.
func semanticsData(t *testing.T, e *env) {
	e.insertRequests(t, []request{
		{t0.Add(sec(10)), "pay", "/a", 200, 100},
		{t0.Add(sec(20)), "pay", "/a", 404, 50},
		{t0.Add(sec(30)), "pay", "/a", 500, 10},
		{t0.Add(sec(40)), "pay", "/b", 503, 900},
		{t0.Add(sec(50)), "pay", "/a", 200, 200},
		{t0.Add(sec(55)), "pay", "/b", 200, 200.5},
		{t0.Add(sec(70)), "pay", "/b", 200, 300},
		{t0.Add(sec(15)), "web", "/a", 500, 10},
	})
	e.insertSteps(t, []stepRow{
		// j1: every step fine, pay exactly at its limit; good, counted at t0+5s.
		{t0.Add(sec(5)), "j1", "checkout", "login", 1, true, 1000},
		{t0.Add(sec(30)), "j1", "checkout", "browse", 2, true, 99999},
		{t0.Add(sec(65)), "j1", "checkout", "pay", 3, true, 5000},
		// j2: pay failed.
		{t0.Add(sec(10)), "j2", "checkout", "login", 1, true, 1200},
		{t0.Add(sec(20)), "j2", "checkout", "pay", 3, false, 100},
		// j3: login over its 2 s limit.
		{t0.Add(sec(15)), "j3", "checkout", "login", 1, true, 2500},
		// j4: first step before t0; good.
		{t0.Add(-sec(30)), "j4", "checkout", "login", 1, true, 800},
		{t0.Add(sec(25)), "j4", "checkout", "pay", 3, true, 100},
		// j5: starts in the window, fails after it.
		{t0.Add(sec(50)), "j5", "checkout", "login", 1, true, 1500},
		{t0.Add(3 * time.Minute), "j5", "checkout", "pay", 3, false, 100},
		// another journey.
		{t0.Add(sec(12)), "j6", "signup", "login", 1, false, 100},
	})
}

func TestCountingSemantics(t *testing.T) {
	e := newEnv(t, checkoutConfig(), engine.Options{})
	semanticsData(t, e)
	avail := requestSLO("availability", "pay", slo.SuccessRate, 0.99, 0, time.Hour)
	lat := requestSLO("latency", "pay", slo.Latency, 0.9, 200, time.Hour)
	routeA := slo.Filter{Column: "route", Values: []string{"/a"}}
	checkout := journeySLO("checkout", "checkout", 0.99, time.Hour)
	cases := []struct {
		name     string
		slo      slo.SLO
		from, to time.Time
		want     slo.Counts
	}{
		{"5xx are bad and 4xx good, other services are not counted", avail, t0, t0.Add(2 * time.Minute), slo.Counts{Good: 5, Valid: 7}},
		{"a filter keeps only rows whose column is one of its values", requestSLO("a", "pay", slo.SuccessRate, 0.99, 0, time.Hour, routeA),
			t0, t0.Add(2 * time.Minute), slo.Counts{Good: 3, Valid: 4}},
		{"partial minutes count the rows inside the range only", avail, t0.Add(sec(15)), t0.Add(sec(45)), slo.Counts{Good: 1, Valid: 3}},
		{"the range end is exclusive", avail, t0.Add(sec(10)), t0.Add(sec(20)), slo.Counts{Good: 1, Valid: 1}},
		{"latency threshold is inclusive and 5xx are not valid", lat, t0, t0.Add(2 * time.Minute), slo.Counts{Good: 3, Valid: 5}},
		{"a latency filter applies to valid rows", requestSLO("l", "pay", slo.Latency, 0.9, 200, time.Hour, slo.Filter{Column: "route", Values: []string{"/b", "/c"}}),
			t0, t0.Add(2 * time.Minute), slo.Counts{Good: 0, Valid: 2}},
		{"a journey is bad when a step failed or exceeded its limit, counted at its first step",
			checkout, t0, t0.Add(2 * time.Minute), slo.Counts{Good: 1, Valid: 4}},
		{"a journey whose first step is before the window is counted before it",
			checkout, t0.Add(-time.Minute), t0.Add(2 * time.Minute), slo.Counts{Good: 2, Valid: 5}},
		{"a journey starting just before the range start is not counted",
			checkout, t0.Add(sec(6)), t0.Add(2 * time.Minute), slo.Counts{Good: 0, Valid: 3}},
		{"a window without rows has no data", avail, t0.Add(time.Hour), t0.Add(2 * time.Hour), slo.Counts{}},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.eng.Counts(ctx, c.slo, engine.Range{From: c.from, To: c.to})
			if err != nil {
				t.Fatal(err)
			}
			if got[0] != c.want {
				t.Errorf("engine counts = %+v, want %+v", got[0], c.want)
			}
			if o := e.oracle(t, c.slo, c.from, c.to); o != c.want {
				t.Errorf("oracle counts = %+v, want %+v", o, c.want)
			}
		})
	}
}

func TestStatusWithoutDataIsNoData(t *testing.T) {
	e := newEnv(t, checkoutConfig(), engine.Options{})
	semanticsData(t, e)
	for _, s := range []slo.SLO{
		requestSLO("availability", "ghost", slo.SuccessRate, 0.99, 0, time.Hour),
		requestSLO("latency", "ghost", slo.Latency, 0.95, 200, time.Hour),
		journeySLO("checkout", "ghost_journey", 0.99, time.Hour),
	} {
		st, err := e.eng.Status(context.Background(), s, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if st.State != slo.StateNoData || st.SLI != nil || st.BudgetRemaining != nil || st.BudgetConsumed != nil ||
			st.TimeToExhaustion != nil || st.Percentiles != nil || st.Window != (slo.Counts{}) {
			t.Errorf("%s: status = %+v, want no data", s.ID(), st)
		}
		for w, br := range st.BurnRates {
			if br != nil {
				t.Errorf("%s: burn rate %s = %v, want no data", s.ID(), w, *br)
			}
		}
		if len(st.BurnRates) != len(engine.DefaultBurnWindows) {
			t.Errorf("%s: %d burn windows, want %d", s.ID(), len(st.BurnRates), len(engine.DefaultBurnWindows))
		}
	}
}

func TestLatencyPercentilesInterpolateLinearly(t *testing.T) {
	e := newEnv(t, nil, engine.Options{})
	at := t0.Add(time.Hour)
	var rows []request
	for i := 1; i <= 100; i++ {
		rows = append(rows, request{at.Add(-time.Duration(i) * 30 * time.Second), "api", "/", 200, float64(i)})
	}
	rows = append(rows,
		request{at.Add(-time.Minute), "api", "/", 500, 100000},                           // not valid
		request{at.Add(-engine.PercentileWindow - time.Second), "api", "/", 200, 100000}, // outside the hour
	)
	e.insertRequests(t, rows)
	st, err := e.eng.Status(context.Background(), requestSLO("lat", "api", slo.Latency, 0.95, 50, 24*time.Hour), at)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"p50": 50.5, "p95": 95.05, "p99": 99.01}
	for k, v := range want {
		if !near(st.Percentiles[k], v) {
			t.Errorf("%s = %v, want %v", k, st.Percentiles[k], v)
		}
	}
	if len(st.Percentiles) != len(want) {
		t.Errorf("percentiles = %v", st.Percentiles)
	}
	if st.Window != (slo.Counts{Good: 50, Valid: 101}) {
		t.Errorf("window = %+v", st.Window)
	}
}

func TestJourneyStepsReportTheFunnel(t *testing.T) {
	e := newEnv(t, checkoutConfig(), engine.Options{})
	semanticsData(t, e)
	steps, err := e.eng.JourneySteps(context.Background(), journeySLO("checkout", "checkout", 0.99, time.Hour), t0.Add(-time.Minute), t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	want := []engine.StepStats{
		{Step: "login", Order: 1, Reached: 5, Succeeded: 5, SuccessRate: f(1), P50DurationMS: f(1200), P95DurationMS: f(2300), MaxDurationMS: 2000, OverBudget: 1},
		{Step: "browse", Order: 2, Reached: 1, Succeeded: 1, SuccessRate: f(1), P50DurationMS: f(99999), P95DurationMS: f(99999), DropOff: 4},
		{Step: "pay", Order: 3, Reached: 4, Succeeded: 2, SuccessRate: f(0.5), P50DurationMS: f(100), P95DurationMS: f(4265), MaxDurationMS: 5000},
	}
	if len(steps) != len(want) {
		t.Fatalf("steps = %+v", steps)
	}
	for i, w := range want {
		g := steps[i]
		if g.Step != w.Step || g.Order != w.Order || g.Reached != w.Reached || g.Succeeded != w.Succeeded ||
			g.MaxDurationMS != w.MaxDurationMS || g.OverBudget != w.OverBudget || g.DropOff != w.DropOff ||
			!sameFloat(g.SuccessRate, w.SuccessRate) || !nearPtr(g.P50DurationMS, w.P50DurationMS) || !nearPtr(g.P95DurationMS, w.P95DurationMS) {
			t.Errorf("step %d = %s, want %s", i, fmtStep(g), fmtStep(w))
		}
	}
	if _, err := e.eng.JourneySteps(context.Background(), requestSLO("a", "pay", slo.SuccessRate, 0.9, 0, time.Hour), t0, t0.Add(time.Hour)); err == nil {
		t.Error("journey steps of a success-rate SLO: no error")
	}
}

func nearPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return near(*a, *b)
}

func fmtStep(s engine.StepStats) string {
	v := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return fmt.Sprintf("{%s order=%d reached=%d ok=%d rate=%v p50=%v p95=%v max=%v over=%d drop=%d}",
		s.Step, s.Order, s.Reached, s.Succeeded, v(s.SuccessRate), v(s.P50DurationMS), v(s.P95DurationMS), s.MaxDurationMS, s.OverBudget, s.DropOff)
}
