package backtest

import (
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/slo"
)

func TestTheNaiveRuleIsOneFiveMinuteWindowAboveTheObjectiveForTwoMinutes(t *testing.T) {
	rules, err := Naive()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 {
		t.Fatalf("rules = %+v", rules)
	}
	r := rules[0]
	if r.Name != NaiveName || r.Long != 5*time.Minute || r.Short != r.Long || r.For != 2*time.Minute ||
		r.Severity != slo.AlertCritical || !Pages(r.Severity) || !r.OpensIncident {
		t.Errorf("naive = %+v", r)
	}
	s := slo.SLO{Service: "s", Name: "a", Type: slo.SuccessRate, Objective: 0.999, Window: 30 * slo.Day}
	obs := func(bad int64) alerting.Observation {
		return alerting.Observation{Burn: map[time.Duration]slo.Counts{5 * time.Minute: {Valid: 5000, Good: 5000 - bad}}}
	}
	// 99.9 %: 5 bad of 5,000 is exactly the allowance, 6 is above it.
	if got := alerting.Evaluate(s, r, obs(6)).Status; got != alerting.Met {
		t.Errorf("6 bad of 5,000: %s, want met", got)
	}
	if got := alerting.Evaluate(s, r, obs(5)).Status; got != alerting.NotMet {
		t.Errorf("5 bad of 5,000: %s, want not met", got)
	}
}
