package incident

import (
	"slices"
	"time"

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
	EventOpened             EventKind = "opened"
	EventNotificationSent   EventKind = "notification_sent"
	EventNotificationFailed EventKind = "notification_failed"
	EventEscalated          EventKind = "escalated"
	EventResolved           EventKind = "resolved"
)

// TimelineEvent is one entry of an incident's timeline.
type TimelineEvent struct {
	Kind EventKind
	At   time.Time
	// AlertID is the alert the entry is about ("" for none).
	AlertID string
	// Severity is the incident's severity after the entry.
	Severity string
	// Channel is the notification channel (pager, slack, email) of notification entries.
	Channel string
	// Detail is free text: the error of a failed notification, the severities of an
	// escalation.
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

// Key returns "sloID/opened at (RFC 3339, UTC)", stable across cycles and restarts: the
// store's dedup key for the incident.
func (in Incident) Key() string {
	return in.SLOID + "/" + in.OpenedAt.UTC().Format(time.RFC3339Nano)
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

// Notification returns the timeline entry of a notification of alertID on channel at at:
// notification_sent when err is nil, notification_failed with the error text otherwise. The
// error must not carry secrets (the notifiers redact them).
func Notification(at time.Time, alertID, channel string, err error) TimelineEvent {
	e := TimelineEvent{Kind: EventNotificationSent, At: at, AlertID: alertID, Channel: channel}
	if err != nil {
		e.Kind, e.Detail = EventNotificationFailed, err.Error()
	}
	return e
}

// clone returns a deep copy of in, so that Decide never mutates its input.
func (in *Incident) clone() *Incident {
	c := *in
	c.Alerts = slices.Clone(in.Alerts)
	c.Timeline = slices.Clone(in.Timeline)
	return &c
}

// severityRank orders severities, most urgent first; unknown ones rank last.
func severityRank(s string) int {
	switch s {
	case slo.AlertCritical:
		return 0
	case slo.AlertMajor:
		return 1
	case slo.AlertWarning:
		return 2
	case slo.AlertInfo:
		return 3
	}
	return 4
}

// higher reports whether severity a is more urgent than b.
func higher(a, b string) bool { return severityRank(a) < severityRank(b) }
