package incident

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// noData is how a missing value is written (seed ERRATA 7).
const noData = "no data"

// Snapshot are the numbers of an SLO when an incident opens, as the engine reports them. A nil
// pointer is no data.
type Snapshot struct {
	// SLI is the current SLI as a ratio (0.9912): good / valid; for latency the fraction of
	// valid requests within the threshold.
	SLI *float64
	// P95MS is the p95 response time in milliseconds (latency SLOs; display only, ERRATA 2).
	P95MS *float64
	// BudgetRemaining is the remaining error budget fraction over the SLO period (may be < 0).
	BudgetRemaining *float64
	// BurnRates are the burn rates of the alert's windows, long first.
	BurnRates []WindowBurn
	// TimeToExhaustion is how long the remaining budget lasts at the current burn rate; nil
	// when the budget is not being spent or there is no data.
	TimeToExhaustion *time.Duration
	// Rule and RuleDescription are the alert rule that opened the incident.
	Rule            string
	RuleDescription string
}

// WindowBurn is the burn rate of one look-back window; Rate nil is no data.
type WindowBurn struct {
	Window time.Duration
	Rate   *float64
}

// Title returns "SLO violation: <service> <slo>".
func Title(s slo.SLO) string { return "SLO violation: " + s.Service + " " + s.Name }

// Description returns the incident text of the seed's template (_generate_incident_description)
// with units by SLI type (ERRATA 8) and "no data" for missing values (ERRATA 7):
//
//	SLO violation detected for payment_service availability (success_rate)
//
//	Current SLI: 99.12%
//	Objective: 99.9% over 30d
//	Error budget remaining: 12.3%
//	Burn rate: 14.40x (1h), 15.20x (5m)
//	Time to exhaustion: 2h30m
//
//	Alert rule: fast_burn
//	Description: 2% of the error budget spent within 1 hour
//
//	Please investigate and take appropriate action to restore the service level.
func Description(s slo.SLO, snap Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "SLO violation detected for %s %s (%s)\n\n", s.Service, s.Name, kindText(s))
	fmt.Fprintf(&b, "Current SLI: %s\n", sliText(s, snap))
	fmt.Fprintf(&b, "Objective: %s over %s\n", objectiveText(s), windowText(s))
	fmt.Fprintf(&b, "Error budget remaining: %s\n", budgetText(snap.BudgetRemaining))
	fmt.Fprintf(&b, "Burn rate: %s\n", burnText(snap.BurnRates))
	fmt.Fprintf(&b, "Time to exhaustion: %s\n", exhaustionText(snap))
	if snap.Rule != "" || snap.RuleDescription != "" {
		b.WriteString("\n")
		if snap.Rule != "" {
			fmt.Fprintf(&b, "Alert rule: %s\n", snap.Rule)
		}
		if snap.RuleDescription != "" {
			fmt.Fprintf(&b, "Description: %s\n", snap.RuleDescription)
		}
	}
	b.WriteString("\nPlease investigate and take appropriate action to restore the service level.")
	return b.String()
}

func kindText(s slo.SLO) string {
	if s.Type == slo.UserJourney && s.Journey != "" {
		return string(s.Type) + ", journey " + s.Journey
	}
	return string(s.Type)
}

func sliText(s slo.SLO, snap Snapshot) string {
	if s.Type != slo.Latency {
		if snap.SLI == nil {
			return noData
		}
		return percent(*snap.SLI)
	}
	text := noData
	if snap.SLI != nil {
		text = percent(*snap.SLI) + " of requests within " + ms(s.ThresholdMS)
	}
	if snap.P95MS != nil {
		text += ", p95 " + ms(*snap.P95MS)
	}
	return text
}

func objectiveText(s slo.SLO) string {
	if s.Type == slo.Latency {
		return percent(s.Objective) + " of requests within " + ms(s.ThresholdMS)
	}
	return percent(s.Objective)
}

func windowText(s slo.SLO) string {
	if s.WindowText != "" {
		return s.WindowText
	}
	return slo.FormatWindow(s.Window)
}

func budgetText(remaining *float64) string {
	if remaining == nil {
		return noData
	}
	return strconv.FormatFloat(*remaining*100, 'f', 1, 64) + "%"
}

func burnText(burns []WindowBurn) string {
	if len(burns) == 0 {
		return noData
	}
	parts := make([]string, len(burns))
	for i, w := range burns {
		rate := noData
		if w.Rate != nil {
			rate = strconv.FormatFloat(*w.Rate, 'f', 2, 64) + "x"
		}
		parts[i] = rate + " (" + slo.FormatWindow(w.Window) + ")"
	}
	return strings.Join(parts, ", ")
}

func exhaustionText(snap Snapshot) string {
	switch {
	case snap.BudgetRemaining == nil:
		return noData
	case *snap.BudgetRemaining <= 0:
		return "exhausted"
	case snap.TimeToExhaustion == nil:
		return "not being spent"
	}
	d := snap.TimeToExhaustion.Round(time.Minute)
	if d < time.Minute {
		return "less than 1m"
	}
	return slo.FormatWindow(d)
}

// percent writes a ratio as a percentage with up to three decimals: 0.999 -> "99.9%",
// 0.95 -> "95%", 0.99123 -> "99.123%".
func percent(ratio float64) string {
	s := strconv.FormatFloat(ratio*100, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// ms writes milliseconds with up to one decimal: 200 -> "200 ms", 412.35 -> "412.4 ms".
func ms(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + " ms"
}
