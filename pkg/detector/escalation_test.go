package detector

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// escalationConfig has two incident-opening rules on one SLO: early_major (major, Slack)
// fires as soon as the outage starts; fast_burn (critical, pager and Slack) fires after its
// `for` and joins the incident early_major opened.
const escalationConfig = `
services:
  payment_service:
    availability:
      sli_type: success_rate
      target: 99.9
      window: 30d
      alert_rules: [early_major, fast_burn]
alert_rules:
  early_major:
    type: burn_rate
    budget_fraction: 0.001
    long_window: 5m
    short_window: 1m
    severity: major
    channels: [slack]
    opens_incident: true
`

func TestAHigherSeverityJoinerEscalatesTheIncidentAndItsNotificationsReachTheTimeline(t *testing.T) {
	e := newEnv(t)
	cfg, diags := slo.Parse([]byte(escalationConfig))
	if diags.HasErrors() {
		t.Fatalf("config: %v", diags.Err())
	}
	e.cfg = cfg
	e.outage(t)
	d := e.detector(t)
	const majorID = "payment_service/availability/early_major"
	ctx := context.Background()
	list := func() []store.Incident {
		t.Helper()
		incs, err := store.ListIncidents(ctx, e.db.Pool, e.db.PluginSchema, e.start, e.start.Add(4*time.Hour), nil)
		if err != nil {
			t.Fatal(err)
		}
		return incs
	}
	var majorAt, criticalAt int
	for m := 110; m <= 170; m++ {
		e.tick(t, d, m)
		incs := list()
		if majorAt == 0 && len(incs) == 1 {
			majorAt = m
			if incs[0].AlertID != majorID || incs[0].Severity != slo.AlertMajor {
				t.Fatalf("minute %d: incident %+v, want opened by %s at severity major", m, incs[0], majorID)
			}
		}
		if criticalAt == 0 && len(incs) == 1 && incs[0].Severity == slo.AlertCritical {
			criticalAt = m
		}
	}
	if majorAt == 0 || criticalAt <= majorAt {
		t.Fatalf("incident opened at minute %d, escalated at minute %d: want the major alert first, the critical one later", majorAt, criticalAt)
	}

	incs := list()
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1: %+v", len(incs), incs)
	}
	in := incs[0]
	if want := []string{majorID, testAlertID}; !slices.Equal(in.AlertIDs, want) || in.AlertID != majorID ||
		in.Severity != slo.AlertCritical || in.Status != "resolved" {
		t.Errorf("incident = %+v, want resolved, critical, alerts %v", in, want)
	}
	events, err := store.ListEvents(ctx, e.db.Pool, e.db.PluginSchema, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	var escalation string
	for _, ev := range events {
		kinds[ev.Kind]++
		if ev.Kind == store.EventEscalated {
			escalation = ev.Detail
		}
	}
	// Notifications: early_major on Slack and fast_burn on pager and Slack, each firing and
	// resolved; every one delivered belongs on the timeline, the joiner's too.
	delivered := map[string]int{}
	for _, r := range outboxRows(t, e) {
		if r.State != store.OutboxDelivered {
			t.Errorf("outbox row %s/%s is %s", r.DedupKey, r.Channel, r.State)
		}
		delivered[r.AlertID]++
	}
	if delivered[majorID] != 2 || delivered[testAlertID] != 4 {
		t.Errorf("delivered per alert = %v, want %s 2 (Slack firing, resolved) and %s 4", delivered, majorID, testAlertID)
	}
	if kinds[store.EventOpened] != 1 || kinds[store.EventEscalated] != 1 || kinds[store.EventResolved] != 1 ||
		kinds[store.EventNotificationSent] != 6 || kinds[store.EventNotificationFailed] != 0 {
		t.Errorf("timeline kinds = %v, want opened 1, escalated 1, notification_sent 6, resolved 1", kinds)
	}
	if escalation != "major -> critical" {
		t.Errorf("escalated detail = %q, want %q", escalation, "major -> critical")
	}
}
