package alerting

import (
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// Observation is what the rules of one SLO read at one instant. The detector fills it from
// engine.Status: Burn from BurnCounts, BudgetRemaining from BudgetRemaining.
type Observation struct {
	// At is the instant observed; the windows are [At - w, At).
	At time.Time
	// Burn holds the counts of every window the rules need (see Windows). A missing window,
	// or one without valid events, is no data.
	Burn map[time.Duration]slo.Counts
	// BudgetRemaining is 1 - bad(T) / ((1 - objective) * valid(T)) over the SLO period, not
	// clamped; nil without data.
	BudgetRemaining *float64
}

// Windows returns every look-back window the rules need, ascending and without duplicates: the
// Long and Short windows of the burn_rate rules. budget_remaining rules read the SLO period,
// which is not a burn window.
func Windows(rules []slo.Rule) []time.Duration {
	var out []time.Duration
	for _, r := range rules {
		if r.Kind != slo.KindBurnRate {
			continue
		}
		for _, w := range []time.Duration{r.Long, r.Short} {
			if w > 0 {
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
