package backtest

import (
	"math"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/slo"
)

var s0 = time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)

// minute is minute m after s0.
func minute(m int) time.Time { return s0.Add(time.Duration(m) * time.Minute) }

// scoreSLOs are three SLOs of payment_service (request logs "payments") and a journey SLO,
// with the default rules' tolerances.
func scoreSLOs() []SLOReplay {
	rules := []RuleReplay{
		{Name: "fast_burn", Kind: slo.KindBurnRate, Severity: slo.AlertCritical, Tolerance: Duration(time.Hour)},
		{Name: "slow_burn", Kind: slo.KindBurnRate, Severity: slo.AlertWarning, Tolerance: Duration(6 * time.Hour)},
		{Name: "budget_exhaustion", Kind: slo.KindBudgetRemaining, Severity: slo.AlertMajor, Tolerance: Duration(30 * slo.Day)},
	}
	return []SLOReplay{
		{Service: "payment_service", SLO: "availability", Type: slo.SuccessRate, LogService: "payments", Rules: rules},
		{Service: "payment_service", SLO: "latency", Type: slo.Latency, LogService: "payments", Rules: rules},
		{Service: "web", SLO: "checkout", Type: slo.UserJourney, Journey: "checkout_flow", Rules: rules},
	}
}

// tr is a transition of rule on SLO "payment_service/<sloName>" (or web/checkout).
func tr(sloName, rule, severity, state string, at time.Time, notify bool) Transition {
	service := "payment_service"
	if sloName == "checkout" {
		service = "web"
	}
	return Transition{At: at, Service: service, SLO: sloName, Rule: rule, Severity: severity, State: state, Notify: notify}
}

func fire(sloName, rule, severity string, at time.Time) Transition {
	return tr(sloName, rule, severity, "firing", at, true)
}

func resolve(sloName, rule, severity string, at time.Time) Transition {
	return tr(sloName, rule, severity, "resolved", at, true)
}

func outage(name string, from, to int) simulate.Label {
	return simulate.Label{Name: name, Kind: "error_spike", Service: "payments", Start: minute(from), End: minute(to), ErrorRatio: 1}
}

func TestScoreOfOneLabel(t *testing.T) {
	crit, warn := slo.AlertCritical, slo.AlertWarning
	sec := func(m float64) *float64 { v := m * 60; return &v }
	tests := []struct {
		name        string
		label       simulate.Label
		transitions []Transition
		detected    bool
		by          string
		delay       *float64 // seconds
		reset       *float64
		falsePages  int
	}{
		{"a page during the incident detects it, with its delays", outage("o", 0, 20),
			[]Transition{fire("availability", "fast_burn", crit, minute(3)), resolve("availability", "fast_burn", crit, minute(25))},
			true, crit, sec(3), sec(5), 0},
		{"no firing is a miss", outage("o", 0, 20), nil, false, "", nil, nil, 0},
		{"a page before the incident is a false page and detects nothing", outage("o", 0, 20),
			[]Transition{fire("availability", "fast_burn", crit, minute(-1)), resolve("availability", "fast_burn", crit, minute(10))},
			false, "", nil, nil, 1},
		{"a warning within its 6h long window after the end detects it", outage("o", 0, 20),
			[]Transition{fire("availability", "slow_burn", warn, minute(20+359)), resolve("availability", "slow_burn", warn, minute(400))},
			true, warn, sec(379), sec(380), 0},
		{"a page just past the end plus its 1h long window is a false page", outage("o", 0, 20),
			[]Transition{fire("availability", "fast_burn", crit, minute(81))},
			false, "", nil, nil, 1},
		{"a page at the end plus exactly its long window still detects", outage("o", 0, 20),
			[]Transition{fire("availability", "fast_burn", crit, minute(80))},
			true, crit, sec(80), nil, 0},
		{"an alert still firing at the end of the replay has no reset delay", outage("o", 0, 20),
			[]Transition{fire("availability", "fast_burn", crit, minute(2))},
			true, crit, sec(2), nil, 0},
		{"the reset is the page's, not the slower warning's", outage("o", 0, 20),
			[]Transition{fire("availability", "fast_burn", crit, minute(2)), fire("availability", "slow_burn", warn, minute(15)),
				resolve("availability", "fast_burn", crit, minute(25)), resolve("availability", "slow_burn", warn, minute(50))},
			true, crit, sec(2), sec(5), 0},
		{"the reset waits for the last page of the label",
			simulate.Label{Name: "both", Kind: "traffic_drop", Service: "payments", Start: minute(0), End: minute(20), TrafficFactor: 0.1, ErrorRatio: 1},
			[]Transition{fire("availability", "fast_burn", crit, minute(2)), fire("latency", "fast_burn", crit, minute(3)),
				resolve("availability", "fast_burn", crit, minute(25)), resolve("latency", "fast_burn", crit, minute(28))},
			true, crit, sec(2), sec(8), 0},
		{"an error spike does not affect a latency SLO: its page is false", outage("o", 0, 20),
			[]Transition{fire("latency", "fast_burn", crit, minute(3))},
			false, "", nil, nil, 1},
		{"a latency regression is detected on the latency SLO",
			simulate.Label{Name: "slow", Kind: "latency", Service: "payments", Start: minute(0), End: minute(30), LatencyMultiplier: 3},
			[]Transition{fire("latency", "fast_burn", crit, minute(6))},
			true, crit, sec(6), nil, 0},
		{"a journey step failure is detected on the journey's SLO",
			simulate.Label{Name: "step", Kind: "journey_step", Journey: "checkout_flow", Step: "pay", Start: minute(0), End: minute(30), ErrorRatio: 0.5},
			[]Transition{fire("checkout", "fast_burn", crit, minute(4))},
			true, crit, sec(4), nil, 0},
		{"a suppressed page outside incidents paged nobody", outage("o", 0, 20),
			[]Transition{tr("availability", "fast_burn", crit, "firing", minute(-30), false)},
			false, "", nil, nil, 0},
		{"a major budget alert weeks later still detects it (its window is the SLO period)", outage("o", 0, 20),
			[]Transition{fire("availability", "budget_exhaustion", slo.AlertMajor, minute(20*24*60))},
			true, slo.AlertMajor, sec(20 * 24 * 60), nil, 0},
		{"a budget alert still firing does not hold the reset back", outage("o", 0, 20),
			[]Transition{fire("availability", "budget_exhaustion", slo.AlertMajor, minute(1)),
				fire("availability", "fast_burn", crit, minute(3)), resolve("availability", "fast_burn", crit, minute(24))},
			true, crit, sec(1), sec(4), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := Score(Report{RuleSet: "config", SLOs: scoreSLOs(), Transitions: tt.transitions}, []simulate.Label{tt.label})
			if len(sc.Labels) != 1 {
				t.Fatalf("labels = %+v", sc.Labels)
			}
			ls := sc.Labels[0]
			if ls.Detected != tt.detected || ls.DetectedBy != tt.by || ls.Paged != (tt.by == crit || tt.by == slo.AlertMajor) {
				t.Errorf("detected = %v by %q (paged %v), want %v by %q", ls.Detected, ls.DetectedBy, ls.Paged, tt.detected, tt.by)
			}
			checkSeconds(t, "detection delay", ls.DetectionDelay, tt.delay)
			checkSeconds(t, "reset delay", ls.ResetDelay, tt.reset)
			if len(sc.FalsePages) != tt.falsePages {
				t.Errorf("false pages = %+v, want %d", sc.FalsePages, tt.falsePages)
			}
			if d, m := sc.Detected, sc.Missed; d+m != 1 || (d == 1) != tt.detected {
				t.Errorf("detected %d, missed %d", d, m)
			}
		})
	}
}

func checkSeconds(t *testing.T, what string, got, want *float64) {
	t.Helper()
	switch {
	case (got == nil) != (want == nil):
		t.Errorf("%s = %v, want %v", what, deref(got), deref(want))
	case got != nil && math.Abs(*got-*want) > 1e-9:
		t.Errorf("%s = %v s, want %v s", what, *got, *want)
	}
}

func deref(p *float64) any {
	if p == nil {
		return "none"
	}
	return *p
}

func TestScorePrecisionAndRecallPerSeverity(t *testing.T) {
	crit, warn := slo.AlertCritical, slo.AlertWarning
	labels := []simulate.Label{outage("a", 0, 20), outage("b", 600, 620), outage("c", 1200, 1210)}
	rep := Report{SLOs: scoreSLOs(), Transitions: []Transition{
		fire("availability", "fast_burn", crit, minute(2)), resolve("availability", "fast_burn", crit, minute(25)),
		fire("availability", "slow_burn", warn, minute(10)), resolve("availability", "slow_burn", warn, minute(60)),
		fire("availability", "fast_burn", crit, minute(300)), resolve("availability", "fast_burn", crit, minute(306)), // false page
		fire("availability", "slow_burn", warn, minute(612)), resolve("availability", "slow_burn", warn, minute(700)),
	}}
	sc := Score(rep, labels)
	if sc.Detected != 2 || sc.Missed != 1 || sc.Paged != 1 || len(sc.FalsePages) != 1 || !sc.FalsePages[0].At.Equal(minute(300)) {
		t.Fatalf("detected %d, missed %d, paged %d, false pages %+v", sc.Detected, sc.Missed, sc.Paged, sc.FalsePages)
	}
	want := map[string]struct {
		firings, true_, detected int
		precision, recall        *float64
	}{
		crit:           {2, 1, 1, ptr(0.5), ptr(1.0 / 3)},
		slo.AlertMajor: {0, 0, 0, nil, ptr(0)},
		warn:           {2, 2, 2, ptr(1), ptr(2.0 / 3)},
		slo.AlertInfo:  {0, 0, 0, nil, ptr(0)},
		SeverityPage:   {2, 1, 1, ptr(0.5), ptr(1.0 / 3)},
	}
	if len(sc.Severities) != len(want) {
		t.Fatalf("severities = %+v", sc.Severities)
	}
	for _, ss := range sc.Severities {
		w := want[ss.Severity]
		if ss.Firings != w.firings || ss.True != w.true_ || ss.Detected != w.detected {
			t.Errorf("%s: firings %d true %d detected %d, want %d %d %d", ss.Severity, ss.Firings, ss.True, ss.Detected, w.firings, w.true_, w.detected)
		}
		checkSeconds(t, ss.Severity+" precision", ss.Precision, w.precision)
		checkSeconds(t, ss.Severity+" recall", ss.Recall, w.recall)
	}
	// Detection delays 2 and 12 minutes: the median of two is their mean.
	checkSeconds(t, "median detection delay", sc.MedianDetectionDelay, ptr(7*60))
	// Resets: a's page 5 minutes after its end, b's warning (its only alert) 80 minutes.
	checkSeconds(t, "median reset delay", sc.MedianResetDelay, ptr(42.5*60))
}

func TestScoreLeavesOutLabelsOfNoReplayedSLO(t *testing.T) {
	labels := []simulate.Label{
		{Name: "elsewhere", Kind: "error_spike", Service: "search", Start: minute(0), End: minute(10), ErrorRatio: 1},
		{Name: "other journey", Kind: "journey_step", Journey: "signup", Start: minute(0), End: minute(10), ErrorRatio: 1},
	}
	sc := Score(Report{SLOs: scoreSLOs()}, labels)
	if len(sc.Labels) != 0 || len(sc.Unmapped) != 2 || sc.Missed != 0 {
		t.Fatalf("scored %+v, unmapped %v, missed %d", sc.Labels, sc.Unmapped, sc.Missed)
	}
	for _, ss := range sc.Severities {
		if ss.Recall != nil || ss.Precision != nil {
			t.Errorf("%s: precision %v recall %v without labels or firings", ss.Severity, deref(ss.Precision), deref(ss.Recall))
		}
	}
}

func TestATrafficDropAffectsBothRequestSLOs(t *testing.T) {
	l := simulate.Label{Name: "drop", Kind: "traffic_drop", Service: "payments", Start: minute(0), End: minute(30), TrafficFactor: 0.1}
	sc := Score(Report{SLOs: scoreSLOs()}, []simulate.Label{l})
	if len(sc.Labels) != 1 || len(sc.Labels[0].SLOs) != 2 || sc.Missed != 1 {
		t.Fatalf("labels = %+v", sc.Labels)
	}
}

func ptr(f float64) *float64 { return &f }

func TestFiringsPairEachFiringWithTheNextResolutionOfItsAlert(t *testing.T) {
	crit, warn, major := slo.AlertCritical, slo.AlertWarning, slo.AlertMajor
	rep := Report{SLOs: scoreSLOs(), Transitions: []Transition{
		resolve("availability", "fast_burn", crit, minute(0)), // resolves nothing before it
		fire("availability", "fast_burn", crit, minute(1)),
		fire("latency", "fast_burn", crit, minute(2)),
		fire("availability", "slow_burn", warn, minute(3)),
		resolve("availability", "fast_burn", crit, minute(4)),
		fire("availability", "fast_burn", crit, minute(5)),
		fire("availability", "fast_burn", crit, minute(6)), // two open: the next resolution ends both
		resolve("availability", "fast_burn", crit, minute(7)),
		resolve("latency", "fast_burn", crit, minute(8)),
		fire("checkout", "budget_exhaustion", major, minute(9)),
		fire("unknown", "fast_burn", crit, minute(10)), // an SLO the report does not describe
	}}
	want := []struct {
		sloID     string
		at        int
		tolerance time.Duration
		kind      slo.RuleKind
		resolved  int // -1: never
	}{
		{"payment_service/availability", 1, time.Hour, slo.KindBurnRate, 4},
		{"payment_service/latency", 2, time.Hour, slo.KindBurnRate, 8},
		{"payment_service/availability", 3, 6 * time.Hour, slo.KindBurnRate, -1},
		{"payment_service/availability", 5, time.Hour, slo.KindBurnRate, 7},
		{"payment_service/availability", 6, time.Hour, slo.KindBurnRate, 7},
		{"web/checkout", 9, 30 * slo.Day, slo.KindBudgetRemaining, -1},
		{"payment_service/unknown", 10, 0, "", -1},
	}
	got := firingsOf(rep)
	if len(got) != len(want) {
		t.Fatalf("%d firings, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		f := got[i]
		if f.sloID != w.sloID || !f.t.At.Equal(minute(w.at)) || f.tolerance != w.tolerance || f.kind != w.kind {
			t.Errorf("firing %d = %s at %s, tolerance %s, kind %q; want %s at %s, %s, %q", i, f.sloID, f.t.At, f.tolerance, f.kind,
				w.sloID, minute(w.at), w.tolerance, w.kind)
		}
		switch {
		case w.resolved < 0 && f.resolved != nil:
			t.Errorf("firing %d resolved at %s, want never", i, *f.resolved)
		case w.resolved >= 0 && (f.resolved == nil || !f.resolved.Equal(minute(w.resolved))):
			t.Errorf("firing %d resolved at %v, want %s", i, f.resolved, minute(w.resolved))
		}
	}
}
