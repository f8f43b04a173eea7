package slo

import (
	"math"
	"slices"
	"time"
)

// RuleKind says what a Rule watches.
type RuleKind string

// The rule kinds.
const (
	// KindBurnRate rules fire when both the long and the short window burn faster than the
	// threshold (multi-window, multi-burn-rate alerting, SRE workbook ch. 5).
	KindBurnRate RuleKind = "burn_rate"
	// KindBudgetRemaining rules fire when the budget left over the SLO window drops below
	// RemainingBelow.
	KindBudgetRemaining RuleKind = "budget_remaining"
)

// The notification channels a Rule can name; alert_channels configures each.
const (
	ChannelPager = "pager"
	ChannelSlack = "slack"
	ChannelEmail = "email"
)

// Alert severities, most urgent first.
const (
	AlertCritical = "critical"
	AlertMajor    = "major"
	AlertWarning  = "warning"
	AlertInfo     = "info"
)

var (
	ruleKinds       = []string{string(KindBurnRate), string(KindBudgetRemaining)}
	alertSeverities = []string{AlertCritical, AlertMajor, AlertWarning, AlertInfo}
	channelNames    = []string{ChannelPager, ChannelSlack, ChannelEmail}
)

// shortWindowDivisor: the short window is 1/12 of the long one (SRE workbook ch. 5, "Multiwindow,
// Multi-Burn-Rate Alerts"; slo-math.md).
const shortWindowDivisor = 12

// Rule is one alerting rule, typed data rather than a condition string (seed ERRATA 4).
type Rule struct {
	Name string
	Kind RuleKind
	// BudgetFraction is b, the fraction of the budget spent when a burn_rate rule fires.
	BudgetFraction float64
	// BurnRate overrides the threshold; 0 derives it as b*T/long (see Threshold).
	BurnRate float64
	// Long and Short are the two look-back windows of a burn_rate rule; Short is Long/12
	// unless configured. Short equal to Long makes a single-window rule.
	Long, Short time.Duration
	// For is how long the condition must hold before the alert fires (0 = at once).
	For time.Duration
	// Severity is critical, major, warning or info.
	Severity string
	// Channels are the channels notified: pager, slack, email.
	Channels []string
	// MinBadEvents is a low-traffic guard: a burn_rate rule needs at least this many bad
	// events in its long window (slo-math.md "Low traffic and no data"). 0 = no guard.
	MinBadEvents int64
	// RemainingBelow: a budget_remaining rule fires when the remaining budget fraction is
	// below it (0.10 = 10 %).
	RemainingBelow float64
	// OpensIncident says whether firing opens (or joins) an incident.
	OpensIncident bool
	Description   string
}

// DefaultRuleNames are the rules of an SLO that lists no alert_rules: the seed's three.
var DefaultRuleNames = []string{"fast_burn", "slow_burn", "budget_exhaustion"}

// DefaultRules returns the built-in catalog, a fresh map on each call. The burn-rate rules
// are the SRE workbook ch. 5 table (slo-math.md "MWMBR"): b = 2 % over 1h/5m (14.4x at 30 d),
// 5 % over 6h/30m (6x), 10 % over 1d/2h (3x) and 10 % over 3d/6h (1x). Severities, channels and
// `for` durations of fast_burn, slow_burn and budget_exhaustion are the seed's
// SLOAlertManager rules ("burn_rate > 14.4 AND duration >= 2m", critical, [pager, slack]; ...).
func DefaultRules() map[string]Rule {
	return map[string]Rule{
		"fast_burn": {
			Name: "fast_burn", Kind: KindBurnRate, BudgetFraction: 0.02,
			Long: time.Hour, Short: 5 * time.Minute, For: 2 * time.Minute,
			Severity: AlertCritical, Channels: []string{ChannelPager, ChannelSlack}, OpensIncident: true,
			Description: "2% of the error budget spent within 1 hour (14.4x at a 30-day period)",
		},
		"slow_burn": {
			Name: "slow_burn", Kind: KindBurnRate, BudgetFraction: 0.05,
			Long: 6 * time.Hour, Short: 30 * time.Minute, For: 15 * time.Minute,
			Severity: AlertWarning, Channels: []string{ChannelSlack, ChannelEmail},
			Description: "5% of the error budget spent within 6 hours (6x at a 30-day period)",
		},
		"budget_exhaustion": {
			Name: "budget_exhaustion", Kind: KindBudgetRemaining, RemainingBelow: 0.10,
			Severity: AlertMajor, Channels: []string{ChannelSlack, ChannelEmail},
			Description: "less than 10% of the error budget remains",
		},
		"ticket_burn_1d": {
			Name: "ticket_burn_1d", Kind: KindBurnRate, BudgetFraction: 0.10,
			Long: Day, Short: 2 * time.Hour,
			Severity: AlertInfo, Channels: []string{ChannelEmail},
			Description: "10% of the error budget spent within 1 day (3x at a 30-day period); a ticket",
		},
		"ticket_burn_3d": {
			Name: "ticket_burn_3d", Kind: KindBurnRate, BudgetFraction: 0.10,
			Long: 3 * Day, Short: 6 * time.Hour,
			Severity: AlertInfo, Channels: []string{ChannelEmail},
			Description: "10% of the error budget spent within 3 days (1x at a 30-day period); a ticket",
		},
	}
}

// Threshold returns the burn rate above which a burn_rate rule fires for an SLO period T:
// BurnRate when set, else BR_thr = b * T / long (slo-math.md; 30 d: 14.4, 6, 3, 1; 28 d:
// 13.44, 5.6, 2.8, 0.933). It is 0 for other kinds and for a rule without a long window.
func (r Rule) Threshold(period time.Duration) float64 {
	if r.Kind != KindBurnRate {
		return 0
	}
	if r.BurnRate > 0 {
		return r.BurnRate
	}
	if r.Long <= 0 {
		return 0
	}
	return r.BudgetFraction * float64(period) / float64(r.Long)
}

// CanFire reports whether the rule can ever fire for an SLO with this objective and period: a
// burn_rate rule's threshold must not exceed MaxBurnRate(objective) (slo-math.md: at 90 % a full
// outage burns at 10x, so a 14.4x rule never fires). budget_remaining rules can always fire.
func (r Rule) CanFire(objective float64, period time.Duration) bool {
	if r.Kind != KindBurnRate {
		return true
	}
	const tolerance = 1e-9 // relative; b*T/long is computed in floating point
	return r.Threshold(period) <= MaxBurnRate(objective)*(1+tolerance)
}

// RuleInput holds the counts a rule's condition reads: the rule's Long and Short windows
// (burn_rate rules) and the SLO's whole Period (budget_remaining rules).
type RuleInput struct {
	Long, Short, Period Counts
}

// Condition reports whether the rule's condition holds at one instant (the `for` duration and
// the alert state machine are the caller's). burn_rate: both windows have data, both burn
// rates exceed Threshold(period), and the long window holds at least MinBadEvents bad events
// (slo-math.md: e(long) > BR_thr*(1-o) AND e(short) > BR_thr*(1-o)). budget_remaining: the
// period has data and BudgetRemaining < RemainingBelow. No data never fires (ERRATA 7).
func (r Rule) Condition(in RuleInput, objective float64, period time.Duration) bool {
	switch r.Kind {
	case KindBurnRate:
		thr := r.Threshold(period)
		if thr <= 0 || math.IsNaN(thr) || in.Long.Bad() < r.MinBadEvents {
			return false
		}
		long, okL := BurnRate(in.Long, objective)
		short, okS := BurnRate(in.Short, objective)
		return okL && okS && long > thr && short > thr
	case KindBudgetRemaining:
		rem, ok := BudgetRemaining(in.Period, objective)
		return ok && rem < r.RemainingBelow
	}
	return false
}

// DetectionTime returns how long a burn_rate rule takes to fire after a constant error ratio
// starts from a clean history, before its `for` duration and evaluation interval:
// ((1 - objective) / e) * long * BR_thr = ((1 - objective) / e) * b * T (slo-math.md
// "Detection and reset": at 99.9 %, 30 d, fast_burn detects 100 % errors in 52 s and 10 % in
// 8.6 min). ok is false when the rule never fires at that error ratio.
func (r Rule) DetectionTime(errorRatio, objective float64, period time.Duration) (time.Duration, bool) {
	thr := r.Threshold(period)
	if r.Kind != KindBurnRate || thr <= 0 || r.Long <= 0 || !validObjective(objective) {
		return 0, false
	}
	if !(errorRatio > thr*(1-objective)) {
		return 0, false
	}
	return saturate((1 - objective) / errorRatio * thr * float64(r.Long)), true
}

// clone returns r with its own Channels slice.
func (r Rule) clone() Rule {
	r.Channels = slices.Clone(r.Channels)
	return r
}
