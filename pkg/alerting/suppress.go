package alerting

import (
	"slices"

	"github.com/sloguard/sloguard/pkg/slo"
)

// SeverityRank orders severities: critical 4 > major 3 > warning 2 > info 1; anything else 0.
func SeverityRank(severity string) int {
	switch severity {
	case slo.AlertCritical:
		return 4
	case slo.AlertMajor:
		return 3
	case slo.AlertWarning:
		return 2
	case slo.AlertInfo:
		return 1
	}
	return 0
}

// Suppress applies "one page per problem" to the transitions of ONE SLO in one cycle, given
// that SLO's alerts after the cycle's Steps. It returns new slices (the inputs are not
// modified):
//
//   - a burn_rate firing transition does not notify when another burn_rate alert of the SLO
//     with a strictly higher severity is firing; its alert is marked Suppressed;
//   - a resolved transition of a Suppressed alert does not notify (its firing never did);
//   - a Suppressed burn_rate alert still firing with no higher-severity burn alert firing any
//     more is released: a firing transition that notifies is appended (in alert order) and
//     the mark is cleared, so the ongoing problem is announced once at its current severity;
//   - budget_remaining alerts neither suppress nor are suppressed.
//
// Transitions whose alert is not among alerts are kept as they are.
func Suppress(transitions []Transition, alerts []Alert) ([]Transition, []Alert) {
	outA := slices.Clone(alerts)
	outT := slices.Clone(transitions)
	index := make(map[string]int, len(outA))
	for i, a := range outA {
		index[a.ID] = i
	}
	outranked := func(a Alert) bool {
		if a.Kind != slo.KindBurnRate {
			return false
		}
		for _, o := range outA {
			if o.ID != a.ID && o.Kind == slo.KindBurnRate && o.State == StateFiring &&
				SeverityRank(o.Severity) > SeverityRank(a.Severity) {
				return true
			}
		}
		return false
	}
	for i, t := range outT {
		ai, ok := index[t.Alert.ID]
		if !ok {
			continue
		}
		switch t.Kind {
		case TransitionFiring:
			if outranked(outA[ai]) {
				outA[ai].Suppressed = true
				outT[i].Notify = false
			}
		case TransitionResolved:
			if outA[ai].Suppressed {
				outT[i].Notify = false
				outA[ai].Suppressed = false
			}
		}
		outT[i].Alert = outA[ai]
	}
	for i, a := range outA {
		if a.State == StateFiring && a.Suppressed && !outranked(a) && !firedNow(outT, a.ID) {
			outA[i].Suppressed = false
			outT = append(outT, Transition{Kind: TransitionFiring, At: a.LastEval, ActiveSince: a.ActiveSince,
				Alert: outA[i], Notify: true})
		}
	}
	return outT, outA
}

// firedNow reports whether transitions hold a firing transition of alert id.
func firedNow(transitions []Transition, id string) bool {
	return slices.ContainsFunc(transitions, func(t Transition) bool {
		return t.Alert.ID == id && t.Kind == TransitionFiring
	})
}
