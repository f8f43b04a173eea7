package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// migrated returns a test database whose plugin schema is migrated.
func migrated(t *testing.T) *storetest.DB {
	t.Helper()
	db := storetest.New(t)
	if _, err := store.Migrate(context.Background(), db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	return db
}

// applyCycle runs store.ApplyCycle in a transaction of its own and returns how many
// notifications were new.
func applyCycle(t *testing.T, db *storetest.DB, states []store.AlertState, trs []store.TransitionRow, ns []store.OutboxRow) int {
	t.Helper()
	var queued int
	err := pgx.BeginFunc(context.Background(), db.Pool, func(tx pgx.Tx) error {
		var err error
		queued, err = store.ApplyCycle(context.Background(), tx, db.PluginSchema, states, trs, ns)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return queued
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

var at0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func firingAlert() store.AlertState {
	return store.AlertState{
		ID: "api/avail/fast_burn", SLOID: "api/avail", Rule: "fast_burn", Kind: "burn_rate", State: "firing",
		Since: at0.Add(2 * time.Minute), ActiveSince: at0, ResolvedAt: at0.Add(-time.Hour),
		LastEval: at0.Add(3 * time.Minute), Status: "met", Severity: "critical", Suppressed: true,
		Values: json.RawMessage(`{"BurnLong":20.5,"BurnShort":31,"LongBad":42,"Threshold":14.4,"BudgetRemaining":null}`),
	}
}

func TestLoadAlertsRoundTripsEveryField(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	inactive := store.AlertState{
		ID: "api/avail/slow_burn", SLOID: "api/avail", Rule: "slow_burn", Kind: "burn_rate", State: "inactive",
		Since: at0, LastEval: at0.Add(3 * time.Minute), Status: "no_data", Severity: "warning",
	}
	want := []store.AlertState{firingAlert(), inactive}
	applyCycle(t, db, want, nil, nil)

	got, err := store.LoadAlerts(context.Background(), db.Pool, db.PluginSchema)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("loaded %d alerts, want %d", len(got), len(want))
	}
	for _, w := range want {
		g, ok := got[w.ID]
		if !ok {
			t.Fatalf("alert %s not loaded", w.ID)
		}
		if g.UpdatedAt.IsZero() {
			t.Errorf("%s: UpdatedAt not set", w.ID)
		}
		wantValues := w.Values
		if wantValues == nil {
			wantValues = json.RawMessage(`{}`)
		}
		if !sameJSON(t, g.Values, wantValues) {
			t.Errorf("%s: Values %s, want %s", w.ID, g.Values, wantValues)
		}
		for _, tc := range []struct {
			name      string
			got, want time.Time
		}{
			{"Since", g.Since, w.Since}, {"ActiveSince", g.ActiveSince, w.ActiveSince},
			{"ResolvedAt", g.ResolvedAt, w.ResolvedAt}, {"LastEval", g.LastEval, w.LastEval},
		} {
			if !tc.got.Equal(tc.want) {
				t.Errorf("%s: %s %v, want %v", w.ID, tc.name, tc.got, tc.want)
			}
		}
		g.Since, g.ActiveSince, g.ResolvedAt, g.LastEval, g.Values, g.UpdatedAt = w.Since, w.ActiveSince, w.ResolvedAt, w.LastEval, w.Values, w.UpdatedAt
		if !reflect.DeepEqual(g, w) {
			t.Errorf("loaded %+v\nwant   %+v", g, w)
		}
	}
}

func TestApplyCycleNeverMovesAnAlertBackToAnEarlierEvaluation(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	current := firingAlert()
	applyCycle(t, db, []store.AlertState{current}, nil, nil)
	stale := current
	stale.State, stale.LastEval = "pending", current.LastEval.Add(-time.Minute)
	applyCycle(t, db, []store.AlertState{stale}, nil, nil)

	got, err := store.LoadAlerts(context.Background(), db.Pool, db.PluginSchema)
	if err != nil {
		t.Fatal(err)
	}
	if g := got[current.ID]; g.State != "firing" || !g.LastEval.Equal(current.LastEval) {
		t.Errorf("after a stale write: state %s at %v, want firing at %v", g.State, g.LastEval, current.LastEval)
	}
}

func TestApplyCycleTwiceWithTheSameTransitionQueuesOneNotificationPerChannel(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	ctx := context.Background()
	a := firingAlert()
	tr := store.TransitionRow{AlertID: a.ID, SLOID: a.SLOID, Rule: a.Rule, Kind: "firing", At: a.Since,
		ActiveSince: a.ActiveSince, Severity: a.Severity, Values: a.Values, Notify: true}
	key := a.ID + "/firing/" + a.ActiveSince.Format(time.RFC3339Nano)
	var ns []store.OutboxRow
	for _, ch := range []string{"pager", "slack"} {
		ns = append(ns, store.OutboxRow{DedupKey: key, Channel: ch, AlertID: a.ID, SLOID: a.SLOID, Kind: "firing",
			Episode: a.ActiveSince, Payload: json.RawMessage(`{"summary":"fast burn"}`), CreatedAt: a.Since})
	}

	for i, want := range []int{2, 0} {
		if got := applyCycle(t, db, []store.AlertState{a}, []store.TransitionRow{tr}, ns); got != want {
			t.Errorf("cycle %d queued %d notifications, want %d", i+1, got, want)
		}
	}
	out, err := store.ListOutbox(ctx, db.Pool, db.PluginSchema, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Channel != "pager" || out[1].Channel != "slack" {
		t.Fatalf("outbox %+v, want one pager and one slack row", out)
	}
	for _, o := range out {
		if o.State != store.OutboxPending || o.Attempts != 0 || !o.NextAttemptAt.Equal(a.Since) || !sameJSON(t, o.Payload, ns[0].Payload) {
			t.Errorf("queued row %+v: want pending, no attempt, due at %v, the payload", o, a.Since)
		}
	}
	trs, err := store.ListTransitions(ctx, db.Pool, db.PluginSchema, at0, at0.Add(time.Hour), []string{a.SLOID})
	if err != nil {
		t.Fatal(err)
	}
	if len(trs) != 1 || trs[0].Kind != "firing" || !trs[0].At.Equal(tr.At) || !trs[0].Notify || trs[0].ID == 0 {
		t.Errorf("transitions %+v, want the one firing", trs)
	}
	if other, err := store.ListTransitions(ctx, db.Pool, db.PluginSchema, at0, at0.Add(time.Hour), []string{"web/latency"}); err != nil || len(other) != 0 {
		t.Errorf("transitions of another SLO: %+v, %v; want none", other, err)
	}
}

func TestApplyCycleKeepsASuppressedFiringAndItsReleaseInTheHistory(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	a := firingAlert()
	suppressed := store.TransitionRow{AlertID: a.ID, SLOID: a.SLOID, Rule: a.Rule, Kind: "firing", At: a.Since,
		ActiveSince: a.ActiveSince, Severity: a.Severity, Notify: false}
	released := suppressed
	released.At, released.Notify = a.Since.Add(5*time.Minute), true
	applyCycle(t, db, nil, []store.TransitionRow{suppressed}, nil)
	applyCycle(t, db, nil, []store.TransitionRow{released}, nil)
	applyCycle(t, db, nil, []store.TransitionRow{released}, nil)

	trs, err := store.ListTransitions(context.Background(), db.Pool, db.PluginSchema, at0, at0.Add(time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(trs) != 2 || trs[0].Notify || !trs[1].Notify {
		t.Errorf("transitions %+v, want the suppressed firing and its release", trs)
	}
}

func TestListAlertsFiltersBySLO(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	a := firingAlert()
	b := a
	b.ID, b.SLOID = "web/latency/fast_burn", "web/latency"
	applyCycle(t, db, []store.AlertState{a, b}, nil, nil)
	for _, tc := range []struct {
		name   string
		sloIDs []string
		want   []string
	}{
		{"no filter lists every alert", nil, []string{a.ID, b.ID}},
		{"one SLO lists its alerts", []string{"web/latency"}, []string{b.ID}},
		{"an unknown SLO lists none", []string{"nope"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := store.ListAlerts(context.Background(), db.Pool, db.PluginSchema, tc.sloIDs)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, g := range got {
				ids = append(ids, g.ID)
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("ids %v, want %v", ids, tc.want)
			}
		})
	}
}
