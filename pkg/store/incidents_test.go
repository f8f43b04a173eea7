package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/store"
)

func TestOpenOrJoinKeepsOneOpenIncidentPerSLOUnderConcurrency(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	ctx := context.Background()
	const callers = 12
	ids := make([]int64, callers)
	opened := make([]bool, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
				var err error
				ids[i], opened[i], err = store.OpenOrJoin(ctx, tx, db.PluginSchema, "api/avail", "api/avail/fast_burn",
					"SLO violation: api avail", "burning", "critical", at0.Add(time.Duration(i)*time.Second))
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	nOpened := 0
	for i := range callers {
		if ids[i] != ids[0] {
			t.Errorf("caller %d got incident %d, caller 0 %d", i, ids[i], ids[0])
		}
		if opened[i] {
			nOpened++
		}
	}
	if nOpened != 1 {
		t.Errorf("%d callers opened the incident, want 1", nOpened)
	}
	incs, err := store.ListIncidents(ctx, db.Pool, db.PluginSchema, at0, at0.Add(time.Hour), nil)
	if err != nil || len(incs) != 1 || incs[0].Status != "open" || !incs[0].ResolvedAt.IsZero() {
		t.Fatalf("incidents %+v, %v; want one open", incs, err)
	}
	events, err := store.ListEvents(ctx, db.Pool, db.PluginSchema, ids[0])
	if err != nil || len(events) != 1 || events[0].Kind != store.EventOpened {
		t.Errorf("timeline %+v, %v; want one opened event", events, err)
	}
}

func TestResolveClosesTheIncidentAndALaterOpenCreatesANewOne(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	ctx := context.Background()
	open := func(at time.Time) (int64, bool) {
		t.Helper()
		id, opened, err := store.OpenOrJoin(ctx, db.Pool, db.PluginSchema, "api/avail", "api/avail/fast_burn",
			"SLO violation: api avail", "burning", "critical", at)
		if err != nil {
			t.Fatal(err)
		}
		return id, opened
	}
	first, opened := open(at0)
	if !opened {
		t.Fatal("first open joined, want opened")
	}
	if id, opened := open(at0.Add(time.Minute)); id != first || opened {
		t.Errorf("second open: incident %d opened %v, want to join %d", id, opened, first)
	}
	if err := store.AddEvent(ctx, db.Pool, db.PluginSchema, first, at0.Add(2*time.Minute), store.EventNotificationSent, "pager"); err != nil {
		t.Fatal(err)
	}
	if id, ok, err := store.Resolve(ctx, db.Pool, db.PluginSchema, "api/avail", at0.Add(10*time.Minute)); err != nil || !ok || id != first {
		t.Fatalf("Resolve = %d, %v, %v; want %d", id, ok, err, first)
	}
	if _, ok, err := store.Resolve(ctx, db.Pool, db.PluginSchema, "api/avail", at0.Add(11*time.Minute)); err != nil || ok {
		t.Errorf("second Resolve = %v, %v; want nothing to resolve", ok, err)
	}
	second, opened := open(at0.Add(20 * time.Minute))
	if !opened || second == first {
		t.Errorf("open after resolve: incident %d opened %v, want a new one", second, opened)
	}

	events, err := store.ListEvents(ctx, db.Pool, db.PluginSchema, first)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if want := []string{store.EventOpened, store.EventNotificationSent, store.EventResolved}; !slices.Equal(kinds, want) {
		t.Errorf("timeline %v, want %v", kinds, want)
	}

	for _, tc := range []struct {
		name     string
		from, to time.Time
		sloIDs   []string
		want     []int64
	}{
		{"a range over both lists both, newest first", at0, at0.Add(time.Hour), nil, []int64{second, first}},
		{"a range after the resolution lists only the open one", at0.Add(15 * time.Minute), at0.Add(time.Hour), nil, []int64{second}},
		{"a range before the reopening lists only the first", at0, at0.Add(20 * time.Minute), []string{"api/avail"}, []int64{first}},
		{"another SLO lists none", at0, at0.Add(time.Hour), []string{"web/latency"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			incs, err := store.ListIncidents(ctx, db.Pool, db.PluginSchema, tc.from, tc.to, tc.sloIDs)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, inc := range incs {
				ids = append(ids, inc.ID)
			}
			if len(ids) != len(tc.want) {
				t.Fatalf("incidents %v, want %v", ids, tc.want)
			}
			for i := range ids {
				if ids[i] != tc.want[i] {
					t.Errorf("incidents %v, want %v", ids, tc.want)
				}
			}
		})
	}
	incs, err := store.ListIncidents(ctx, db.Pool, db.PluginSchema, at0, at0.Add(time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if old := incs[1]; old.Status != "resolved" || !old.ResolvedAt.Equal(at0.Add(10*time.Minute)) || old.Title != "SLO violation: api avail" ||
		old.Severity != "critical" || old.AlertID != "api/avail/fast_burn" || !old.OpenedAt.Equal(at0) {
		t.Errorf("resolved incident %+v", old)
	}
}

func TestOpenOrJoinRecordsAJoiningAlertOnceAndRaisesTheSeverity(t *testing.T) {
	t.Parallel()
	db := migrated(t)
	ctx := context.Background()
	join := func(alertID, severity string, at time.Time) (int64, bool) {
		t.Helper()
		id, opened, err := store.OpenOrJoin(ctx, db.Pool, db.PluginSchema, "api/avail", alertID,
			"SLO violation: api avail", "burning", severity, at)
		if err != nil {
			t.Fatal(err)
		}
		return id, opened
	}
	first, opened := join("api/avail/slow_burn", "major", at0)
	if !opened {
		t.Fatal("first alert joined, want opened")
	}
	for i, tc := range []struct{ alert, severity string }{
		{"api/avail/fast_burn", "critical"},
		{"api/avail/fast_burn", "critical"}, // again: recorded once
		{"api/avail/budget", "warning"},     // lower: the severity stays
		{"api/avail/slow_burn", "major"},
	} {
		if id, opened := join(tc.alert, tc.severity, at0.Add(time.Duration(i+1)*time.Minute)); id != first || opened {
			t.Fatalf("join %d (%s): incident %d opened %v, want to join %d", i, tc.alert, id, opened, first)
		}
	}
	incs, err := store.ListIncidents(ctx, db.Pool, db.PluginSchema, at0, at0.Add(time.Hour), nil)
	if err != nil || len(incs) != 1 {
		t.Fatalf("incidents %+v, %v; want one", incs, err)
	}
	in := incs[0]
	if want := []string{"api/avail/slow_burn", "api/avail/fast_burn", "api/avail/budget"}; !slices.Equal(in.AlertIDs, want) {
		t.Errorf("alert ids %v, want %v", in.AlertIDs, want)
	}
	if in.Severity != "critical" || in.AlertID != "api/avail/slow_burn" || !in.OpenedAt.Equal(at0) {
		t.Errorf("incident %+v, want severity critical, opened by api/avail/slow_burn at %v", in, at0)
	}
	events, err := store.ListEvents(ctx, db.Pool, db.PluginSchema, first)
	if err != nil || len(events) != 1 || events[0].Kind != store.EventOpened {
		t.Errorf("timeline %+v, %v; want one opened event (escalations are the caller's)", events, err)
	}
}
