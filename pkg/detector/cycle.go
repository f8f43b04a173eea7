package detector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/incident"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// Cycle evaluates every SLO once at the clock's instant: it refreshes the SLO's rollups,
// reads its status, runs the alert state machine against the persisted alerts, and records
// the new states, the transitions, one outbox row per notifying transition and channel, and
// the incident decisions in one transaction per SLO. A failing SLO is logged and does not
// stop the others; the returned error joins the failures.
func (d *Detector) Cycle(ctx context.Context) error {
	now := d.clock()
	prev, err := store.LoadAlerts(ctx, d.pool, d.schema)
	if err != nil {
		return fmt.Errorf("load alerts: %w", err)
	}
	var errs []error
	for _, s := range d.cfg.SLOs() {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		if err := d.cycleSLO(ctx, s, prev, now); err != nil {
			d.log.Error("detector: SLO cycle failed", "slo", s.ID(), "error", err.Error())
			errs = append(errs, fmt.Errorf("%s: %w", s.ID(), err))
		}
	}
	return errors.Join(errs...)
}

func (d *Detector) cycleSLO(ctx context.Context, s slo.SLO, loaded map[string]store.AlertState, now time.Time) error {
	rules := d.cfg.RulesFor(s)
	if len(rules) == 0 {
		return nil
	}
	if err := d.eng.Refresh(ctx, s, now); err != nil {
		return fmt.Errorf("refresh: %w", err)
	}
	st, err := d.eng.Status(ctx, s, now, alerting.Windows(rules)...)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	byName := make(map[string]slo.Rule, len(rules))
	var prev []alerting.Alert
	for _, r := range rules {
		byName[r.Name] = r
		if row, ok := loaded[alerting.AlertID(s.ID(), r.Name)]; ok {
			prev = append(prev, toAlert(row, r))
		}
	}
	out := Evaluate(s, rules, prev, observation(st))

	states := make([]store.AlertState, 0, len(out.Alerts))
	for _, a := range out.Alerts {
		states = append(states, toState(a))
	}
	rows := make([]store.TransitionRow, 0, len(out.Transitions))
	for _, t := range out.Transitions {
		rows = append(rows, toTransitionRow(t))
	}
	var outbox []store.OutboxRow
	for _, t := range out.Notifying() {
		payload, err := json.Marshal(d.message(s, byName[t.Alert.Rule], t, st))
		if err != nil {
			return fmt.Errorf("encode message: %w", err)
		}
		for _, ch := range t.Alert.Channels {
			outbox = append(outbox, store.OutboxRow{
				DedupKey: t.DedupKey(), Channel: ch, AlertID: t.Alert.ID, SLOID: t.Alert.SLOID,
				Kind: string(t.Kind), Episode: t.ActiveSince, Payload: payload, CreatedAt: now,
			})
		}
	}

	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	queued, err := store.ApplyCycle(ctx, tx, d.schema, states, rows, outbox)
	if err != nil {
		return fmt.Errorf("apply cycle: %w", err)
	}
	if err := d.incidents(ctx, tx, s, byName, out, st, now); err != nil {
		return fmt.Errorf("incidents: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, t := range out.Transitions {
		d.log.Info("detector: alert transition", "alert", t.Alert.ID, "kind", string(t.Kind),
			"at", t.At, "notify", t.Notify)
	}
	if queued > 0 {
		d.log.Info("detector: notifications queued", "slo", s.ID(), "count", queued)
	}
	return nil
}

// incidents applies incident.Decide to the incident events of the SLO's cycle, inside tx.
func (d *Detector) incidents(ctx context.Context, tx pgx.Tx, s slo.SLO, rules map[string]slo.Rule,
	out Outcome, st engine.Status, now time.Time) error {
	if len(out.Events) == 0 {
		return nil
	}
	open, err := openIncident(ctx, tx, d.schema, s.ID(), out.Alerts, now)
	if err != nil {
		return err
	}
	dec := incident.Decide(open, out.Events, now)
	switch dec.Action {
	case incident.ActionOpen, incident.ActionJoin:
		in := dec.Incident
		in.Describe(s, snapshot(rules[ruleOf(in.AlertID, out.Alerts)], st))
		// The opening alert first, then every alert that joined: OpenOrJoin records each once
		// and raises the stored severity to the incident's.
		var id int64
		for _, a := range in.Alerts {
			var err error
			id, _, err = store.OpenOrJoin(ctx, tx, d.schema, s.ID(), a.ID, in.Title, in.Description, in.Severity, now)
			if err != nil {
				return err
			}
		}
		for _, ev := range dec.Added {
			if ev.Kind == incident.EventOpened {
				continue // OpenOrJoin recorded it
			}
			detail := ev.Detail
			if detail == "" {
				detail = ev.AlertID
			}
			if err := store.AddEvent(ctx, tx, d.schema, id, ev.At, string(ev.Kind), detail); err != nil {
				return err
			}
		}
		if dec.Action == incident.ActionOpen {
			d.log.Info("detector: incident opened", "slo", s.ID(), "alert", in.AlertID, "id", id)
		}
	case incident.ActionResolve:
		id, ok, err := store.Resolve(ctx, tx, d.schema, s.ID(), now)
		if err != nil {
			return err
		}
		if ok {
			d.log.Info("detector: incident resolved", "slo", s.ID(), "id", id)
		}
	}
	return nil
}

func ruleOf(alertID string, alerts []alerting.Alert) string {
	for _, a := range alerts {
		if a.ID == alertID {
			return a.Rule
		}
	}
	return ""
}

// openIncident returns the SLO's open incident as pkg/incident sees it, or nil: with all its
// alerts (the opening one and those that joined), their rules and severities taken from the
// SLO's current alerts.
func openIncident(ctx context.Context, db store.DBTX, schema, sloID string, alerts []alerting.Alert, now time.Time) (*incident.Incident, error) {
	list, err := store.ListIncidents(ctx, db, schema, now, now.Add(time.Second), []string{sloID})
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		if in.Status != string(incident.StatusOpen) {
			continue
		}
		ids := in.AlertIDs
		if !slices.Contains(ids, in.AlertID) {
			ids = append([]string{in.AlertID}, ids...)
		}
		refs := make([]incident.AlertRef, 0, len(ids))
		for _, aid := range ids {
			ref := incident.AlertRef{ID: aid, Severity: in.Severity, JoinedAt: in.OpenedAt}
			if i := slices.IndexFunc(alerts, func(a alerting.Alert) bool { return a.ID == aid }); i >= 0 {
				ref.Rule, ref.Severity = alerts[i].Rule, alerts[i].Severity
			}
			refs = append(refs, ref)
		}
		return &incident.Incident{
			SLOID: in.SLOID, Title: in.Title, Description: in.Description, Severity: in.Severity,
			AlertID: in.AlertID, Status: incident.StatusOpen, OpenedAt: in.OpenedAt, Alerts: refs,
		}, nil
	}
	return nil, nil
}
