package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AlertState is the persisted state of one alert (one rule on one SLO), the store's side of
// alerting.Alert: the detector converts. Zero times mean "none" (stored as NULL). The rule's
// settings that come from the configuration (channels, for, opens-incident) are not stored: a
// restarted detector takes them from its rules again.
type AlertState struct {
	ID          string
	SLOID       string
	Rule        string
	Kind        string
	State       string // inactive, pending or firing
	Since       time.Time
	ActiveSince time.Time
	ResolvedAt  time.Time
	LastEval    time.Time
	Status      string
	Severity    string
	Suppressed  bool
	// Values are the numbers behind the last verdict as JSON; nil is stored as {}.
	Values json.RawMessage
	// UpdatedAt is when the row was last written (database time); ignored by ApplyCycle.
	UpdatedAt time.Time
}

// TransitionRow is one entry of an alert's history: it started firing or resolved.
type TransitionRow struct {
	// ID is assigned by the database; ignored by ApplyCycle.
	ID      int64
	AlertID string
	SLOID   string
	Rule    string
	Kind    string // firing or resolved
	At      time.Time
	// ActiveSince is the start of the episode the transition belongs to.
	ActiveSince time.Time
	Severity    string
	Values      json.RawMessage
	// Notify is false when the transition was suppressed.
	Notify bool
}

// ApplyCycle records one detection cycle: it upserts states, appends transitions and queues
// notifications, in one pipelined batch. The caller runs it inside the leader's transaction
// (the one that holds the detection lock and changes incidents), so the outbox rows exist
// exactly when the state change that caused them does: a crash before commit loses both, and
// the next leader re-derives the transition from the old state and queues it again.
//
// Every write is idempotent, so re-applying a cycle (a retry, or a second detector that
// evaluated the same instant) changes nothing: notifications are inserted with
// ON CONFLICT (dedup_key, channel) DO NOTHING, transitions are unique by alert, kind, episode
// and notify, and a state is only overwritten by one evaluated at the same instant or later
// (last_eval), so a stale writer cannot move an alert back. For notifications only DedupKey,
// Channel, AlertID, SLOID, Kind, Episode, Payload and CreatedAt are read; they are due at
// CreatedAt. It returns how many notifications were new.
func ApplyCycle(ctx context.Context, tx BatchDBTX, schema string, states []AlertState, transitions []TransitionRow, notifications []OutboxRow) (queued int, err error) {
	stateT := pgx.Identifier{schema, "alert_state"}.Sanitize()
	transT := pgx.Identifier{schema, "alert_transition"}.Sanitize()
	outT := pgx.Identifier{schema, "notification_outbox"}.Sanitize()
	b := &pgx.Batch{}
	for _, s := range states {
		b.Queue(`INSERT INTO `+stateT+` AS a (alert_id, slo_id, rule, kind, state, since, active_since,
				resolved_at, last_eval, status, severity, suppressed, last_values, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, coalesce($13::jsonb, '{}'), now())
			ON CONFLICT (alert_id) DO UPDATE SET slo_id = EXCLUDED.slo_id, rule = EXCLUDED.rule,
				kind = EXCLUDED.kind, state = EXCLUDED.state, since = EXCLUDED.since,
				active_since = EXCLUDED.active_since, resolved_at = EXCLUDED.resolved_at,
				last_eval = EXCLUDED.last_eval, status = EXCLUDED.status, severity = EXCLUDED.severity,
				suppressed = EXCLUDED.suppressed, last_values = EXCLUDED.last_values, updated_at = now()
			WHERE a.last_eval <= EXCLUDED.last_eval`,
			s.ID, s.SLOID, s.Rule, s.Kind, s.State, s.Since, nullTime(s.ActiveSince), nullTime(s.ResolvedAt),
			s.LastEval, s.Status, s.Severity, s.Suppressed, nullJSON(s.Values))
	}
	for _, tr := range transitions {
		b.Queue(`INSERT INTO `+transT+` (alert_id, slo_id, rule, kind, at, active_since, severity, last_values, notify)
			VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::jsonb, '{}'), $9)
			ON CONFLICT (alert_id, kind, active_since, notify) DO NOTHING`,
			tr.AlertID, tr.SLOID, tr.Rule, tr.Kind, tr.At, tr.ActiveSince, tr.Severity, nullJSON(tr.Values), tr.Notify)
	}
	for _, n := range notifications {
		b.Queue(`INSERT INTO `+outT+` (dedup_key, channel, alert_id, slo_id, kind, episode, payload,
				next_attempt_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)
			ON CONFLICT (dedup_key, channel) DO NOTHING`,
			n.DedupKey, n.Channel, n.AlertID, n.SLOID, n.Kind, n.Episode, n.Payload, n.CreatedAt)
	}
	if b.Len() == 0 {
		return 0, nil
	}
	br := tx.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("apply cycle: %w", cerr)
		}
	}()
	for i := range b.Len() {
		tag, err := br.Exec()
		if err != nil {
			return 0, fmt.Errorf("apply cycle: statement %d: %w", i+1, err)
		}
		if i >= len(states)+len(transitions) {
			queued += int(tag.RowsAffected())
		}
	}
	return queued, nil
}

// LoadAlerts returns every persisted alert by id: what a restarted or newly elected detector
// resumes from, so a firing alert stays firing (and is not paged again) across restarts.
func LoadAlerts(ctx context.Context, db DBTX, schema string) (map[string]AlertState, error) {
	list, err := ListAlerts(ctx, db, schema, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]AlertState, len(list))
	for _, a := range list {
		out[a.ID] = a
	}
	return out, nil
}

// ListAlerts returns the alerts of the SLOs sloIDs (all when empty), by SLO and alert id.
func ListAlerts(ctx context.Context, db DBTX, schema string, sloIDs []string) ([]AlertState, error) {
	rows, err := db.Query(ctx, `SELECT alert_id, slo_id, rule, kind, state, since, active_since, resolved_at,
			last_eval, status, severity, suppressed, last_values, updated_at
		FROM `+pgx.Identifier{schema, "alert_state"}.Sanitize()+`
		WHERE coalesce(cardinality($1::text[]), 0) = 0 OR slo_id = ANY ($1)
		ORDER BY slo_id, alert_id`, sloIDs)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[alertRow])
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	out := make([]AlertState, len(list))
	for i, r := range list {
		out[i] = AlertState{
			ID: r.AlertID, SLOID: r.SLOID, Rule: r.Rule, Kind: r.Kind, State: r.State, Since: r.Since,
			ActiveSince: timeOrZero(r.ActiveSince), ResolvedAt: timeOrZero(r.ResolvedAt), LastEval: r.LastEval,
			Status: r.Status, Severity: r.Severity, Suppressed: r.Suppressed, Values: r.LastValues, UpdatedAt: r.UpdatedAt,
		}
	}
	return out, nil
}

// ListTransitions returns the transitions at instants in [from, to) of the SLOs sloIDs (all
// when empty), oldest first.
func ListTransitions(ctx context.Context, db DBTX, schema string, from, to time.Time, sloIDs []string) ([]TransitionRow, error) {
	rows, err := db.Query(ctx, `SELECT id, alert_id, slo_id, rule, kind, at, active_since, severity,
			last_values AS values, notify
		FROM `+pgx.Identifier{schema, "alert_transition"}.Sanitize()+`
		WHERE at >= $1 AND at < $2 AND (coalesce(cardinality($3::text[]), 0) = 0 OR slo_id = ANY ($3))
		ORDER BY at, id`, from, to, sloIDs)
	if err != nil {
		return nil, fmt.Errorf("list transitions: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[TransitionRow])
	if err != nil {
		return nil, fmt.Errorf("list transitions: %w", err)
	}
	return out, nil
}

// alertRow is an alert_state row as scanned, NULL times as nil.
type alertRow struct {
	AlertID     string `db:"alert_id"`
	SLOID       string `db:"slo_id"`
	Rule        string
	Kind        string
	State       string
	Since       time.Time
	ActiveSince *time.Time `db:"active_since"`
	ResolvedAt  *time.Time `db:"resolved_at"`
	LastEval    time.Time  `db:"last_eval"`
	Status      string
	Severity    string
	Suppressed  bool
	LastValues  json.RawMessage `db:"last_values"`
	UpdatedAt   time.Time       `db:"updated_at"`
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// nullJSON maps an empty document to NULL, which the statements turn into {}.
func nullJSON(j json.RawMessage) any {
	if len(j) == 0 {
		return nil
	}
	return string(j)
}
