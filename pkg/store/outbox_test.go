package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// notification returns an outbox row of alert alertID, kind and channel due at at0.
func notification(alertID, kind, channel string) store.OutboxRow {
	return store.OutboxRow{DedupKey: alertID + "/" + kind + "/" + at0.Format(time.RFC3339Nano), Channel: channel,
		AlertID: alertID, SLOID: "api/avail", Kind: kind, Episode: at0, Payload: json.RawMessage(`{}`), CreatedAt: at0}
}

func claim(t *testing.T, db *storetest.DB, now time.Time, limit int) []store.OutboxRow {
	t.Helper()
	rows, err := store.ClaimDue(context.Background(), db.Pool, db.PluginSchema, now, limit)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestTwoConcurrentClaimsNeverReturnTheSameRow(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	const n, workers = 300, 8
	var ns []store.OutboxRow
	for i := range n {
		ns = append(ns, notification(fmt.Sprintf("a%d", i), "firing", "slack"))
	}
	applyCycle(t, db, nil, nil, ns)

	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				rows, err := store.ClaimDue(context.Background(), db.Pool, db.PluginSchema, at0, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(rows) == 0 {
					return
				}
				mu.Lock()
				for _, r := range rows {
					seen[r.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("claimed %d distinct rows, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("row %d claimed %d times", id, c)
		}
	}
}

func TestAnExpiredLeaseMakesASendingRowDueAgain(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	applyCycle(t, db, nil, nil, []store.OutboxRow{notification("a", "firing", "pager")})
	first := claim(t, db, at0, 10)
	if len(first) != 1 || first[0].State != store.OutboxSending || first[0].Attempts != 1 || !first[0].ClaimedAt.Equal(at0) {
		t.Fatalf("first claim %+v, want the row sending with one attempt", first)
	}
	if again := claim(t, db, at0.Add(store.ClaimLease-time.Second), 10); len(again) != 0 {
		t.Errorf("claimed %+v within the lease, want nothing", again)
	}
	again := claim(t, db, at0.Add(store.ClaimLease), 10)
	if len(again) != 1 || again[0].ID != first[0].ID || again[0].Attempts != 2 {
		t.Errorf("claim after the lease %+v, want row %d with two attempts", again, first[0].ID)
	}
}

func TestOutboxBookkeeping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// mark acts on the claimed row; check verifies the row afterwards.
		mark  func(db *storetest.DB, id int64) error
		check func(t *testing.T, db *storetest.DB, row store.OutboxRow)
	}{
		{
			name: "a retry is pending with its error and is due again only at the next attempt",
			mark: func(db *storetest.DB, id int64) error {
				return store.MarkRetry(ctx, db.Pool, db.PluginSchema, id, at0.Add(time.Minute), "slack: 503 Service Unavailable")
			},
			check: func(t *testing.T, db *storetest.DB, row store.OutboxRow) {
				if row.State != store.OutboxPending || row.LastError != "slack: 503 Service Unavailable" || !row.NextAttemptAt.Equal(at0.Add(time.Minute)) {
					t.Errorf("row %+v", row)
				}
				if early := claim(t, db, at0.Add(59*time.Second), 10); len(early) != 0 {
					t.Errorf("claimed before the next attempt: %+v", early)
				}
				if due := claim(t, db, at0.Add(time.Minute), 10); len(due) != 1 || due[0].Attempts != 2 {
					t.Errorf("claim at the next attempt %+v, want the row with two attempts", due)
				}
			},
		},
		{
			name: "a permanent failure keeps its reason and is never due again",
			mark: func(db *storetest.DB, id int64) error {
				return store.MarkFailed(ctx, db.Pool, db.PluginSchema, id, "slack: 404 channel_not_found")
			},
			check: func(t *testing.T, db *storetest.DB, row store.OutboxRow) {
				if row.State != store.OutboxFailed || row.LastError != "slack: 404 channel_not_found" {
					t.Errorf("row %+v", row)
				}
				if later := claim(t, db, at0.Add(24*time.Hour), 10); len(later) != 0 {
					t.Errorf("claimed a failed row: %+v", later)
				}
				if err := store.MarkRetry(ctx, db.Pool, db.PluginSchema, row.ID, at0, "x"); !errors.Is(err, store.ErrNotClaimed) {
					t.Errorf("MarkRetry of a failed row = %v, want ErrNotClaimed", err)
				}
				st, err := store.CountOutbox(ctx, db.Pool, db.PluginSchema)
				if err != nil || st != (store.OutboxStats{Failed: 1}) {
					t.Errorf("CountOutbox = %+v, %v; want one failed", st, err)
				}
			},
		},
		{
			name: "a delivery keeps its thread, is idempotent and is never due again",
			mark: func(db *storetest.DB, id int64) error {
				if err := store.MarkDelivered(ctx, db.Pool, db.PluginSchema, id, at0.Add(time.Second), "1700000000.000100"); err != nil {
					return err
				}
				return store.MarkDelivered(ctx, db.Pool, db.PluginSchema, id, at0.Add(time.Hour), "other")
			},
			check: func(t *testing.T, db *storetest.DB, row store.OutboxRow) {
				if row.State != store.OutboxDelivered || row.Thread != "1700000000.000100" || !row.DeliveredAt.Equal(at0.Add(time.Second)) {
					t.Errorf("row %+v", row)
				}
				if later := claim(t, db, at0.Add(24*time.Hour), 10); len(later) != 0 {
					t.Errorf("claimed a delivered row: %+v", later)
				}
				if err := store.MarkFailed(ctx, db.Pool, db.PluginSchema, row.ID, "x"); !errors.Is(err, store.ErrNotClaimed) {
					t.Errorf("MarkFailed of a delivered row = %v, want ErrNotClaimed", err)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := migrated(t)
			applyCycle(t, db, nil, nil, []store.OutboxRow{notification("a", "firing", "slack")})
			claimed := claim(t, db, at0, 10)
			if len(claimed) != 1 {
				t.Fatalf("claimed %d rows, want 1", len(claimed))
			}
			if err := tc.mark(db, claimed[0].ID); err != nil {
				t.Fatal(err)
			}
			rows, err := store.ListOutbox(ctx, db.Pool, db.PluginSchema, "a")
			if err != nil || len(rows) != 1 {
				t.Fatalf("ListOutbox = %+v, %v", rows, err)
			}
			tc.check(t, db, rows[0])
		})
	}
}

func TestAResolutionWaitsForItsFiringAndRepliesInItsThread(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	ctx := context.Background()
	applyCycle(t, db, nil, nil, []store.OutboxRow{notification("a", "firing", "slack")})
	applyCycle(t, db, nil, nil, []store.OutboxRow{notification("a", "resolved", "slack")})

	firing := claim(t, db, at0, 10)
	if len(firing) != 1 || firing[0].Kind != "firing" {
		t.Fatalf("first claim %+v, want only the firing", firing)
	}
	if err := store.MarkRetry(ctx, db.Pool, db.PluginSchema, firing[0].ID, at0.Add(time.Minute), "timeout"); err != nil {
		t.Fatal(err)
	}
	if early := claim(t, db, at0.Add(30*time.Second), 10); len(early) != 0 {
		t.Fatalf("claimed %+v while the firing waits for a retry, want nothing", early)
	}
	firing = claim(t, db, at0.Add(time.Minute), 10)
	if len(firing) != 1 || firing[0].Kind != "firing" {
		t.Fatalf("retry claim %+v, want the firing", firing)
	}
	if err := store.MarkDelivered(ctx, db.Pool, db.PluginSchema, firing[0].ID, at0.Add(time.Minute), "171.5"); err != nil {
		t.Fatal(err)
	}
	resolved := claim(t, db, at0.Add(time.Minute), 10)
	if len(resolved) != 1 || resolved[0].Kind != "resolved" || resolved[0].ReplyTo != "171.5" {
		t.Errorf("claim after delivery %+v, want the resolution replying in thread 171.5", resolved)
	}
}
