package alerting

import (
	"math"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

func TestEvaluate(t *testing.T) {
	fast := rule("fast_burn")
	guarded := fast
	guarded.MinBadEvents = 1000
	exhaustion := rule("budget_exhaustion")
	lowTraffic := Observation{At: t0, Burn: map[time.Duration]slo.Counts{
		time.Hour: {Valid: 10, Good: 9}, 5 * time.Minute: {Valid: 1, Good: 0},
	}}
	lowGuard := fast
	lowGuard.MinBadEvents = 5

	tests := []struct {
		name string
		rule slo.Rule
		obs  Observation
		want Status
	}{
		{"fast_burn fires above 864 bad in 1h and 72 bad in 5m", fast, fastObs(t0, 865, 73), Met},
		{"fast_burn does not fire at exactly 864 and 72 bad (strictly above)", fast, fastObs(t0, 864, 72), NotMet},
		{"fast_burn does not fire when only the long window burns", fast, fastObs(t0, 900, 72), NotMet},
		{"fast_burn does not fire when only the short window burns", fast, fastObs(t0, 864, 500), NotMet},
		{"a total outage fires fast_burn", fast, fastObs(t0, 60*perMinute, 5*perMinute), Met},
		{"min_bad_events keeps a burning window with too few bad events from firing", guarded, fastObs(t0, 999, 500), NotMet},
		{"min_bad_events is reached at exactly that many bad events", guarded, fastObs(t0, 1000, 500), Met},
		{"one failure among ten requests fires without a low-traffic guard", fast, lowTraffic, Met},
		{"one failure among ten requests does not fire with min_bad_events 5", lowGuard, lowTraffic, NotMet},
		{"no valid events in the long window is no data", fast,
			Observation{At: t0, Burn: map[time.Duration]slo.Counts{time.Hour: {}, 5 * time.Minute: bad(5, 5000)}}, NoData},
		{"no valid events in the short window is no data", fast,
			Observation{At: t0, Burn: map[time.Duration]slo.Counts{time.Hour: bad(60, 5000), 5 * time.Minute: {}}}, NoData},
		{"a window missing from the observation is no data", fast,
			Observation{At: t0, Burn: map[time.Duration]slo.Counts{time.Hour: bad(60, 5000)}}, NoData},
		{"budget_exhaustion fires below 10% remaining", exhaustion, Observation{At: t0, BudgetRemaining: ptr(0.05)}, Met},
		{"budget_exhaustion fires on a breached SLO (negative remaining)", exhaustion, Observation{At: t0, BudgetRemaining: ptr(-0.5)}, Met},
		{"budget_exhaustion does not fire at exactly 10% remaining", exhaustion, Observation{At: t0, BudgetRemaining: ptr(0.10)}, NotMet},
		{"budget_exhaustion without a remaining budget is no data", exhaustion, Observation{At: t0}, NoData},
		{"an unknown rule kind never fires", slo.Rule{Name: "x", Kind: "other"}, fastObs(t0, 60000, 5000), NotMet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(exampleSLO(), tt.rule, tt.obs)
			if got.Status != tt.want {
				t.Fatalf("status = %s, want %s (values %+v)", got.Status, tt.want, got.Values)
			}
			if got.AlertID != "checkout/availability/"+tt.rule.Name {
				t.Errorf("alert id = %q", got.AlertID)
			}
		})
	}
}

func TestEvaluateReportsTheBurnRatesAndTheThreshold(t *testing.T) {
	got := Evaluate(exampleSLO(), rule("fast_burn"), fastObs(t0, 864, 72))
	v := got.Values
	if math.Abs(v.Threshold-14.4) > tolerance {
		t.Errorf("threshold = %v, want 14.4 (b*T/long = 0.02*720h/1h)", v.Threshold)
	}
	if v.BurnLong == nil || math.Abs(*v.BurnLong-14.4) > tolerance {
		t.Errorf("long burn rate = %v, want 14.4 (864/60000/0.001)", v.BurnLong)
	}
	if v.BurnShort == nil || math.Abs(*v.BurnShort-14.4) > tolerance {
		t.Errorf("short burn rate = %v, want 14.4 (72/5000/0.001)", v.BurnShort)
	}
	if v.LongBad != 864 {
		t.Errorf("long bad = %d, want 864", v.LongBad)
	}
}

func TestEvaluateLeavesTheBurnRateOfAWindowWithoutDataNil(t *testing.T) {
	obs := Observation{At: t0, Burn: map[time.Duration]slo.Counts{time.Hour: bad(60, 10)}}
	got := Evaluate(exampleSLO(), rule("fast_burn"), obs)
	if got.Values.BurnShort != nil || got.Values.BurnLong == nil {
		t.Fatalf("values = %+v, want a long burn rate and no short one", got.Values)
	}
}

func TestEvaluateCopiesTheRemainingBudget(t *testing.T) {
	rem := 0.05
	got := Evaluate(exampleSLO(), rule("budget_exhaustion"), Observation{At: t0, BudgetRemaining: &rem})
	rem = 1
	if got.Values.BudgetRemaining == nil || *got.Values.BudgetRemaining != 0.05 {
		t.Fatalf("remaining = %v, want 0.05 unaffected by the caller's variable", got.Values.BudgetRemaining)
	}
}

func TestWindowsListsEveryBurnWindowOnceInOrder(t *testing.T) {
	rules := []slo.Rule{rule("slow_burn"), rule("fast_burn"), rule("budget_exhaustion"), rule("fast_burn")}
	got := Windows(rules)
	want := []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 6 * time.Hour}
	if len(got) != len(want) {
		t.Fatalf("windows = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("windows = %v, want %v", got, want)
		}
	}
	if w := Windows([]slo.Rule{rule("budget_exhaustion")}); len(w) != 0 {
		t.Errorf("budget_remaining rules need no burn window, got %v", w)
	}
}
