package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The states of an outbox row.
const (
	OutboxPending   = "pending"
	OutboxSending   = "sending"
	OutboxDelivered = "delivered"
	OutboxFailed    = "failed"
)

// ClaimLease is how long a claimed row belongs to the worker that claimed it. A row still
// sending after the lease (the worker died between claim and mark) is due again. A worker must
// bound one send well below the lease, or a slow send may be repeated by another worker.
const ClaimLease = 2 * time.Minute

// ErrNotClaimed reports a MarkRetry or MarkFailed of a row that is not sending (for example one
// whose lease ran out and that another worker delivered meanwhile).
var ErrNotClaimed = errors.New("outbox row is not being sent")

// OutboxRow is one notification for one channel.
//
// Delivery is at-least-once at the transport and made idempotent by dedup keys: a row is sent
// again only if a worker crashed (or its send outlived ClaimLease) between sending and marking
// it. PagerDuty then deduplicates by its dedup_key (the alert id); Slack and email have no such
// key, so they may show a duplicate message in exactly that case, never otherwise.
type OutboxRow struct {
	ID int64
	// DedupKey identifies the transition (alerting.Transition.DedupKey); with Channel it is
	// unique.
	DedupKey string
	Channel  string
	AlertID  string
	SLOID    string
	Kind     string // firing or resolved
	// Episode is the start of the alert episode (the transition's ActiveSince); a resolution
	// shares it with its firing.
	Episode time.Time
	// Payload is the message, never a secret.
	Payload       json.RawMessage
	State         string
	Attempts      int
	NextAttemptAt time.Time
	// LastError is the last failure, already redacted by the worker.
	LastError string
	// Thread is the transport's reference of the sent message (the Slack ts).
	Thread string
	// ReplyTo, on a claimed resolution, is the Thread of the delivered firing of the same
	// episode and channel, so the resolution goes into the same Slack thread; "" otherwise.
	ReplyTo     string
	CreatedAt   time.Time
	ClaimedAt   time.Time
	DeliveredAt time.Time
}

// ClaimDue claims up to limit due notifications for sending and returns them, oldest due
// first: they become sending with one more attempt, leased until now + ClaimLease. A row is
// due when it is pending with next_attempt_at <= now, or sending with an expired lease. Rows
// are locked with FOR UPDATE SKIP LOCKED, so concurrent workers (two detectors, or a stale
// leader) never claim the same row. Per alert and channel, rows go out in order: a row is not
// due while an earlier one of the same alert and channel is pending or sending, so a
// resolution never overtakes its firing (which would leave a PagerDuty incident open). A
// worker therefore claims repeatedly until ClaimDue returns nothing.
func ClaimDue(ctx context.Context, db DBTX, schema string, now time.Time, limit int) ([]OutboxRow, error) {
	t := pgx.Identifier{schema, "notification_outbox"}.Sanitize()
	rows, err := db.Query(ctx, `WITH due AS (
			SELECT o.id FROM `+t+` o
			WHERE o.state IN ('pending', 'sending') AND o.next_attempt_at <= $1
				AND NOT EXISTS (SELECT 1 FROM `+t+` p
					WHERE p.alert_id = o.alert_id AND p.channel = o.channel AND p.id < o.id
						AND p.state IN ('pending', 'sending'))
			ORDER BY o.next_attempt_at, o.id
			LIMIT $2
			FOR UPDATE OF o SKIP LOCKED
		)
		UPDATE `+t+` o SET state = 'sending', attempts = o.attempts + 1, claimed_at = $1, next_attempt_at = $3
		FROM due WHERE o.id = due.id
		RETURNING `+outboxColumns+`,
			coalesce((SELECT f.thread FROM `+t+` f
				WHERE o.kind = 'resolved' AND f.alert_id = o.alert_id AND f.channel = o.channel
					AND f.episode = o.episode AND f.kind = 'firing' AND f.state = 'delivered'
				ORDER BY f.id DESC LIMIT 1), '') AS reply_to`,
		now, limit, now.Add(ClaimLease))
	if err != nil {
		return nil, fmt.Errorf("claim notifications: %w", err)
	}
	out, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("claim notifications: %w", err)
	}
	return out, nil
}

// MarkDelivered records that notification id was sent at at; thread is the transport's
// message reference ("" when it has none). It is idempotent: marking a delivered row again,
// even from a worker whose lease ran out, changes nothing.
func MarkDelivered(ctx context.Context, db DBTX, schema string, id int64, at time.Time, thread string) error {
	_, err := db.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "notification_outbox"}.Sanitize()+`
		SET state = 'delivered', delivered_at = $2, thread = $3, last_error = ''
		WHERE id = $1 AND state <> 'delivered'`, id, at, thread)
	if err != nil {
		return fmt.Errorf("mark notification %d delivered: %w", id, err)
	}
	return nil
}

// MarkRetry puts a claimed notification back for another attempt at nextAt after a temporary
// failure; errText must already be redacted (it is stored and shown).
func MarkRetry(ctx context.Context, db DBTX, schema string, id int64, nextAt time.Time, errText string) error {
	return markSending(ctx, db, schema, id, "retry", `state = 'pending', next_attempt_at = $2, last_error = $3`, nextAt, errText)
}

// MarkFailed records that a claimed notification failed permanently; reason must already be
// redacted. A failed row is never sent again.
func MarkFailed(ctx context.Context, db DBTX, schema string, id int64, reason string) error {
	return markSending(ctx, db, schema, id, "failed", `state = 'failed', last_error = $2`, reason)
}

func markSending(ctx context.Context, db DBTX, schema string, id int64, what, set string, args ...any) error {
	tag, err := db.Exec(ctx, `UPDATE `+pgx.Identifier{schema, "notification_outbox"}.Sanitize()+`
		SET `+set+` WHERE id = $1 AND state = 'sending'`, append([]any{id}, args...)...)
	if err != nil {
		return fmt.Errorf("mark notification %d %s: %w", id, what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("mark notification %d %s: %w", id, what, ErrNotClaimed)
	}
	return nil
}

// OutboxStats counts the notifications waiting to be sent (pending or sending) and those that
// failed permanently (undeliverable), for health reports.
type OutboxStats struct {
	Waiting int64
	Failed  int64
}

// CountOutbox returns the outbox's OutboxStats.
func CountOutbox(ctx context.Context, db DBTX, schema string) (OutboxStats, error) {
	var s OutboxStats
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state IN ('pending', 'sending')),
			count(*) FILTER (WHERE state = 'failed')
		FROM `+pgx.Identifier{schema, "notification_outbox"}.Sanitize()).Scan(&s.Waiting, &s.Failed)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("count notifications: %w", err)
	}
	return s, nil
}

// ListOutbox returns the notifications of alert alertID (all when ""), by id.
func ListOutbox(ctx context.Context, db DBTX, schema string, alertID string) ([]OutboxRow, error) {
	rows, err := db.Query(ctx, `SELECT `+outboxColumns+`, '' AS reply_to
		FROM `+pgx.Identifier{schema, "notification_outbox"}.Sanitize()+` o
		WHERE $1 = '' OR o.alert_id = $1 ORDER BY o.id`, alertID)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	out, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return out, nil
}

const outboxColumns = `o.id, o.dedup_key, o.channel, o.alert_id, o.slo_id, o.kind, o.episode, o.payload,
	o.state, o.attempts, o.next_attempt_at, o.last_error, o.thread, o.created_at, o.claimed_at, o.delivered_at`

// outboxRow is a notification_outbox row as scanned, NULL times as nil.
type outboxRow struct {
	ID            int64
	DedupKey      string `db:"dedup_key"`
	Channel       string
	AlertID       string `db:"alert_id"`
	SLOID         string `db:"slo_id"`
	Kind          string
	Episode       time.Time
	Payload       json.RawMessage
	State         string
	Attempts      int32
	NextAttemptAt time.Time `db:"next_attempt_at"`
	LastError     string    `db:"last_error"`
	Thread        string
	ReplyTo       string     `db:"reply_to"`
	CreatedAt     time.Time  `db:"created_at"`
	ClaimedAt     *time.Time `db:"claimed_at"`
	DeliveredAt   *time.Time `db:"delivered_at"`
}

func collectOutbox(rows pgx.Rows) ([]OutboxRow, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[outboxRow])
	if err != nil {
		return nil, err
	}
	out := make([]OutboxRow, len(list))
	for i, r := range list {
		out[i] = OutboxRow{
			ID: r.ID, DedupKey: r.DedupKey, Channel: r.Channel, AlertID: r.AlertID, SLOID: r.SLOID,
			Kind: r.Kind, Episode: r.Episode, Payload: r.Payload, State: r.State, Attempts: int(r.Attempts),
			NextAttemptAt: r.NextAttemptAt, LastError: r.LastError, Thread: r.Thread, ReplyTo: r.ReplyTo,
			CreatedAt: r.CreatedAt, ClaimedAt: timeOrZero(r.ClaimedAt), DeliveredAt: timeOrZero(r.DeliveredAt),
		}
	}
	return out, nil
}
