package detector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/store"
)

// claimBatch is how many notifications one ClaimDue takes.
const claimBatch = 20

// maxClaims bounds the claims of one Drain, so a flood cannot keep a cycle going forever.
const maxClaims = 50

// threadPoster is a notifier that can reply in a thread and report its message reference
// (slack.Notifier in bot mode): a resolution is posted under its firing message.
type threadPoster interface {
	Post(ctx context.Context, msg notify.Message, threadTS string) (ts string, retry bool, err error)
}

// Drain sends the due notifications of the outbox: it claims them in batches until none is
// due, sends each through its channel's notifier and marks it delivered, due again later
// (temporary failure: exponential backoff with jitter, or the server's Retry-After) or failed
// (permanent failure, undecodable payload, unknown channel). Recorded errors are redacted.
// When the notification's alert opened an incident of the same episode, the outcome is
// appended to that incident's timeline.
func (d *Detector) Drain(ctx context.Context) error {
	var errs []error
	for range maxClaims {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rows, err := store.ClaimDue(ctx, d.pool, d.schema, d.clock(), claimBatch)
		if err != nil {
			return fmt.Errorf("claim notifications: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		for _, row := range rows {
			if err := d.deliver(ctx, row); err != nil {
				d.log.Error("detector: recording a delivery failed", "id", row.ID, "error", err.Error())
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// deliver sends one claimed row and records the outcome.
func (d *Detector) deliver(ctx context.Context, row store.OutboxRow) error {
	var msg notify.Message
	if err := json.Unmarshal(row.Payload, &msg); err != nil {
		return d.fail(ctx, row, "undecodable payload: "+err.Error())
	}
	n, ok := d.notifiers[row.Channel]
	if !ok || n == nil {
		return d.fail(ctx, row, fmt.Sprintf("no notifier for channel %q", row.Channel))
	}
	sendCtx, cancel := context.WithTimeout(ctx, sendTimeout)
	var (
		thread string
		retry  bool
		err    error
	)
	if p, ok := n.(threadPoster); ok {
		thread, retry, err = p.Post(sendCtx, msg, row.ReplyTo)
	} else {
		retry, err = n.Notify(sendCtx, msg)
	}
	cancel()
	now := d.clock()
	if err == nil {
		if err := store.MarkDelivered(ctx, d.pool, d.schema, row.ID, now, thread); err != nil {
			return err
		}
		d.log.Info("detector: notification sent", "alert", row.AlertID, "channel", row.Channel, "kind", row.Kind)
		d.timeline(ctx, row, now, store.EventNotificationSent, row.Channel+" "+row.Kind)
		return nil
	}
	reason := notify.RedactString(err.Error())
	if ctx.Err() != nil {
		// Shutting down: leave the row to the lease (it is due again after ClaimLease).
		return nil
	}
	if !retry {
		return d.fail(ctx, row, reason)
	}
	attempt := max(row.Attempts-1, 0)
	next := now.Add(d.backoff.Delay(attempt, notify.RetryAfter(err)))
	if err := store.MarkRetry(ctx, d.pool, d.schema, row.ID, next, reason); err != nil {
		return err
	}
	d.log.Warn("detector: notification will be retried", "alert", row.AlertID, "channel", row.Channel,
		"attempt", row.Attempts, "next", next, "error", reason)
	return nil
}

func (d *Detector) fail(ctx context.Context, row store.OutboxRow, reason string) error {
	reason = notify.RedactString(reason)
	if err := store.MarkFailed(ctx, d.pool, d.schema, row.ID, reason); err != nil {
		return err
	}
	d.log.Error("detector: notification failed", "alert", row.AlertID, "channel", row.Channel, "reason", reason)
	d.timeline(ctx, row, d.clock(), store.EventNotificationFailed, row.Channel+" "+row.Kind+": "+reason)
	return nil
}

// timeline appends a notification outcome to the incident of the row's alert, if any: the
// incident it opened in the row's episode, or an incident it joined that was open in the
// episode (newest first). A failure here is logged only: the delivery itself is recorded.
func (d *Detector) timeline(ctx context.Context, row store.OutboxRow, at time.Time, kind, detail string) {
	list, err := store.ListIncidents(ctx, d.pool, d.schema, row.Episode, at.Add(time.Second), []string{row.SLOID})
	if err != nil {
		d.log.Warn("detector: incident lookup failed", "alert", row.AlertID, "error", err.Error())
		return
	}
	for _, in := range list {
		opened := in.AlertID == row.AlertID && !in.OpenedAt.Before(row.Episode)
		joined := in.AlertID != row.AlertID && slices.Contains(in.AlertIDs, row.AlertID)
		if !opened && !joined {
			continue
		}
		if err := store.AddEvent(ctx, d.pool, d.schema, in.ID, at, kind, detail); err != nil {
			d.log.Warn("detector: incident timeline write failed", "incident", in.ID, "error", err.Error())
		}
		return
	}
}
