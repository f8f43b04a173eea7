package detector

import (
	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/incident"
	"github.com/sloguard/sloguard/pkg/slo"
)

// Outcome is the pure part of one SLO's detection cycle: what the detector records, and
// what a backtest (pkg/backtest) replays without recording anything.
type Outcome struct {
	// Alerts are the SLO's alerts after the cycle, in rules order.
	Alerts []alerting.Alert
	// Transitions are the cycle's transitions, those Suppress silenced included (Notify
	// false).
	Transitions []alerting.Transition
	// Events are the transitions of incident-opening alerts as incident.Decide reads them;
	// empty when the cycle changes no incident.
	Events []incident.AlertEvent
}

// Evaluate is one detection cycle of SLO s at obs.At without I/O: alerting.Cycle (rule
// evaluation, the alert state machine from prev, suppression) and the incident events of
// its transitions. The detector and backtests both call it, so a replay of history takes
// exactly the decisions the live loop takes.
func Evaluate(s slo.SLO, rules []slo.Rule, prev []alerting.Alert, obs alerting.Observation) Outcome {
	alerts, transitions := alerting.Cycle(s, rules, prev, obs)
	return Outcome{Alerts: alerts, Transitions: transitions, Events: incidentEvents(alerts, transitions)}
}

// Notifying returns the cycle's transitions that notify (each on every channel of its
// alert), in transition order.
func (o Outcome) Notifying() []alerting.Transition {
	var out []alerting.Transition
	for _, t := range o.Transitions {
		if t.Notify {
			out = append(out, t)
		}
	}
	return out
}

// incidentEvents turns the transitions of incident-opening alerts into incident events; a
// resolution says whether another incident-opening alert of the SLO still fires.
func incidentEvents(alerts []alerting.Alert, transitions []alerting.Transition) []incident.AlertEvent {
	var events []incident.AlertEvent
	for _, t := range transitions {
		if !t.Alert.OpensIncident {
			continue
		}
		ev := incident.AlertEvent{
			AlertID: t.Alert.ID, SLOID: t.Alert.SLOID, Rule: t.Alert.Rule, Severity: t.Alert.Severity,
			OpensIncident: true, Kind: incident.AlertFiring,
		}
		if t.Kind == alerting.TransitionResolved {
			ev.Kind = incident.AlertResolved
			for _, a := range alerts {
				if a.ID != t.Alert.ID && a.OpensIncident && a.State == alerting.StateFiring {
					ev.OthersFiring = true
				}
			}
		}
		events = append(events, ev)
	}
	return events
}
