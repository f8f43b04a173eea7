package incident

import (
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const sloID = "payment_service/availability"

func firing(rule, severity string, opens bool) AlertEvent {
	return AlertEvent{AlertID: sloID + "/" + rule, SLOID: sloID, Rule: rule, Severity: severity,
		OpensIncident: opens, Kind: AlertFiring}
}

func resolved(rule, severity string, opens, othersFiring bool) AlertEvent {
	e := firing(rule, severity, opens)
	e.Kind, e.OthersFiring = AlertResolved, othersFiring
	return e
}

// cycle is one detection cycle: its events, and the action Decide must take.
type cycle struct {
	events []AlertEvent
	action Action
}

// run feeds the cycles one minute apart through Decide as the detector would, keeping the
// open incident, and returns every incident opened.
func run(t *testing.T, cycles []cycle) []*Incident {
	t.Helper()
	var open *Incident
	var all []*Incident
	for i, c := range cycles {
		d := Decide(open, c.events, t0.Add(time.Duration(i)*time.Minute))
		if d.Action != c.action {
			t.Fatalf("cycle %d: action = %s, want %s", i, d.Action, c.action)
		}
		switch d.Action {
		case ActionOpen:
			all = append(all, d.Incident)
		case ActionJoin, ActionResolve:
			all[len(all)-1] = d.Incident
		}
		open = d.Incident
		if open != nil && open.Status != StatusOpen {
			open = nil
		}
	}
	return all
}

func kinds(in *Incident) []EventKind {
	var k []EventKind
	for _, e := range in.Timeline {
		k = append(k, e.Kind)
	}
	return k
}

func TestDecide(t *testing.T) {
	fast := firing("fast_burn", slo.AlertCritical, true)
	page := firing("payments_page", slo.AlertCritical, true)
	slow := firing("slow_burn", slo.AlertWarning, false)
	fastOK := resolved("fast_burn", slo.AlertCritical, true, false)
	fastOKOthers := resolved("fast_burn", slo.AlertCritical, true, true)
	pageOK := resolved("payments_page", slo.AlertCritical, true, false)

	steady := []cycle{{[]AlertEvent{fast}, ActionOpen}}
	for range 100 {
		steady = append(steady, cycle{[]AlertEvent{fast}, ActionNone}, cycle{nil, ActionNone})
	}

	tests := []struct {
		name      string
		cycles    []cycle
		incidents int
		timeline  [][]EventKind
	}{
		{"the first firing critical alert opens an incident",
			[]cycle{{nil, ActionNone}, {[]AlertEvent{fast}, ActionOpen}},
			1, [][]EventKind{{EventOpened}}},
		{"a second critical alert of the same SLO joins the open incident",
			[]cycle{{[]AlertEvent{fast}, ActionOpen}, {[]AlertEvent{page}, ActionJoin}},
			1, [][]EventKind{{EventOpened}}},
		{"a warning alone opens nothing",
			[]cycle{{[]AlertEvent{slow}, ActionNone}, {[]AlertEvent{slow}, ActionNone}},
			0, nil},
		{"a warning does not join an open incident",
			[]cycle{{[]AlertEvent{fast}, ActionOpen}, {[]AlertEvent{slow}, ActionNone}},
			1, [][]EventKind{{EventOpened}}},
		{"steady firing over many cycles changes nothing", steady,
			1, [][]EventKind{{EventOpened}}},
		{"resolving one of two critical alerts keeps the incident open",
			[]cycle{{[]AlertEvent{fast}, ActionOpen}, {[]AlertEvent{page}, ActionJoin},
				{[]AlertEvent{fastOKOthers}, ActionNone}},
			1, [][]EventKind{{EventOpened}}},
		{"resolving the last critical alert resolves the incident",
			[]cycle{{[]AlertEvent{fast}, ActionOpen}, {[]AlertEvent{page}, ActionJoin},
				{[]AlertEvent{fastOKOthers}, ActionNone}, {[]AlertEvent{pageOK}, ActionResolve},
				{[]AlertEvent{pageOK}, ActionNone}},
			1, [][]EventKind{{EventOpened, EventResolved}}},
		{"two critical alerts resolving in one cycle resolve the incident",
			[]cycle{{[]AlertEvent{fast, page}, ActionOpen}, {[]AlertEvent{fastOK, pageOK}, ActionResolve}},
			1, [][]EventKind{{EventOpened, EventResolved}}},
		{"a resolution while another critical alert starts firing joins instead",
			[]cycle{{[]AlertEvent{fast}, ActionOpen}, {[]AlertEvent{fastOK, page}, ActionJoin}},
			1, [][]EventKind{{EventOpened}}},
		{"a new firing after the resolution opens a new incident",
			[]cycle{{[]AlertEvent{fast}, ActionOpen}, {[]AlertEvent{fastOK}, ActionResolve},
				{nil, ActionNone}, {[]AlertEvent{fast}, ActionOpen}},
			2, [][]EventKind{{EventOpened, EventResolved}, {EventOpened}}},
		{"a resolved event without an open incident changes nothing",
			[]cycle{{[]AlertEvent{fastOK}, ActionNone}},
			0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := run(t, tt.cycles)
			if len(all) != tt.incidents {
				t.Fatalf("%d incidents, want %d", len(all), tt.incidents)
			}
			for i, in := range all {
				if got := kinds(in); !slices.Equal(got, tt.timeline[i]) {
					t.Errorf("incident %d timeline = %v, want %v", i, got, tt.timeline[i])
				}
			}
		})
	}
}

func TestDecideOpensWithTheAlertAndTimes(t *testing.T) {
	d := Decide(nil, []AlertEvent{firing("fast_burn", slo.AlertCritical, true)}, t0)
	in := d.Incident
	if in.SLOID != sloID || in.AlertID != sloID+"/fast_burn" || in.Severity != slo.AlertCritical ||
		in.Status != StatusOpen || !in.OpenedAt.Equal(t0) || !in.ResolvedAt.IsZero() {
		t.Fatalf("incident = %+v", in)
	}
	if len(d.Added) != 1 || d.Added[0].Kind != EventOpened || !d.Added[0].At.Equal(t0) {
		t.Fatalf("added = %+v", d.Added)
	}
	r := Decide(in, []AlertEvent{resolved("fast_burn", slo.AlertCritical, true, false)}, t0.Add(time.Hour))
	if r.Incident.Status != StatusResolved || !r.Incident.ResolvedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("resolved incident = %+v", r.Incident)
	}
}

func TestDecideEscalatesWhenAHigherSeverityJoins(t *testing.T) {
	d := Decide(nil, []AlertEvent{firing("exhaustion_page", slo.AlertMajor, true)}, t0)
	j := Decide(d.Incident, []AlertEvent{firing("fast_burn", slo.AlertCritical, true)}, t0.Add(time.Minute))
	if j.Action != ActionJoin || j.Incident.Severity != slo.AlertCritical {
		t.Fatalf("decision = %s, severity %s", j.Action, j.Incident.Severity)
	}
	if got := kinds(j.Incident); !slices.Equal(got, []EventKind{EventOpened, EventEscalated}) {
		t.Fatalf("timeline = %v", got)
	}
	if len(j.Added) != 1 || j.Added[0].Detail != "major -> critical" || j.Added[0].AlertID != sloID+"/fast_burn" {
		t.Errorf("added = %+v", j.Added)
	}
	if len(j.Incident.Alerts) != 2 {
		t.Errorf("alerts = %+v", j.Incident.Alerts)
	}
}

func TestDecideDoesNotModifyTheOpenIncident(t *testing.T) {
	open := Decide(nil, []AlertEvent{firing("fast_burn", slo.AlertMajor, true)}, t0).Incident
	before := *open.clone()
	Decide(open, []AlertEvent{firing("page", slo.AlertCritical, true)}, t0.Add(time.Minute))
	Decide(open, []AlertEvent{resolved("fast_burn", slo.AlertMajor, true, false)}, t0.Add(time.Minute))
	if open.Status != before.Status || open.Severity != before.Severity ||
		len(open.Alerts) != len(before.Alerts) || len(open.Timeline) != len(before.Timeline) {
		t.Fatalf("open incident changed: %+v, was %+v", open, before)
	}
}

func TestDecideNeverReopensAResolvedIncident(t *testing.T) {
	in := &Incident{SLOID: sloID, Status: StatusResolved, OpenedAt: t0}
	d := Decide(in, []AlertEvent{firing("fast_burn", slo.AlertCritical, true)}, t0.Add(time.Hour))
	if d.Action != ActionOpen || d.Incident == in || !d.Incident.OpenedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("decision = %+v", d)
	}
}
