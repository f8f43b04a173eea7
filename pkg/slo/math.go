package slo

import (
	"math"
	"time"
)

// This file holds the error-budget arithmetic of docs/slo-math.md (SRE workbook ch. 5,
// "Alerting on SLOs"). Objectives are ratios in (0, 1). Every function that divides by a count
// returns ok == false when there is no data (Valid == 0): no data is its own state, never
// 100 % nor 0 % (seed ERRATA 7).

// Counts are the exact event counts of an SLI over one window: Valid events that count for
// the SLI and the Good ones among them.
type Counts struct {
	Good  int64
	Valid int64
}

// Bad returns Valid - Good.
func (c Counts) Bad() int64 { return c.Valid - c.Good }

// Add returns the counts of two disjoint windows together.
func (c Counts) Add(o Counts) Counts { return Counts{Good: c.Good + o.Good, Valid: c.Valid + o.Valid} }

// Sub returns c minus o (the counts of c's window outside o's, when o lies within c).
func (c Counts) Sub(o Counts) Counts { return Counts{Good: c.Good - o.Good, Valid: c.Valid - o.Valid} }

// HasData reports whether the window holds any valid event.
func (c Counts) HasData() bool { return c.Valid > 0 }

// SLI returns good / valid (slo-math.md "sli(W) = good(W) / valid(W)"); ok is false without
// data.
func SLI(c Counts) (float64, bool) {
	if c.Valid <= 0 {
		return 0, false
	}
	return float64(c.Good) / float64(c.Valid), true
}

// ErrorRatio returns e(W) = bad / valid; ok is false without data.
func ErrorRatio(c Counts) (float64, bool) {
	if c.Valid <= 0 {
		return 0, false
	}
	return float64(c.Bad()) / float64(c.Valid), true
}

// BurnRate returns BR(W) = e(W) / (1 - objective): 1 spends exactly the budget over the SLO
// period. ok is false without data or when objective is not in (0, 1).
func BurnRate(c Counts, objective float64) (float64, bool) {
	e, ok := ErrorRatio(c)
	if !ok || !validObjective(objective) {
		return 0, false
	}
	return e / (1 - objective), true
}

// BudgetConsumed returns the fraction of the error budget spent over the SLO window:
// bad(T) / ((1 - objective) * valid(T)). It is not clamped: above 1 the SLO is breached. ok is
// false without data or when objective is not in (0, 1).
func BudgetConsumed(window Counts, objective float64) (float64, bool) {
	if window.Valid <= 0 || !validObjective(objective) {
		return 0, false
	}
	return float64(window.Bad()) / AllowedBad(window.Valid, objective), true
}

// BudgetRemaining returns 1 - BudgetConsumed; negative when the SLO is breached (slo-math.md:
// "show it, do not clamp the stored value"; seed ERRATA 6: over the whole window, not the
// current 5 minutes).
func BudgetRemaining(window Counts, objective float64) (float64, bool) {
	c, ok := BudgetConsumed(window, objective)
	if !ok {
		return 0, false
	}
	return 1 - c, true
}

// AllowedBad returns the error budget in events: (1 - objective) * valid.
func AllowedBad(valid int64, objective float64) float64 {
	return (1 - objective) * float64(valid)
}

// TimeToExhaustion returns how long the remaining budget fraction lasts at a constant burn
// rate over an SLO period: remaining * T / BR. ok is false when burnRate <= 0 (the budget is
// not being spent); the result is 0 when nothing remains, and saturates at the longest
// time.Duration.
func TimeToExhaustion(remaining, burnRate float64, period time.Duration) (time.Duration, bool) {
	if !(burnRate > 0) || math.IsNaN(remaining) {
		return 0, false
	}
	if remaining <= 0 {
		return 0, true
	}
	return saturate(remaining * float64(period) / burnRate), true
}

// MaxBurnRate returns the burn rate of a total outage, 1 / (1 - objective): no rule with a
// higher threshold can ever fire (slo-math.md: at 90 % a full outage burns at 10x).
func MaxBurnRate(objective float64) float64 { return 1 / (1 - objective) }

// BadEventsAtBurn returns how many bad events among valid ones make the burn rate exactly
// burnRate: burnRate * (1 - objective) * valid. A window burns faster than burnRate when it
// holds more bad events than this (slo-math.md worked example: 14.4x over an hour of 60,000
// requests at 99.9 % is 864).
func BadEventsAtBurn(valid int64, objective, burnRate float64) float64 {
	return burnRate * AllowedBad(valid, objective)
}

// State is the condition of an SLO over its whole window.
type State string

// The SLO states.
const (
	StateOK       State = "ok"
	StateNoData   State = "no_data"
	StateBreached State = "breached"
)

// StateOf returns StateNoData without valid events, StateBreached when more than the whole
// budget is spent (consumed > 1, remaining < 0), else StateOK.
func StateOf(window Counts, objective float64) State {
	consumed, ok := BudgetConsumed(window, objective)
	switch {
	case !ok:
		return StateNoData
	case consumed > 1:
		return StateBreached
	default:
		return StateOK
	}
}

func validObjective(o float64) bool { return o > 0 && o < 1 }

// saturate converts nanoseconds to a Duration, clamping to the representable range.
func saturate(ns float64) time.Duration {
	switch {
	case math.IsNaN(ns):
		return 0
	case ns >= math.MaxInt64:
		return time.Duration(math.MaxInt64)
	case ns <= math.MinInt64:
		return time.Duration(math.MinInt64)
	}
	return time.Duration(ns)
}
