package detector

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/slack"
	"github.com/sloguard/sloguard/pkg/store"
)

func TestOutagePagesOnceAndResolvesOnceWithAnIncident(t *testing.T) {
	e := newEnv(t)
	e.outage(t)
	d := e.detector(t)
	var firedAt, resolvedAt int
	for m := 110; m <= 170; m++ {
		e.tick(t, d, m)
		if firedAt == 0 && len(e.pager.received()) == 1 {
			firedAt = m
		}
		if resolvedAt == 0 && len(e.pager.received()) == 2 {
			resolvedAt = m
		}
	}
	// 100 % errors at 99.9 %: both windows cross 14.4x within the first minute, then `for` 2m.
	if firedAt < 121 || firedAt > 124 {
		t.Errorf("paged at minute %d, want 121..124 (outage from 120, for 2m)", firedAt)
	}
	// Recovery at 140: the 5m window falls under the threshold within ~5 minutes.
	if resolvedAt < 141 || resolvedAt > 147 {
		t.Errorf("resolved at minute %d, want 141..147 (recovery from 140)", resolvedAt)
	}

	pd := e.pager.received()
	if len(pd) != 2 {
		t.Fatalf("PagerDuty received %d events, want 2 (trigger, resolve): %v", len(pd), pd)
	}
	for i, want := range []string{"trigger", "resolve"} {
		if pd[i]["event_action"] != want || pd[i]["dedup_key"] != testAlertID || pd[i]["routing_key"] != routingKey {
			t.Errorf("PagerDuty event %d = action %v dedup_key %v, want %s %s", i, pd[i]["event_action"], pd[i]["dedup_key"], want, testAlertID)
		}
	}
	if payload, _ := pd[0]["payload"].(map[string]any); payload == nil || payload["severity"] != "critical" ||
		!strings.Contains(payload["summary"].(string), "payment_service") {
		t.Errorf("PagerDuty trigger payload = %v, want critical severity and a summary naming the service", pd[0]["payload"])
	}

	sl := e.slack.received()
	if len(sl) != 2 {
		t.Fatalf("Slack received %d messages, want 2 (firing, resolved)", len(sl))
	}
	for i, want := range []string{"FIRING critical: payment_service availability", "RESOLVED"} {
		text, _ := sl[i]["text"].(string)
		if !strings.Contains(text, want) {
			t.Errorf("Slack message %d text = %q, want it to contain %q", i, text, want)
		}
		if blocks, _ := sl[i]["blocks"].([]any); len(blocks) == 0 {
			t.Errorf("Slack message %d has no blocks", i)
		}
	}

	ctx := context.Background()
	incs, err := store.ListIncidents(ctx, e.db.Pool, e.db.PluginSchema, e.start, e.start.Add(4*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1", len(incs))
	}
	in := incs[0]
	if in.Status != "resolved" || in.AlertID != testAlertID || in.Title != "SLO violation: payment_service availability" {
		t.Errorf("incident = %+v", in)
	}
	if !strings.Contains(in.Description, "Current SLI:") {
		t.Errorf("incident description = %q", in.Description)
	}
	events, err := store.ListEvents(ctx, e.db.Pool, e.db.PluginSchema, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, ev := range events {
		kinds[ev.Kind]++
	}
	if kinds[store.EventOpened] != 1 || kinds[store.EventResolved] != 1 || kinds[store.EventNotificationSent] != 4 {
		t.Errorf("timeline kinds = %v, want opened 1, notification_sent 4 (2 channels x fire/resolve), resolved 1", kinds)
	}
	for _, r := range outboxRows(t, e) {
		if r.State != store.OutboxDelivered {
			t.Errorf("outbox row %s/%s is %s", r.DedupKey, r.Channel, r.State)
		}
		if strings.Contains(string(r.Payload), "SECRETSECRET") || strings.Contains(string(r.Payload), routingKey) {
			t.Errorf("outbox payload carries a secret: %s", r.Payload)
		}
	}
}

func TestSteadyFiringAndRestartsSendNoDuplicate(t *testing.T) {
	e := newEnv(t)
	e.traffic(t, 0, 120, 1000, false)
	e.traffic(t, 120, 180, 1000, true) // an outage that lasts
	d1 := e.detector(t)
	for m := 115; m <= 140; m++ {
		e.tick(t, d1, m)
	}
	if n, p := len(e.slack.received()), len(e.pager.received()); n != 1 || p != 1 {
		t.Fatalf("after the firing: Slack %d, PagerDuty %d, want 1 each", n, p)
	}
	// A restart: a new detector on the same schema resumes the firing alert.
	d2 := e.detector(t)
	e.tick(t, d2, 140) // the same instant again
	for m := 141; m <= 160; m++ {
		e.tick(t, d2, m)
	}
	if n, p := len(e.slack.received()), len(e.pager.received()); n != 1 || p != 1 {
		t.Errorf("after steady firing and a restart: Slack %d, PagerDuty %d, want 1 each", n, p)
	}
	incs, err := store.ListIncidents(context.Background(), e.db.Pool, e.db.PluginSchema, e.start, e.start.Add(4*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != 1 || incs[0].Status != "open" {
		t.Errorf("incidents = %+v, want one open", incs)
	}
}

func TestCrashBetweenCycleAndDrainLosesNothingAndSendsOnce(t *testing.T) {
	e := newEnv(t)
	e.outage(t)
	d1 := e.detector(t)
	ctx := context.Background()
	// d1 evaluates (queues the firing) but dies before draining.
	for m := 115; m <= 126; m++ {
		e.at(m)
		if err := d1.Cycle(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.slack.received()) + len(e.pager.received()); n != 0 {
		t.Fatalf("%d sent before any drain", n)
	}
	d2 := e.detector(t)
	for m := 126; m <= 130; m++ {
		e.tick(t, d2, m)
	}
	if n, p := len(e.slack.received()), len(e.pager.received()); n != 1 || p != 1 {
		t.Errorf("after the restart: Slack %d, PagerDuty %d, want 1 each", n, p)
	}
}

// slackWith replaces the env's Slack server by one answering codes, then okCode.
func slackWith(t *testing.T, e *env, okCode int, codes ...int) {
	t.Helper()
	e.slack = newVendor(t, okCode, codes...)
	sn, err := slack.New(slack.Config{WebhookURL: notify.Secret(e.slack.srv.URL + "/services/T000/B000/SECRETSECRET")})
	if err != nil {
		t.Fatal(err)
	}
	e.notifiers["slack"] = sn
}

func slackRows(t *testing.T, e *env) []store.OutboxRow {
	var out []store.OutboxRow
	for _, r := range outboxRows(t, e) {
		if r.Channel == "slack" {
			out = append(out, r)
		}
	}
	return out
}

func TestSlackServerErrorIsRetriedAndDeliveredOnce(t *testing.T) {
	e := newEnv(t)
	e.outage(t)
	slackWith(t, e, http.StatusOK, http.StatusInternalServerError)
	d := e.detector(t)
	for m := 115; m <= 130; m++ {
		e.tick(t, d, m)
	}
	if hits, got := e.slack.hitCount(), len(e.slack.received()); hits != 2 || got != 1 {
		t.Errorf("Slack hits %d, delivered %d, want 2 attempts and 1 delivery", hits, got)
	}
	rows := slackRows(t, e)
	if len(rows) != 1 || rows[0].State != store.OutboxDelivered || rows[0].Attempts != 2 {
		t.Fatalf("slack rows = %+v, want one delivered after 2 attempts", rows)
	}
	if strings.Contains(rows[0].LastError, "SECRETSECRET") {
		t.Errorf("recorded error leaks the webhook: %q", rows[0].LastError)
	}
}

func TestSlackClientErrorIsMarkedFailedAndNotRetried(t *testing.T) {
	e := newEnv(t)
	e.outage(t)
	slackWith(t, e, http.StatusBadRequest)
	d := e.detector(t)
	for m := 115; m <= 135; m++ {
		e.tick(t, d, m)
	}
	if hits := e.slack.hitCount(); hits != 1 {
		t.Errorf("Slack was called %d times, want 1 (a 400 is permanent)", hits)
	}
	rows := slackRows(t, e)
	if len(rows) != 1 || rows[0].State != store.OutboxFailed || rows[0].LastError == "" {
		t.Fatalf("slack rows = %+v, want one failed with a reason", rows)
	}
	if strings.Contains(rows[0].LastError, "SECRETSECRET") {
		t.Errorf("failure reason leaks the webhook: %q", rows[0].LastError)
	}
	st, err := store.CountOutbox(context.Background(), e.db.Pool, e.db.PluginSchema)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failed != 1 {
		t.Errorf("CountOutbox = %+v, want 1 failed", st)
	}
	if p := len(e.pager.received()); p != 1 {
		t.Errorf("PagerDuty received %d, want 1 (the other channel is unaffected)", p)
	}
}

func TestUnknownChannelIsMarkedFailed(t *testing.T) {
	e := newEnv(t)
	e.outage(t)
	delete(e.notifiers, "pager")
	d := e.detector(t)
	for m := 115; m <= 126; m++ {
		e.tick(t, d, m)
	}
	for _, r := range outboxRows(t, e) {
		if r.Channel == "pager" && (r.State != store.OutboxFailed || !strings.Contains(r.LastError, "no notifier")) {
			t.Errorf("pager row = %s %q, want failed: no notifier", r.State, r.LastError)
		}
	}
	if n := len(e.slack.received()); n != 1 {
		t.Errorf("Slack received %d, want 1", n)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTwoDetectorsElectOneLeaderAndSendEachNotificationOnce(t *testing.T) {
	e := newEnv(t)
	e.outage(t)
	e.at(110)
	fast := func(o *Options) { o.Interval = 20 * time.Millisecond }
	ds := []*Detector{e.detector(t, fast), e.detector(t, fast)}
	cancels := make([]context.CancelFunc, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		wg.Go(func() {
			if err := d.Run(ctx); err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	defer func() {
		for _, c := range cancels {
			c()
		}
		wg.Wait()
	}()
	leaders := func() (n, idx int) {
		for i, d := range ds {
			if d.Status().Leader {
				n++
				idx = i
			}
		}
		return n, idx
	}
	waitFor(t, "a leader", func() bool { n, _ := leaders(); return n == 1 })

	for m := 110; m <= 160; m++ {
		e.at(m)
		time.Sleep(60 * time.Millisecond) // a few intervals per simulated minute
		if n, _ := leaders(); n > 1 {
			t.Fatalf("%d leaders at minute %d", n, m)
		}
	}
	waitFor(t, "every notification delivered", func() bool {
		return len(e.slack.received()) >= 2 && len(e.pager.received()) >= 2
	})
	time.Sleep(100 * time.Millisecond)
	if n, p := len(e.slack.received()), len(e.pager.received()); n != 2 || p != 2 {
		t.Errorf("Slack %d, PagerDuty %d, want 2 each (firing, resolved)", n, p)
	}
	_, leader := leaders()
	st := ds[leader].Status()
	if st.LastCycle.IsZero() || st.LastError != "" {
		t.Errorf("leader status = %+v", st)
	}
	if !ds[1-leader].Status().LastCycle.IsZero() {
		t.Errorf("the standby ran a cycle: %+v", ds[1-leader].Status())
	}

	// Failover: the leader stops, the standby takes over.
	cancels[leader]()
	waitFor(t, "the standby to take over", func() bool { return ds[1-leader].Status().Leader })
	if ds[leader].Status().Leader {
		t.Error("the stopped detector still reports leader")
	}
}
