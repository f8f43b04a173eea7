package slo

import (
	"strings"
	"testing"
	"time"
)

func TestParseRuleSetReadsTheRulesInFileOrder(t *testing.T) {
	rules, ds := ParseRuleSet([]byte(`alert_rules:
  naive:
    type: burn_rate
    burn_rate: 1
    long_window: 5m
    short_window: 5m
    for: 2m
    severity: critical
    channels: [pager]
    opens_incident: true
  fast_burn:
    for: 0
`))
	if ds.HasErrors() {
		t.Fatalf("diagnostics: %v", ds.Err())
	}
	if len(rules) != 2 || rules[0].Name != "naive" || rules[1].Name != "fast_burn" {
		t.Fatalf("rules = %+v, want naive then fast_burn", rules)
	}
	naive := rules[0]
	if naive.Kind != KindBurnRate || naive.Long != 5*time.Minute || naive.Short != 5*time.Minute ||
		naive.For != 2*time.Minute || naive.Severity != AlertCritical || !naive.OpensIncident || naive.Threshold(30*Day) != 1 {
		t.Errorf("naive = %+v", naive)
	}
	fast := rules[1]
	if fast.For != 0 || fast.Long != time.Hour || fast.Severity != AlertCritical {
		t.Errorf("fast_burn overrides only for: %+v", fast)
	}
}

func TestParseRuleSetRejectsBadDocuments(t *testing.T) {
	tests := []struct {
		name, doc, path, fragment string
	}{
		{"an empty document", "", docPath, "want a mapping with an alert_rules key"},
		{"a document without alert_rules", "services: {}\n", "services", "unknown key"},
		{"an empty rule set", "alert_rules: {}\n", "alert_rules", "at least one rule"},
		{"an invalid rule, reported with its path", "alert_rules:\n  x:\n    type: burn_rate\n    long_window: 1h\n    budget_fraction: 0.02\n    severity: sev1\n",
			"alert_rules.x.severity", "want one of critical"},
		{"not YAML", "alert_rules: [\n", docPath, "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, ds := ParseRuleSet([]byte(tt.doc))
			if rules != nil {
				t.Errorf("rules = %+v, want none", rules)
			}
			errs := ds.Errors()
			if len(errs) == 0 || errs[0].Path != tt.path || !strings.Contains(errs[0].Message, tt.fragment) {
				t.Errorf("diagnostics = %v, want %s: ...%s...", ds, tt.path, tt.fragment)
			}
		})
	}
}

func TestASingleWindowRuleReadsOneWindowTwice(t *testing.T) {
	r := Rule{Kind: KindBurnRate, BurnRate: 1, Long: 5 * time.Minute, Short: 5 * time.Minute}
	// 99.9 %: the ratio must exceed 0.1 % in the one window.
	above := Counts{Valid: 5000, Good: 4994}
	at := Counts{Valid: 5000, Good: 4995}
	if !r.Condition(RuleInput{Long: above, Short: above}, 0.999, 30*Day) {
		t.Error("6 bad of 5,000 (0.12 %) does not fire")
	}
	if r.Condition(RuleInput{Long: at, Short: at}, 0.999, 30*Day) {
		t.Error("5 bad of 5,000 (exactly 0.1 %) fires")
	}
}
