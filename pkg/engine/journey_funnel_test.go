package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

// funnelConfig is checkoutConfig with two steps nobody takes in semanticsData: cart (between
// login and browse) and confirm (last, with a limit).
func funnelConfig() *slo.Config {
	return &slo.Config{Journeys: map[string]slo.Journey{
		"checkout": {Name: "checkout", Steps: []slo.JourneyStep{
			{Name: "login", MaxDurationMS: 2000}, {Name: "cart"}, {Name: "browse"},
			{Name: "pay", MaxDurationMS: 5000}, {Name: "confirm", MaxDurationMS: 700},
		}},
	}}
}

// The funnel is the same before the rollups are refreshed (journeys looked up by id) and
// after (rows read by time once the longest journey is measured): j0, a journey of one row
// ten minutes before the range, makes the refreshes' measured region start early enough for
// the range less the longest journey (j5, 2m10s), so reading by time is possible.
func TestJourneyFunnelAddsConfiguredStepsNobodyReached(t *testing.T) {
	for _, refreshed := range []bool{false, true} {
		t.Run(fmt.Sprintf("refreshed=%v", refreshed), func(t *testing.T) {
			testJourneyFunnelAddsConfiguredSteps(t, refreshed)
		})
	}
}

func testJourneyFunnelAddsConfiguredSteps(t *testing.T, refreshed bool) {
	e := newEnv(t, funnelConfig(), engine.Options{})
	semanticsData(t, e)
	e.insertSteps(t, []stepRow{{t0.Add(-10 * time.Minute), "j0", "checkout", "login", 1, true, 100}})
	s := journeySLO("checkout", "checkout", 0.99, time.Hour)
	if refreshed {
		if err := e.eng.Refresh(context.Background(), s, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	steps, err := e.eng.JourneyFunnel(context.Background(), s, t0.Add(-time.Minute), t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	// The logged steps are TestJourneyStepsReportTheFunnel's. cart (config position 2) goes
	// before browse (logged order 2, config position 3) and loses all 5 who logged in; browse
	// follows a step nobody reached, so nobody dropped out before it; confirm loses the 4 who
	// paid.
	want := []engine.StepStats{
		{Step: "login", Order: 1, Reached: 5, Succeeded: 5, SuccessRate: f(1), P50DurationMS: f(1200), P95DurationMS: f(2300), MaxDurationMS: 2000, OverBudget: 1},
		{Step: "cart", Order: 2, DropOff: 5},
		{Step: "browse", Order: 2, Reached: 1, Succeeded: 1, SuccessRate: f(1), P50DurationMS: f(99999), P95DurationMS: f(99999), DropOff: 0},
		{Step: "pay", Order: 3, Reached: 4, Succeeded: 2, SuccessRate: f(0.5), P50DurationMS: f(100), P95DurationMS: f(4265), MaxDurationMS: 5000},
		{Step: "confirm", Order: 5, MaxDurationMS: 700, DropOff: 4},
	}
	if len(steps) != len(want) {
		t.Fatalf("steps = %v", fmtSteps(steps))
	}
	for i, w := range want {
		g := steps[i]
		// percentile_cont interpolates: p95 is compared with a tolerance, the rest exactly.
		gx, wx := g, w
		gx.P95DurationMS, wx.P95DurationMS = nil, nil
		if fmtStep(gx) != fmtStep(wx) || !nearPtr(g.P95DurationMS, w.P95DurationMS) {
			t.Errorf("step %d = %s, want %s", i, fmtStep(g), fmtStep(w))
		}
	}
}

func TestJourneyFunnelWithoutJourneysListsTheConfiguredSteps(t *testing.T) {
	e := newEnv(t, funnelConfig(), engine.Options{})
	steps, err := e.eng.JourneyFunnel(context.Background(), journeySLO("checkout", "checkout", 0.99, time.Hour), t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"login", "cart", "browse", "pay", "confirm"}
	if len(steps) != len(want) {
		t.Fatalf("steps = %v", fmtSteps(steps))
	}
	for i, w := range want {
		if s := steps[i]; s.Step != w || s.Order != int64(i+1) || s.Reached != 0 || s.DropOff != 0 || s.SuccessRate != nil {
			t.Errorf("step %d = %s, want %s, order %d, nothing reached or dropped", i, fmtStep(s), w, i+1)
		}
	}
}

func TestJourneyStepSeriesCountsTheJourneysOfTheStepBeforeEachPoint(t *testing.T) {
	e := newEnv(t, funnelConfig(), engine.Options{})
	semanticsData(t, e)
	checkout := journeySLO("checkout", "checkout", 0.99, time.Hour)
	series, err := e.eng.JourneyStepSeries(context.Background(), checkout, t0, t0.Add(2*time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Points t0, t0+1m, t0+2m, each over the minute before it. j4 starts at t0-30s (login and
	// pay fine); j1, j2, j3 and j5 start in [t0, t0+1m): all logged in, j1 browsed, j1 paid,
	// j2 and j5 failed to pay (j5 after the last point: its rows are read all the same).
	// Nobody starts in [t0+1m, t0+2m).
	want := map[string]string{
		"login":   "1/1 4/4 -",
		"cart":    "- - -",
		"browse":  "- 1/1 -",
		"pay":     "1/1 1/3 -",
		"confirm": "- - -",
	}
	order := []string{"login", "cart", "browse", "pay", "confirm"}
	if len(series) != len(order) {
		t.Fatalf("got %d series, want %d", len(series), len(order))
	}
	for i, s := range series {
		if s.Step != order[i] {
			t.Errorf("series %d is %s, want %s", i, s.Step, order[i])
		}
		if got := fmtPoints(t, s.Points, t0, time.Minute); got != want[s.Step] {
			t.Errorf("%s: points %s, want %s", s.Step, got, want[s.Step])
		}
	}
}

func TestJourneyStepSeriesFirstPointReachesBackAStep(t *testing.T) {
	e := newEnv(t, funnelConfig(), engine.Options{})
	semanticsData(t, e)
	checkout := journeySLO("checkout", "checkout", 0.99, time.Hour)
	// One point at t0+1m with a 2-minute step: [t0-1m, t0+1m) holds j4 and the four
	// journeys of the first minute.
	series, err := e.eng.JourneyStepSeries(context.Background(), checkout, t0.Add(time.Minute), t0.Add(time.Minute), 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range series {
		got[s.Step] = fmtPoints(t, s.Points, t0.Add(time.Minute), 2*time.Minute)
	}
	if got["login"] != "5/5" || got["pay"] != "2/4" {
		t.Errorf("login %s, pay %s; want 5/5 and 2/4", got["login"], got["pay"])
	}
}

func TestJourneyStepSeriesRejectsBadArguments(t *testing.T) {
	e := newEnv(t, funnelConfig(), engine.Options{})
	checkout := journeySLO("checkout", "checkout", 0.99, time.Hour)
	tests := []struct {
		name     string
		s        slo.SLO
		from, to time.Time
		step     time.Duration
		want     error
	}{
		{"a request SLO has no steps", requestSLO("a", "pay", slo.SuccessRate, 0.9, 0, time.Hour), t0, t0.Add(time.Hour), time.Minute, engine.ErrType},
		{"a last point before the first", checkout, t0, t0.Add(-time.Minute), time.Minute, engine.ErrRange},
		{"a step under a minute", checkout, t0, t0.Add(time.Hour), 30 * time.Second, engine.ErrStep},
		{"a step that is not whole minutes", checkout, t0, t0.Add(time.Hour), 90 * time.Second, engine.ErrStep},
		{"too many points", checkout, t0, t0.Add(time.Duration(engine.MaxSeriesPoints) * time.Minute), time.Minute, engine.ErrStep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.eng.JourneyStepSeries(context.Background(), tt.s, tt.from, tt.to, tt.step); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

// fmtPoints writes points as "succeeded/reached" ("-" when nobody reached the step), after
// checking they start at first and are step apart and that the rate is succeeded/reached.
func fmtPoints(t *testing.T, pts []engine.StepPoint, first time.Time, step time.Duration) string {
	t.Helper()
	out := ""
	for k, p := range pts {
		if !p.At.Equal(first.Add(time.Duration(k) * step)) {
			t.Errorf("point %d at %s, want %s", k, p.At, first.Add(time.Duration(k)*step))
		}
		if k > 0 {
			out += " "
		}
		if p.Reached == 0 {
			if p.SuccessRate != nil {
				t.Errorf("point %d: rate %v without journeys", k, *p.SuccessRate)
			}
			out += "-"
			continue
		}
		if p.SuccessRate == nil || *p.SuccessRate != float64(p.Succeeded)/float64(p.Reached) {
			t.Errorf("point %d: rate %v, want %d/%d", k, p.SuccessRate, p.Succeeded, p.Reached)
		}
		out += fmt.Sprintf("%d/%d", p.Succeeded, p.Reached)
	}
	return out
}

func fmtSteps(steps []engine.StepStats) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = fmtStep(s)
	}
	return out
}
