package incident

import (
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/slo"
)

// Status is the status of an incident.
type Status string

// The incident statuses.
const (
	StatusOpen     Status = "open"
	StatusResolved Status = "resolved"
)

// EventKind is the kind of a timeline entry.
type EventKind string

// The timeline entry kinds.
const (
	EventOpened    EventKind = "opened"
	EventEscalated EventKind = "escalated"
	EventResolved  EventKind = "resolved"
)

// TimelineEvent is one entry of an incident's timeline.
type TimelineEvent struct {
	Kind EventKind
	At   time.Time
	// AlertID is the alert the entry is about ("" for none).
	AlertID string
	// Severity is the incident's severity after the entry.
	Severity string
	// Detail is free text: the severities of an escalation.
	Detail string
}

// AlertRef is an alert that opened or joined an incident.
type AlertRef struct {
	ID       string
	Rule     string
	Severity string
	JoinedAt time.Time
}

// Incident is one ongoing (or past) problem of one SLO.
type Incident struct {
	// SLOID is "service/slo" (slo.SLO.ID).
	SLOID string
	// Service, SLO, Title and Description are filled by Describe.
	Service     string
	SLO         string
	Title       string
	Description string
	// Severity is the highest severity of the incident's alerts.
	Severity string
	// AlertID is the alert that opened the incident.
	AlertID string
	// Alerts are the opening alert and every alert that joined, in order.
	Alerts     []AlertRef
	Status     Status
	OpenedAt   time.Time
	ResolvedAt time.Time
	Timeline   []TimelineEvent
}

// Describe sets the incident's service, SLO, title and description from s and snap.
func (in *Incident) Describe(s slo.SLO, snap Snapshot) {
	in.Service, in.SLO = s.Service, s.Name
	in.Title = Title(s)
	in.Description = Description(s, snap)
}

// HasAlert reports whether the alert id opened or joined the incident.
func (in Incident) HasAlert(id string) bool {
	return slices.ContainsFunc(in.Alerts, func(a AlertRef) bool { return a.ID == id })
}

// clone returns a deep copy of in, so that Decide never mutates its input.
func (in *Incident) clone() *Incident {
	c := *in
	c.Alerts = slices.Clone(in.Alerts)
	c.Timeline = slices.Clone(in.Timeline)
	return &c
}

// higher reports whether severity a is more urgent than b.
func higher(a, b string) bool { return alerting.SeverityRank(a) > alerting.SeverityRank(b) }
