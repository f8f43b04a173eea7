package backtest

import (
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// Report is what a replay found: every transition, the notifications the detector would
// have queued and the incidents it would have opened, over [From, To].
type Report struct {
	// RuleSet names the rules replayed: "config" (each SLO's own rules), "naive", or the
	// file of a comparison rule set.
	RuleSet string    `json:"rule_set"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Step    string    `json:"step"`
	// Points is how many evaluations were replayed, summed over the SLOs.
	Points int `json:"points"`
	// SLOs are the SLOs replayed with their rules, in config order.
	SLOs          []SLOReplay    `json:"slos"`
	Transitions   []Transition   `json:"transitions"`
	Notifications []Notification `json:"notifications"`
	Incidents     []Incident     `json:"incidents"`
}

// SLOReplay is one replayed SLO: what the scoring needs to map labels to it.
type SLOReplay struct {
	Service string      `json:"service"`
	SLO     string      `json:"slo"`
	Type    slo.SLIType `json:"sli_type"`
	// LogService is the service's name in the request logs (labels name it); Journey the
	// journey of a user_journey SLO.
	LogService string       `json:"log_service,omitempty"`
	Journey    string       `json:"journey,omitempty"`
	Rules      []RuleReplay `json:"rules"`
}

// RuleReplay is one rule of a replayed SLO.
type RuleReplay struct {
	Name     string       `json:"name"`
	Kind     slo.RuleKind `json:"kind"`
	Severity string       `json:"severity"`
	// Tolerance is how long after a labelled incident ends a firing of the rule still
	// counts as detecting it: the rule's long window (the SLO period for budget_remaining
	// rules, which read the whole period).
	Tolerance Duration `json:"tolerance"`
}

// Transition is an alert that started firing or resolved.
type Transition struct {
	At       time.Time `json:"at"`
	Service  string    `json:"service"`
	SLO      string    `json:"slo"`
	Rule     string    `json:"rule"`
	Severity string    `json:"severity"`
	// State is "firing" or "resolved".
	State string `json:"state"`
	// Notify is false when a higher-severity alert of the SLO suppressed the transition.
	Notify bool `json:"notify"`
}

// Notification is one message the detector would have queued: a notifying transition on one
// of its rule's channels (pager, slack, email).
type Notification struct {
	At       time.Time `json:"at"`
	Service  string    `json:"service"`
	SLO      string    `json:"slo"`
	Rule     string    `json:"rule"`
	Severity string    `json:"severity"`
	Kind     string    `json:"kind"`
	Channel  string    `json:"channel"`
	DedupKey string    `json:"dedup_key"`
}

// Incident is one incident the detector would have opened.
type Incident struct {
	Service  string `json:"service"`
	SLO      string `json:"slo"`
	Severity string `json:"severity"`
	// Alerts are the rules of the alerts that opened or joined it.
	Alerts     []string  `json:"alerts"`
	OpenedAt   time.Time `json:"opened_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// Timeline holds the opened, escalated and resolved entries.
	Timeline []IncidentEvent `json:"timeline"`
}

// IncidentEvent is one entry of an incident's timeline.
type IncidentEvent struct {
	At       time.Time `json:"at"`
	Event    string    `json:"event"`
	Severity string    `json:"severity"`
	Alert    string    `json:"alert,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// Duration is a time.Duration written as a window string ("5m", "1h", "30d") in JSON.
type Duration time.Duration

// MarshalText writes d as slo.FormatWindow does.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(slo.FormatWindow(time.Duration(d))), nil
}

// UnmarshalText reads a window string, so that a report reads back.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := slo.ParseWindow(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
