package backtest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/detector"
	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// replayConfig has the default rules on one SLO and a paging single-window rule on another,
// so the history below gives pages, warnings, suppressions, a budget alert and incidents.
const replayConfig = `
alert_rules:
  blip:
    type: burn_rate
    burn_rate: 1
    long_window: 10m
    short_window: 10m
    for: 3m
    severity: critical
    channels: [pager]
    opens_incident: true
services:
  payment_service:
    availability:
      sli_type: success_rate
      target: 99.9
      window: 30d
    strict:
      sli_type: success_rate
      target: 99
      window: 7d
      alert_rules: [blip]
`

// history is one test's database with 6 h of traffic at 300 requests a minute: a 20-minute
// total outage at minute 120 and 30 minutes of 10 % errors at minute 200.
type history struct {
	db    *storetest.DB
	cfg   *slo.Config
	start time.Time
}

func newHistory(t *testing.T) *history {
	t.Helper()
	db := storetest.New(t)
	db.CreateLogTables(t)
	if _, err := store.Migrate(context.Background(), db.Pool, db.PluginSchema); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	cfg, diags := slo.Parse([]byte(replayConfig))
	if diags.HasErrors() {
		t.Fatalf("config: %v", diags.Err())
	}
	h := &history{db: db, cfg: cfg, start: store.FloorMinute(time.Now()).Add(-7 * time.Hour)}
	db.Exec(t, `
		INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + m * interval '1 minute' + k * interval '200 millisecond', 'payment_service',
		       CASE WHEN m >= 120 AND m < 140 THEN 500
		            WHEN m >= 200 AND m < 230 AND k % 10 = 0 THEN 503
		            ELSE 200 END, 20
		FROM generate_series(0, 359) AS m CROSS JOIN generate_series(0, 299) AS k`, h.start)
	return h
}

func (h *history) engine(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := engine.New(h.db.Pool, engine.Options{Schema: h.db.PluginSchema, Config: h.cfg, ManualRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// transitionKey is what the detector records of a transition, as the report shows it.
func transitionKey(at time.Time, sloID, rule, severity, state string, notify bool) string {
	return fmt.Sprintf("%s %s/%s %s %s notify=%v", at.UTC().Format(time.RFC3339), sloID, rule, severity, state, notify)
}

func TestReplayTakesTheLiveDetectorsDecisionsAndWritesNoDetectionState(t *testing.T) {
	h := newHistory(t)
	ctx := context.Background()
	from, to := h.start.Add(60*time.Minute), h.start.Add(330*time.Minute)

	rep, err := Run(ctx, h.engine(t), h.cfg, Options{From: from, To: to, Step: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * 271; rep.Points != want {
		t.Errorf("points = %d, want %d (two SLOs, every minute of [from, to])", rep.Points, want)
	}
	transitions, err := store.ListTransitions(ctx, h.db.Pool, h.db.PluginSchema, from, to.Add(time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	incidents, err := store.ListIncidents(ctx, h.db.Pool, h.db.PluginSchema, from, to.Add(time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	outbox, err := store.ListOutbox(ctx, h.db.Pool, h.db.PluginSchema, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(transitions)+len(incidents)+len(outbox) != 0 {
		t.Fatalf("the replay wrote detection state: %d transitions, %d incidents, %d notifications",
			len(transitions), len(incidents), len(outbox))
	}

	// The live detector, cycle by cycle on an injected clock, over the same minutes.
	var now time.Time
	d, err := detector.New(detector.Options{Pool: h.db.Pool, Schema: h.db.PluginSchema, Config: h.cfg,
		Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for now = from; !now.After(to); now = now.Add(time.Minute) {
		if err := d.Cycle(ctx); err != nil {
			t.Fatalf("cycle at %s: %v", now, err)
		}
	}

	if transitions, err = store.ListTransitions(ctx, h.db.Pool, h.db.PluginSchema, from, to.Add(time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	var live, replayed []string
	for _, tr := range transitions {
		live = append(live, transitionKey(tr.At, tr.SLOID, tr.Rule, tr.Severity, tr.Kind, tr.Notify))
	}
	for _, tr := range rep.Transitions {
		replayed = append(replayed, transitionKey(tr.At, tr.Service+"/"+tr.SLO, tr.Rule, tr.Severity, tr.State, tr.Notify))
	}
	slices.Sort(live)
	slices.Sort(replayed)
	if !slices.Equal(live, replayed) {
		t.Fatalf("transitions differ\nlive:\n%v\nreplayed:\n%v", live, replayed)
	}
	// The history must exercise the machine, not compare two empty lists.
	for _, want := range []struct{ rule, state string }{
		{"fast_burn", "firing"}, {"fast_burn", "resolved"}, {"slow_burn", "firing"}, {"budget_exhaustion", "firing"}, {"blip", "firing"},
	} {
		if !slices.ContainsFunc(rep.Transitions, func(tr Transition) bool { return tr.Rule == want.rule && tr.State == want.state }) {
			t.Errorf("no %s %s transition in the replay:\n%v", want.rule, want.state, replayed)
		}
	}

	t.Logf("%d transitions, live and replayed:\n%v", len(live), live)
	if outbox, err = store.ListOutbox(ctx, h.db.Pool, h.db.PluginSchema, ""); err != nil {
		t.Fatal(err)
	}
	var liveN, replayedN []string
	for _, o := range outbox {
		liveN = append(liveN, o.DedupKey+" "+o.Channel)
	}
	for _, n := range rep.Notifications {
		replayedN = append(replayedN, n.DedupKey+" "+n.Channel)
	}
	slices.Sort(liveN)
	slices.Sort(replayedN)
	if len(liveN) == 0 || !slices.Equal(liveN, replayedN) {
		t.Errorf("notifications differ\nlive:\n%v\nreplayed:\n%v", liveN, replayedN)
	}

	if incidents, err = store.ListIncidents(ctx, h.db.Pool, h.db.PluginSchema, from, to.Add(time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	var liveI, replayedI []string
	for _, in := range incidents {
		liveI = append(liveI, fmt.Sprintf("%s %s %s %s", in.SLOID, in.Severity, in.OpenedAt.UTC().Format(time.RFC3339), in.ResolvedAt.UTC().Format(time.RFC3339)))
	}
	for _, in := range rep.Incidents {
		replayedI = append(replayedI, fmt.Sprintf("%s/%s %s %s %s", in.Service, in.SLO, in.Severity, in.OpenedAt.UTC().Format(time.RFC3339), in.ResolvedAt.UTC().Format(time.RFC3339)))
	}
	slices.Sort(liveI)
	slices.Sort(replayedI)
	if len(liveI) == 0 || !slices.Equal(liveI, replayedI) {
		t.Errorf("incidents differ\nlive:\n%v\nreplayed:\n%v", liveI, replayedI)
	}
}

func TestCompareGivesTheReportsOfEachRuleSetAlone(t *testing.T) {
	h := newHistory(t)
	ctx := context.Background()
	eng := h.engine(t)
	naive, err := Naive()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{From: h.start.Add(60 * time.Minute), To: h.start.Add(330 * time.Minute), Step: time.Minute}
	naiveSet := RuleSet{Name: NaiveName, Rules: naive}

	both, err := Compare(ctx, eng, h.cfg, opts, RuleSet{}, naiveSet)
	if err != nil {
		t.Fatal(err)
	}
	config, err := Run(ctx, eng, h.cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := Compare(ctx, eng, h.cfg, opts, naiveSet)
	if err != nil {
		t.Fatal(err)
	}
	if len(both) != 2 || len(alone) != 1 {
		t.Fatalf("%d reports of two sets, %d of one", len(both), len(alone))
	}
	for i, want := range []Report{config, alone[0]} {
		if !reflect.DeepEqual(both[i], want) {
			t.Errorf("set %d (%s) compared differs from its replay alone\ncompared: %+v\nalone:    %+v", i, want.RuleSet, both[i], want)
		}
	}
	// The comparison must exercise both sets, not compare empty reports.
	if config.RuleSet != ConfigName || len(config.Transitions) == 0 || alone[0].RuleSet != NaiveName || len(alone[0].Transitions) == 0 {
		t.Errorf("config: %q with %d transitions, naive: %q with %d", config.RuleSet, len(config.Transitions),
			alone[0].RuleSet, len(alone[0].Transitions))
	}
	if want := 2 * 271; both[0].Points != want || both[1].Points != want {
		t.Errorf("points = %d and %d, want %d each", both[0].Points, both[1].Points, want)
	}
}
