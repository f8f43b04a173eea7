package alerting

import (
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// step is one evaluation of a state-machine scenario: at t0 + at, the condition is status;
// the alert must then be in state and emit transition ("" = none).
type step struct {
	at         time.Duration
	status     Status
	state      State
	transition TransitionKind
}

func TestStep(t *testing.T) {
	fast := rule("fast_burn") // for 2m
	immediate := fast
	immediate.For = 0
	m := time.Minute

	tests := []struct {
		name  string
		rule  slo.Rule
		steps []step
	}{
		{"a condition goes pending, then fires once it has held for `for`", fast, []step{
			{0, NotMet, StateInactive, ""},
			{1 * m, Met, StatePending, ""},
			{2 * m, Met, StatePending, ""},
			{3 * m, Met, StateFiring, TransitionFiring},
		}},
		{"a rule without `for` fires at once", immediate, []step{
			{0, Met, StateFiring, TransitionFiring},
			{1 * m, Met, StateFiring, ""},
		}},
		{"flapping inside `for` never notifies", fast, []step{
			{0, Met, StatePending, ""},
			{1 * m, NotMet, StateInactive, ""},
			{2 * m, Met, StatePending, ""},
			{3 * m, Met, StatePending, ""},
			{4 * m, NotMet, StateInactive, ""},
			{5 * m, Met, StatePending, ""},
			{6 * m, NoData, StateInactive, ""},
			{7 * m, Met, StatePending, ""},
			{8 * m, NotMet, StateInactive, ""},
		}},
		{"no data never fires", immediate, []step{
			{0, NoData, StateInactive, ""},
			{1 * m, NoData, StateInactive, ""},
		}},
		{"a firing alert resolves once when its condition stops", fast, []step{
			{0, Met, StatePending, ""},
			{2 * m, Met, StateFiring, TransitionFiring},
			{3 * m, NotMet, StateInactive, TransitionResolved},
			{4 * m, NotMet, StateInactive, ""},
			{5 * m, NotMet, StateInactive, ""},
		}},
		{"a firing alert neither fires again nor resolves on no data", fast, []step{
			{0, Met, StatePending, ""},
			{2 * m, Met, StateFiring, TransitionFiring},
			{3 * m, NoData, StateFiring, ""},
			{4 * m, Met, StateFiring, ""},
			{5 * m, NoData, StateFiring, ""},
			{6 * m, NotMet, StateInactive, TransitionResolved},
		}},
		{"an alert that fires again after resolving notifies again", fast, []step{
			{0, Met, StatePending, ""},
			{2 * m, Met, StateFiring, TransitionFiring},
			{3 * m, NotMet, StateInactive, TransitionResolved},
			{4 * m, Met, StatePending, ""},
			{5 * m, Met, StatePending, ""},
			{6 * m, Met, StateFiring, TransitionFiring},
			{7 * m, NotMet, StateInactive, TransitionResolved},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Alert
			for i, s := range tt.steps {
				next, tr := Step(a, result(tt.rule, s.status), t0.Add(s.at))
				if next.State != s.state {
					t.Fatalf("step %d (%v, %s): state = %s, want %s", i, s.at, s.status, next.State, s.state)
				}
				var got TransitionKind
				if tr != nil {
					got = tr.Kind
					if !tr.Notify || !tr.At.Equal(t0.Add(s.at)) || tr.Alert.State != next.State {
						t.Errorf("step %d: transition %+v inconsistent with the alert", i, tr)
					}
				}
				if got != s.transition {
					t.Fatalf("step %d (%v, %s): transition = %q, want %q", i, s.at, s.status, got, s.transition)
				}
				a = next
			}
		})
	}
}

func TestSteadyFiringOverManyCyclesNotifiesOnce(t *testing.T) {
	r := rule("fast_burn")
	var a Alert
	var firing, resolved int
	for i := range 24 * 60 { // a day of 60 s cycles
		st := Met
		if i >= 24*60-1 {
			st = NotMet
		}
		next, tr := Step(a, result(r, st), t0.Add(time.Duration(i)*time.Minute))
		if tr != nil {
			switch tr.Kind {
			case TransitionFiring:
				firing++
			case TransitionResolved:
				resolved++
			}
		}
		a = next
	}
	if firing != 1 || resolved != 1 {
		t.Fatalf("firing = %d, resolved = %d notifications; want 1 and 1", firing, resolved)
	}
}

func TestStepRecordsWhenEachStateBegan(t *testing.T) {
	r := rule("fast_burn")
	a, _ := Step(Alert{}, result(r, Met), t0)
	if !a.Since.Equal(t0) || !a.ActiveSince.Equal(t0) {
		t.Fatalf("pending: since %v, active since %v; want both %v", a.Since, a.ActiveSince, t0)
	}
	a, _ = Step(a, result(r, Met), t0.Add(time.Minute))
	if !a.Since.Equal(t0) {
		t.Fatalf("still pending: since %v, want %v", a.Since, t0)
	}
	a, tr := Step(a, result(r, Met), t0.Add(2*time.Minute))
	if a.State != StateFiring || !a.Since.Equal(t0.Add(2*time.Minute)) || !a.ActiveSince.Equal(t0) {
		t.Fatalf("firing: %+v", a)
	}
	if tr.DedupKey() != "checkout/availability/fast_burn/firing/2025-03-01T12:00:00Z" {
		t.Errorf("dedup key = %q", tr.DedupKey())
	}
	end := t0.Add(10 * time.Minute)
	a, tr = Step(a, result(r, NotMet), end)
	if a.State != StateInactive || !a.Since.Equal(end) || !a.ResolvedAt.Equal(end) || !a.ActiveSince.IsZero() {
		t.Fatalf("resolved: %+v", a)
	}
	if !tr.ActiveSince.Equal(t0) || tr.DedupKey() != "checkout/availability/fast_burn/resolved/2025-03-01T12:00:00Z" {
		t.Errorf("resolved transition: %+v, key %q", tr, tr.DedupKey())
	}
}

func TestStepCopiesTheRuleSettingsOntoTheAlert(t *testing.T) {
	r := rule("fast_burn")
	a, tr := Step(Alert{}, result(r, NotMet), t0)
	if tr != nil {
		t.Fatalf("unexpected transition %+v", tr)
	}
	if a.ID != "checkout/availability/fast_burn" || a.SLOID != "checkout/availability" || a.Rule != "fast_burn" ||
		a.Severity != slo.AlertCritical || !a.OpensIncident || a.For != 2*time.Minute || a.Kind != slo.KindBurnRate ||
		len(a.Channels) != 2 || a.Channels[0] != slo.ChannelPager || a.Channels[1] != slo.ChannelSlack {
		t.Fatalf("alert = %+v", a)
	}
	r.Channels[0] = "mutated"
	if a.Channels[0] != slo.ChannelPager {
		t.Errorf("the alert shares the rule's channel slice")
	}
}

func TestStepStartsAFreshAlertWhenPrevBelongsToAnotherRule(t *testing.T) {
	other, _ := Step(Alert{}, result(rule("slow_burn"), Met), t0)
	a, _ := Step(other, result(rule("fast_burn"), NotMet), t0.Add(time.Minute))
	if a.ID != "checkout/availability/fast_burn" || a.State != StateInactive || !a.ActiveSince.IsZero() {
		t.Fatalf("alert = %+v", a)
	}
}
