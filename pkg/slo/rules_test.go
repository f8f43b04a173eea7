package slo

import (
	"testing"
	"time"
)

// The MWMBR table of docs/slo-math.md, for 30 and 28 days.
func TestThresholdsFollowTheSLOPeriod(t *testing.T) {
	rules := DefaultRules()
	tests := []struct {
		rule     string
		long     time.Duration
		short    time.Duration
		b        float64
		at30d    float64
		at28d    float64
		severity string
	}{
		{"fast_burn", time.Hour, 5 * time.Minute, 0.02, 14.4, 13.44, AlertCritical},
		{"slow_burn", 6 * time.Hour, 30 * time.Minute, 0.05, 6, 5.6, AlertWarning},
		{"ticket_burn_1d", Day, 2 * time.Hour, 0.10, 3, 2.8, AlertInfo},
		{"ticket_burn_3d", 3 * Day, 6 * time.Hour, 0.10, 1, 0.9333333333, AlertInfo},
	}
	for _, tt := range tests {
		t.Run(tt.rule+" burns at the workbook's rate for 30 and 28 days", func(t *testing.T) {
			r, ok := rules[tt.rule]
			if !ok {
				t.Fatalf("no rule %s", tt.rule)
			}
			if r.Kind != KindBurnRate || r.Long != tt.long || r.Short != tt.short || r.Severity != tt.severity {
				t.Errorf("rule = %+v", r)
			}
			if r.Short != r.Long/shortWindowDivisor {
				t.Errorf("short window %v is not long/12", r.Short)
			}
			assertApprox(t, "b", r.BudgetFraction, tt.b, 1e-12)
			assertApprox(t, "Threshold(30d)", r.Threshold(30*Day), tt.at30d, 1e-9)
			assertApprox(t, "Threshold(28d)", r.Threshold(28*Day), tt.at28d, 1e-9)
		})
	}
}

func TestDefaultRulesMatchTheSeed(t *testing.T) {
	rules := DefaultRules()
	for _, name := range DefaultRuleNames {
		if _, ok := rules[name]; !ok {
			t.Errorf("default rule %s missing from the catalog", name)
		}
	}
	fast := rules["fast_burn"]
	if fast.For != 2*time.Minute || !fast.OpensIncident || len(fast.Channels) != 2 || fast.Channels[0] != ChannelPager {
		t.Errorf("fast_burn = %+v; the seed says for 2m, critical, [pager slack]", fast)
	}
	if slow := rules["slow_burn"]; slow.For != 15*time.Minute {
		t.Errorf("slow_burn for = %v; the seed says 15m", slow.For)
	}
	ex := rules["budget_exhaustion"]
	if ex.Kind != KindBudgetRemaining || ex.RemainingBelow != 0.10 || ex.Severity != AlertMajor {
		t.Errorf("budget_exhaustion = %+v", ex)
	}
	if ex.Threshold(30*Day) != 0 {
		t.Error("a budget_remaining rule has a burn-rate threshold")
	}
}

func TestDefaultRulesReturnsAFreshCatalogEachCall(t *testing.T) {
	a := DefaultRules()
	a["fast_burn"].Channels[0] = "changed"
	delete(a, "slow_burn")
	b := DefaultRules()
	if b["fast_burn"].Channels[0] != ChannelPager || len(b) != 5 {
		t.Error("changing one catalog changed the next")
	}
}

func TestAnExplicitBurnRateOverridesTheDerivedThreshold(t *testing.T) {
	r := DefaultRules()["fast_burn"]
	r.BurnRate = 10
	assertApprox(t, "Threshold", r.Threshold(30*Day), 10, 0)
	assertApprox(t, "Threshold", r.Threshold(7*Day), 10, 0)
}

func TestCanFire(t *testing.T) {
	rules := DefaultRules()
	tests := []struct {
		name      string
		rule      string
		objective float64
		period    time.Duration
		want      bool
	}{
		{"fast_burn cannot fire at 90 % because a full outage burns at 10x", "fast_burn", 0.90, 30 * Day, false},
		{"fast_burn can fire at 99.9 %", "fast_burn", 0.999, 30 * Day, true},
		{"fast_burn can fire for a p95 latency SLO (max 20x)", "fast_burn", 0.95, 30 * Day, true},
		{"slow_burn can fire at 90 % (6x <= 10x)", "slow_burn", 0.90, 30 * Day, true},
		{"fast_burn cannot fire at 93 % (max 14.29x)", "fast_burn", 0.93, 30 * Day, false},
		{"ticket_burn_3d (1x) can fire at any objective", "ticket_burn_3d", 0.5, 30 * Day, true},
		{"budget_exhaustion can always fire", "budget_exhaustion", 0.5, 30 * Day, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rules[tt.rule].CanFire(tt.objective, tt.period); got != tt.want {
				t.Errorf("CanFire = %v", got)
			}
		})
	}
	t.Run("a fixed threshold exactly at the maximum burn rate can fire", func(t *testing.T) {
		r := Rule{Kind: KindBurnRate, BurnRate: 10, Long: time.Hour}
		if !r.CanFire(0.9, 30*Day) {
			t.Error("10x at 90 % cannot fire")
		}
	})
}

// Detection times of docs/slo-math.md "Detection and reset".
func TestDetectionTime(t *testing.T) {
	rules := DefaultRules()
	period := 30 * Day
	tests := []struct {
		name       string
		rule       string
		errorRatio float64
		want       time.Duration
		ok         bool
	}{
		{"fast_burn detects a total outage in 52 seconds", "fast_burn", 1.0, 51840 * time.Millisecond, true},
		{"fast_burn detects 10 % errors in 8.64 minutes", "fast_burn", 0.10, 518400 * time.Millisecond, true},
		{"fast_burn never detects 1 % errors (below 1.44 %)", "fast_burn", 0.01, 0, false},
		{"slow_burn detects 1 % errors after 3.6 hours", "slow_burn", 0.01, 3*time.Hour + 36*time.Minute, true},
		{"an error ratio exactly at the threshold never fires", "fast_burn", 0.0144, 0, false},
		{"a budget_remaining rule has no detection time", "budget_exhaustion", 1.0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := rules[tt.rule].DetectionTime(tt.errorRatio, 0.999, period)
			if ok != tt.ok || !approx(float64(got), float64(tt.want), 1e-9) {
				t.Errorf("DetectionTime = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	// "Any rule fires when exactly its b of the budget has been spent, whatever the error rate."
	for _, e := range []float64{1, 0.5, 0.1, 0.02} {
		r := rules["fast_burn"]
		d, ok := r.DetectionTime(e, 0.999, period)
		if !ok {
			t.Fatalf("no detection at e=%v", e)
		}
		spent := e * d.Seconds() / ((1 - 0.999) * period.Seconds())
		assertApprox(t, "budget spent at detection", spent, r.BudgetFraction, 1e-6)
	}
}

func TestCondition(t *testing.T) {
	rules := DefaultRules()
	fast := rules["fast_burn"]
	guarded := fast
	guarded.MinBadEvents = 10
	const o = 0.999
	period := 30 * Day
	// 1,000 requests a minute: the 1h window holds 60,000 and the 5m window 5,000.
	hour := func(bad int64) Counts { return Counts{Valid: 60_000, Good: 60_000 - bad} }
	five := func(bad int64) Counts { return Counts{Valid: 5_000, Good: 5_000 - bad} }
	tests := []struct {
		name string
		rule Rule
		in   RuleInput
		want bool
	}{
		{"both windows above 14.4x fire", fast, RuleInput{Long: hour(900), Short: five(80)}, true},
		{"exactly 864 and 72 bad do not fire (strictly above)", fast, RuleInput{Long: hour(864), Short: five(72)}, false},
		{"a hot long window alone does not fire once errors stopped", fast, RuleInput{Long: hour(2000), Short: five(0)}, false},
		{"a hot short window alone does not fire", fast, RuleInput{Long: hour(100), Short: five(500)}, false},
		{"no data in the short window does not fire", fast, RuleInput{Long: hour(2000), Short: Counts{}}, false},
		{"too few bad events for the low-traffic guard do not fire", guarded, RuleInput{Long: Counts{Valid: 20, Good: 11}, Short: Counts{Valid: 2, Good: 0}}, false},
		{"enough bad events for the low-traffic guard fire", guarded, RuleInput{Long: Counts{Valid: 20, Good: 10}, Short: Counts{Valid: 2, Good: 0}}, true},
		{"budget_exhaustion fires below 10 % remaining", rules["budget_exhaustion"], RuleInput{Period: Counts{Valid: 100_000, Good: 99_909}}, true},
		{"budget_exhaustion does not fire at 10 % remaining", rules["budget_exhaustion"], RuleInput{Period: Counts{Valid: 100_000, Good: 99_910}}, false},
		{"budget_exhaustion does not fire without data", rules["budget_exhaustion"], RuleInput{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rule.Condition(tt.in, o, period); got != tt.want {
				t.Errorf("Condition = %v", got)
			}
		})
	}
}
