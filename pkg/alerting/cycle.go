package alerting

import "github.com/sloguard/sloguard/pkg/slo"

// Cycle runs one detection cycle for SLO s: Evaluate every rule on obs, Step its alert (found
// in prev by ID; a fresh one when absent) at obs.At, then Suppress. It returns the alerts in
// rules order and the transitions, those that do not notify included (Notify false).
func Cycle(s slo.SLO, rules []slo.Rule, prev []Alert, obs Observation) ([]Alert, []Transition) {
	byID := make(map[string]Alert, len(prev))
	for _, a := range prev {
		byID[a.ID] = a
	}
	alerts := make([]Alert, 0, len(rules))
	var transitions []Transition
	for _, r := range rules {
		res := Evaluate(s, r, obs)
		next, t := Step(byID[res.AlertID], res, obs.At)
		alerts = append(alerts, next)
		if t != nil {
			transitions = append(transitions, *t)
		}
	}
	transitions, alerts = Suppress(transitions, alerts)
	return alerts, transitions
}
