package detector

import (
	"encoding/json"
	"time"

	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/incident"
	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// toAlert converts a persisted alert back into the state machine's value, with the rule's
// current settings (they are not stored).
func toAlert(st store.AlertState, rule slo.Rule) alerting.Alert {
	a := alerting.Alert{
		ID: st.ID, SLOID: st.SLOID, Rule: st.Rule, Kind: slo.RuleKind(st.Kind),
		State: alerting.State(st.State), Since: st.Since, ActiveSince: st.ActiveSince,
		ResolvedAt: st.ResolvedAt, LastEval: st.LastEval, Status: alerting.Status(st.Status),
		Severity: st.Severity, Suppressed: st.Suppressed,
		Channels: rule.Channels, For: rule.For, OpensIncident: rule.OpensIncident,
	}
	if len(st.Values) > 0 {
		_ = json.Unmarshal(st.Values, &a.Values) // display only; a bad blob is no data
	}
	return a
}

func valuesJSON(v alerting.Values) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// toState converts an alert into its persisted row.
func toState(a alerting.Alert) store.AlertState {
	return store.AlertState{
		ID: a.ID, SLOID: a.SLOID, Rule: a.Rule, Kind: string(a.Kind), State: string(a.State),
		Since: a.Since, ActiveSince: a.ActiveSince, ResolvedAt: a.ResolvedAt, LastEval: a.LastEval,
		Status: string(a.Status), Severity: a.Severity, Suppressed: a.Suppressed,
		Values: valuesJSON(a.Values),
	}
}

func toTransitionRow(t alerting.Transition) store.TransitionRow {
	return store.TransitionRow{
		AlertID: t.Alert.ID, SLOID: t.Alert.SLOID, Rule: t.Alert.Rule, Kind: string(t.Kind),
		At: t.At, ActiveSince: t.ActiveSince, Severity: t.Alert.Severity,
		Values: valuesJSON(t.Alert.Values), Notify: t.Notify,
	}
}

// observation is what the rules read from an engine status.
func observation(st engine.Status) alerting.Observation {
	return alerting.Observation{At: st.At, Burn: st.BurnCounts, BudgetRemaining: st.BudgetRemaining}
}

// ruleWindows are a rule's look-back windows, long first (none for budget rules).
func ruleWindows(r slo.Rule) []time.Duration {
	if r.Kind != slo.KindBurnRate {
		return nil
	}
	return []time.Duration{r.Long, r.Short}
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// message renders a transition as the notification every channel sends.
func (d *Detector) message(s slo.SLO, r slo.Rule, t alerting.Transition, st engine.Status) notify.Message {
	m := notify.Message{
		Kind:    notify.Kind(t.Kind),
		AlertID: t.Alert.ID, Service: s.Service, SLO: s.Name, SLIType: s.Type,
		Rule: r.Name, Severity: t.Alert.Severity,
		CurrentSLI: deref(st.SLI), ThresholdMS: s.ThresholdMS, Objective: s.Objective,
		BudgetRemaining: deref(st.BudgetRemaining),
		Description:     r.Description, DashboardURL: d.dashboard, Timestamp: t.At.UTC(),
	}
	if m.Description == "" {
		m.Description = s.Description
	}
	for _, w := range ruleWindows(r) {
		if rate := st.BurnRates[w]; rate != nil {
			m.BurnRates = append(m.BurnRates, notify.BurnRate{Window: w, Rate: *rate})
		}
	}
	if st.TimeToExhaustion != nil {
		m.TimeToExhaustion = *st.TimeToExhaustion
	}
	return m
}

// snapshot is the incident text's numbers for the alert rule r.
func snapshot(r slo.Rule, st engine.Status) incident.Snapshot {
	snap := incident.Snapshot{
		SLI: st.SLI, BudgetRemaining: st.BudgetRemaining, TimeToExhaustion: st.TimeToExhaustion,
		Rule: r.Name, RuleDescription: r.Description,
	}
	if p, ok := st.Percentiles["p95"]; ok {
		snap.P95MS = &p
	}
	for _, w := range ruleWindows(r) {
		snap.BurnRates = append(snap.BurnRates, incident.WindowBurn{Window: w, Rate: st.BurnRates[w]})
	}
	return snap
}
