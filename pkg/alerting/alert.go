package alerting

import (
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// State is the state of an alert. "Resolved" is a transition back to StateInactive, not a
// state (see the package documentation).
type State string

// The alert states.
const (
	StateInactive State = "inactive"
	StatePending  State = "pending"
	StateFiring   State = "firing"
)

// Alert is the state of one rule on one SLO, a value type: Step returns a new one.
type Alert struct {
	// ID is "service/slo/rule" (AlertID), stable across cycles and restarts.
	ID    string
	SLOID string
	Rule  string
	Kind  slo.RuleKind
	State State
	// Since is when the current state began.
	Since time.Time
	// ActiveSince is when the condition started to hold for the current pending or firing
	// episode; zero when inactive.
	ActiveSince time.Time
	// ResolvedAt is when the alert last resolved; zero if it never has.
	ResolvedAt time.Time
	// LastEval is the instant of the last evaluation, Status its verdict and Values its numbers.
	LastEval time.Time
	Status   Status
	Values   Values
	// Severity, Channels, For and OpensIncident are the rule's, refreshed on every Step.
	Severity      string
	Channels      []string
	For           time.Duration
	OpensIncident bool
	// Suppressed says that the firing notification of the current episode was suppressed by a
	// higher-severity burn alert (see Suppress); its resolution is then silent too.
	Suppressed bool
}

// TransitionKind is what a Transition announces.
type TransitionKind string

// The transitions that notify.
const (
	TransitionFiring   TransitionKind = "firing"
	TransitionResolved TransitionKind = "resolved"
)

// Transition is a change that notifies: an alert started firing or resolved.
type Transition struct {
	Kind TransitionKind
	At   time.Time
	// ActiveSince is the start of the episode the transition belongs to (the firing and the
	// resolution of one episode share it).
	ActiveSince time.Time
	// Alert is the alert after the transition.
	Alert Alert
	// Notify is true unless Suppress silenced the transition.
	Notify bool
}

// DedupKey returns "alertID/kind/episode start (RFC 3339, UTC)": one notification per
// transition, whatever the number of retries or cycles. A firing transition released by
// Suppress shares the key of the suppressed one of the same episode, which was never sent.
func (t Transition) DedupKey() string {
	return t.Alert.ID + "/" + string(t.Kind) + "/" + t.ActiveSince.UTC().Format(time.RFC3339Nano)
}

// Step advances prev by one evaluation cond at instant at and returns the next alert and, for
// the firing and resolved transitions only, the Transition to notify (see the package
// documentation for the table). The rule's settings (severity, channels, for) come from
// cond.Rule. A zero prev, or one with another ID than cond, starts as a fresh inactive alert.
// A pending alert fires once at - ActiveSince >= For; For <= 0 fires at once.
func Step(prev Alert, cond Result, at time.Time) (Alert, *Transition) {
	next := prev
	if prev.ID != cond.AlertID {
		next = Alert{ID: cond.AlertID, SLOID: cond.SLOID, Rule: cond.Rule.Name, State: StateInactive, Since: at}
	}
	next.Kind = cond.Rule.Kind
	next.Severity = cond.Rule.Severity
	next.Channels = slices.Clone(cond.Rule.Channels)
	next.For = cond.Rule.For
	next.OpensIncident = cond.Rule.OpensIncident
	next.LastEval = at
	next.Status = cond.Status
	next.Values = cond.Values

	switch next.State {
	case StateFiring:
		if cond.Status != NotMet {
			return next, nil // still firing; no data neither fires nor resolves
		}
		episode := next.ActiveSince
		next.State, next.Since, next.ActiveSince, next.ResolvedAt = StateInactive, at, time.Time{}, at
		return next, &Transition{Kind: TransitionResolved, At: at, ActiveSince: episode, Alert: next, Notify: true}
	case StatePending:
		if cond.Status != Met {
			next.State, next.Since, next.ActiveSince = StateInactive, at, time.Time{}
			return next, nil // stopped inside `for`: back to inactive, silently
		}
	default:
		if cond.Status != Met {
			next.State, next.ActiveSince = StateInactive, time.Time{}
			return next, nil
		}
		next.State, next.Since, next.ActiveSince = StatePending, at, at
	}
	if at.Sub(next.ActiveSince) < next.For {
		return next, nil
	}
	next.State, next.Since, next.Suppressed = StateFiring, at, false
	return next, &Transition{Kind: TransitionFiring, At: at, ActiveSince: next.ActiveSince, Alert: next, Notify: true}
}
