package backtest

import (
	_ "embed"
	"fmt"

	"github.com/sloguard/sloguard/pkg/slo"
)

// NaiveName names the built-in comparison rule set (Naive).
const NaiveName = "naive"

//go:embed naive.yaml
var naiveYAML []byte

// Naive returns the built-in comparison rule set: one critical, paging rule "naive", error
// ratio over a single 5-minute window above 1 - objective for 2 minutes. It is an
// alert_rules document (naive.yaml) read by slo.ParseRuleSet, so it goes through the same
// rule model, checks and state machine as any configured rule.
func Naive() ([]slo.Rule, error) {
	rules, diags := slo.ParseRuleSet(naiveYAML)
	if diags.HasErrors() {
		return nil, fmt.Errorf("backtest: naive.yaml: %w", diags.Err())
	}
	return rules, nil
}
