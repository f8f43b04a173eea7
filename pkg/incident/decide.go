package incident

import (
	"slices"
	"time"
)

// AlertEventKind is what happened to an alert in a cycle.
type AlertEventKind string

// The alert event kinds: an alert started firing (or is reported still firing), or resolved.
const (
	AlertFiring   AlertEventKind = "firing"
	AlertResolved AlertEventKind = "resolved"
)

// AlertEvent is one alert of an SLO in one cycle, as the detector learns it from the alert
// state machine (pkg/alerting, which this package does not import).
type AlertEvent struct {
	// AlertID is "service/slo/rule"; SLOID is "service/slo".
	AlertID  string
	SLOID    string
	Rule     string
	Severity string
	// OpensIncident is the rule's opens_incident; events without it never touch incidents.
	OpensIncident bool
	Kind          AlertEventKind
	// OthersFiring says whether other incident-opening alerts of the SLO are still firing
	// after this cycle (read by resolved events).
	OthersFiring bool
}

// Action is what Decide did.
type Action string

// The actions of a Decision.
const (
	ActionNone    Action = "none"
	ActionOpen    Action = "open"
	ActionJoin    Action = "join"
	ActionResolve Action = "resolve"
)

// Decision is the outcome of Decide.
type Decision struct {
	Action Action
	// Incident is the incident after the decision: the new one (ActionOpen), an updated copy
	// (ActionJoin, ActionResolve) or the unchanged open one (ActionNone; nil when there is
	// none). The caller persists it; the input is never modified.
	Incident *Incident
	// Added are the timeline entries this decision appended.
	Added []TimelineEvent
}

// Decide decides what the alert events of one SLO in one cycle, at at, do to the SLO's open
// incident (nil when it has none); see the package documentation for the table. A new
// incident gets SLOID, severity, alert and times but no text: call Describe on it.
func Decide(open *Incident, events []AlertEvent, at time.Time) Decision {
	if open != nil && open.Status != StatusOpen {
		open = nil // a resolved incident is never reopened
	}
	var firing, resolved []AlertEvent
	for _, e := range events {
		if !e.OpensIncident {
			continue
		}
		switch e.Kind {
		case AlertFiring:
			firing = append(firing, e)
		case AlertResolved:
			resolved = append(resolved, e)
		}
	}

	if open == nil {
		if len(firing) == 0 {
			return Decision{Action: ActionNone}
		}
		return openIncident(firing, at)
	}

	in := open.clone()
	n := len(in.Timeline)
	joined := false
	for _, e := range firing {
		if in.HasAlert(e.AlertID) {
			continue // still firing, or firing again while the incident is open
		}
		joined = true
		in.Alerts = append(in.Alerts, AlertRef{ID: e.AlertID, Rule: e.Rule, Severity: e.Severity, JoinedAt: at})
		if higher(e.Severity, in.Severity) {
			in.Timeline = append(in.Timeline, TimelineEvent{Kind: EventEscalated, At: at, AlertID: e.AlertID,
				Severity: e.Severity, Detail: in.Severity + " -> " + e.Severity})
			in.Severity = e.Severity
		}
	}
	if joined {
		return Decision{Action: ActionJoin, Incident: in, Added: slices.Clone(in.Timeline[n:])}
	}
	if len(firing) == 0 && len(resolved) > 0 && !slices.ContainsFunc(resolved, func(e AlertEvent) bool { return e.OthersFiring }) {
		in.Status, in.ResolvedAt = StatusResolved, at
		in.Timeline = append(in.Timeline, TimelineEvent{Kind: EventResolved, At: at,
			AlertID: resolved[len(resolved)-1].AlertID, Severity: in.Severity})
		return Decision{Action: ActionResolve, Incident: in, Added: slices.Clone(in.Timeline[n:])}
	}
	return Decision{Action: ActionNone, Incident: open}
}

// openIncident opens an incident on the first firing event; the others of the cycle join it
// at once, and the incident takes the highest of their severities.
func openIncident(firing []AlertEvent, at time.Time) Decision {
	first := firing[0]
	in := &Incident{SLOID: first.SLOID, Severity: first.Severity, AlertID: first.AlertID,
		Status: StatusOpen, OpenedAt: at}
	for _, e := range firing {
		if in.HasAlert(e.AlertID) {
			continue
		}
		in.Alerts = append(in.Alerts, AlertRef{ID: e.AlertID, Rule: e.Rule, Severity: e.Severity, JoinedAt: at})
		if higher(e.Severity, in.Severity) {
			in.Severity = e.Severity
		}
	}
	in.Timeline = []TimelineEvent{{Kind: EventOpened, At: at, AlertID: first.AlertID, Severity: in.Severity}}
	return Decision{Action: ActionOpen, Incident: in, Added: slices.Clone(in.Timeline)}
}
