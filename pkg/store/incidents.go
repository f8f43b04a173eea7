package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The kinds of incident timeline events.
const (
	EventOpened             = "opened"
	EventNotificationSent   = "notification_sent"
	EventNotificationFailed = "notification_failed"
	EventEscalated          = "escalated"
	EventResolved           = "resolved"
)

// Incident is one ongoing or past problem of an SLO. ResolvedAt is zero while it is open.
type Incident struct {
	ID      int64
	SLOID   string
	AlertID string
	// AlertIDs are the opening alert and every alert that joined, in order, each once.
	AlertIDs    []string
	Title       string
	Description string
	Severity    string // the highest severity of the incident's alerts
	Status      string // open or resolved
	OpenedAt    time.Time
	ResolvedAt  time.Time
}

// IncidentEvent is one entry of an incident's timeline.
type IncidentEvent struct {
	ID         int64
	IncidentID int64
	At         time.Time
	Kind       string
	Detail     string
}

// OpenOrJoin returns the open incident of SLO sloID, opening one (with an "opened" event at
// at) when there is none: one incident per ongoing problem, never one per cycle. opened says
// whether it was opened now. Joining records alertID among the incident's alerts (once) and
// raises the incident's severity to severity when that is higher (critical > major > warning
// > info); the title and description stay those of the opening. A partial unique index allows one open incident per SLO, and the
// insert joins the existing one on conflict, so concurrent callers agree on one incident.
// The caller runs it in the transaction that applies the alert transitions.
func OpenOrJoin(ctx context.Context, tx DBTX, schema, sloID, alertID, title, description, severity string, at time.Time) (id int64, opened bool, err error) {
	inc := pgx.Identifier{schema, "incident"}.Sanitize()
	// The DO UPDATE locks and returns the open row; xmax = 0 only on a fresh insert.
	err = tx.QueryRow(ctx, `WITH i AS (
			INSERT INTO `+inc+` AS x (slo_id, alert_id, alert_ids, title, description, severity, status, opened_at)
			VALUES ($1, $2, ARRAY[$2::text], $3, $4, $5, 'open', $6)
			ON CONFLICT (slo_id) WHERE status = 'open' DO UPDATE SET
				alert_ids = CASE WHEN EXCLUDED.alert_id = ANY (x.alert_ids) THEN x.alert_ids
					ELSE x.alert_ids || EXCLUDED.alert_id END,
				severity = CASE WHEN `+severityRankSQL("EXCLUDED.severity")+` < `+severityRankSQL("x.severity")+`
					THEN EXCLUDED.severity ELSE x.severity END
			RETURNING x.id, x.xmax = 0 AS opened
		), e AS (
			INSERT INTO `+pgx.Identifier{schema, "incident_event"}.Sanitize()+` (incident_id, at, kind)
			SELECT id, $6, 'opened' FROM i WHERE opened
		)
		SELECT id, opened FROM i`,
		sloID, alertID, title, description, severity, at).Scan(&id, &opened)
	if err != nil {
		return 0, false, fmt.Errorf("open incident for slo %q: %w", sloID, err)
	}
	return id, opened, nil
}

// severityRankSQL is the SQL rank of the severity expression col, most urgent first; unknown
// severities rank last.
func severityRankSQL(col string) string {
	return `(CASE ` + col + ` WHEN 'critical' THEN 0 WHEN 'major' THEN 1 WHEN 'warning' THEN 2 WHEN 'info' THEN 3 ELSE 4 END)`
}

// AddEvent appends an event of kind (one of the Event constants) to incident id's timeline.
func AddEvent(ctx context.Context, db DBTX, schema string, id int64, at time.Time, kind, detail string) error {
	_, err := db.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "incident_event"}.Sanitize()+`
		(incident_id, at, kind, detail) VALUES ($1, $2, $3, $4)`, id, at, kind, detail)
	if err != nil {
		return fmt.Errorf("add %s event to incident %d: %w", kind, id, err)
	}
	return nil
}

// Resolve resolves the open incident of SLO sloID at at, with a "resolved" event, and returns
// its id; ok is false when the SLO had no open incident. A later OpenOrJoin opens a new one.
func Resolve(ctx context.Context, tx DBTX, schema, sloID string, at time.Time) (id int64, ok bool, err error) {
	err = tx.QueryRow(ctx, `WITH r AS (
			UPDATE `+pgx.Identifier{schema, "incident"}.Sanitize()+`
			SET status = 'resolved', resolved_at = $2
			WHERE slo_id = $1 AND status = 'open'
			RETURNING id
		), e AS (
			INSERT INTO `+pgx.Identifier{schema, "incident_event"}.Sanitize()+` (incident_id, at, kind)
			SELECT id, $2, 'resolved' FROM r
		)
		SELECT id FROM r`, sloID, at).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("resolve incident of slo %q: %w", sloID, err)
	}
	return id, true, nil
}

// ListIncidents returns the incidents of the SLOs sloIDs (all when empty) that were open at
// some instant of [from, to), newest first.
func ListIncidents(ctx context.Context, db DBTX, schema string, from, to time.Time, sloIDs []string) ([]Incident, error) {
	rows, err := db.Query(ctx, `SELECT id, slo_id, alert_id, alert_ids, title, description, severity, status, opened_at, resolved_at
		FROM `+pgx.Identifier{schema, "incident"}.Sanitize()+`
		WHERE opened_at < $2 AND (resolved_at IS NULL OR resolved_at >= $1)
			AND (coalesce(cardinality($3::text[]), 0) = 0 OR slo_id = ANY ($3))
		ORDER BY opened_at DESC, id DESC`, from, to, sloIDs)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[incidentRow])
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	out := make([]Incident, len(list))
	for i, r := range list {
		out[i] = Incident{
			ID: r.ID, SLOID: r.SLOID, AlertID: r.AlertID, AlertIDs: r.AlertIDs, Title: r.Title, Description: r.Description,
			Severity: r.Severity, Status: r.Status, OpenedAt: r.OpenedAt, ResolvedAt: timeOrZero(r.ResolvedAt),
		}
	}
	return out, nil
}

// ListEvents returns incident id's timeline, oldest first.
func ListEvents(ctx context.Context, db DBTX, schema string, id int64) ([]IncidentEvent, error) {
	rows, err := db.Query(ctx, `SELECT id, incident_id, at, kind, detail
		FROM `+pgx.Identifier{schema, "incident_event"}.Sanitize()+`
		WHERE incident_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("list events of incident %d: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[IncidentEvent])
	if err != nil {
		return nil, fmt.Errorf("list events of incident %d: %w", id, err)
	}
	return out, nil
}

// incidentRow is an incident row as scanned, a NULL resolved_at as nil.
type incidentRow struct {
	ID          int64
	SLOID       string   `db:"slo_id"`
	AlertID     string   `db:"alert_id"`
	AlertIDs    []string `db:"alert_ids"`
	Title       string
	Description string
	Severity    string
	Status      string
	OpenedAt    time.Time  `db:"opened_at"`
	ResolvedAt  *time.Time `db:"resolved_at"`
}
