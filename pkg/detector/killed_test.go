package detector

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/slack"
	"github.com/sloguard/sloguard/pkg/store"
)

// twoSLOConfig has two SLOs that burn on the same outage and fire in the same cycle.
const twoSLOConfig = `
services:
  payment_service:
    availability:
      sli_type: success_rate
      target: 99.9
      window: 30d
      alert_rules: [fast_burn]
    errors:
      sli_type: success_rate
      target: 99.5
      window: 7d
      alert_rules: [fast_burn]
`

func TestKilledMidCycleAndMidSendSendsEachNotificationOnceAndLosesNothing(t *testing.T) {
	e := newEnv(t)
	useConfig(t, e, twoSLOConfig)
	// Slack blocks its first request until the client goes away; then it records normally.
	var (
		blockMu sync.Mutex
		blocked bool
	)
	entered, release := make(chan struct{}), make(chan struct{})
	v := &vendor{ok: http.StatusOK}
	v.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		blockMu.Lock()
		first := !blocked
		blocked = true
		blockMu.Unlock()
		if first {
			close(entered)
			select { // the sender is killed: nothing accepted
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		v.ServeHTTP(w, r)
	}))
	t.Cleanup(v.srv.Close)
	t.Cleanup(func() { close(release) })
	e.slack = v
	sn, err := slack.New(slack.Config{WebhookURL: notify.Secret(v.srv.URL + "/services/T000/B000/SECRETSECRET")})
	if err != nil {
		t.Fatal(err)
	}
	e.notifiers["slack"] = sn
	e.outage(t)

	// Detector 1 is killed in the middle of a cycle: right after the first SLO's
	// transaction committed its firing, before the second SLO is evaluated.
	ctx1, kill1 := context.WithCancel(context.Background())
	defer kill1()
	log1 := &recLogger{hook: func(msg string, kv []any) {
		if msg == "detector: alert transition" && containsKV(kv, "kind", "firing") {
			kill1()
		}
	}}
	d1 := e.detector(t, func(o *Options) { o.Logger = log1 })
	killedAt := 0
	for m := 115; m <= 130 && killedAt == 0; m++ {
		e.at(m)
		err := d1.Cycle(ctx1)
		if ctx1.Err() != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("killed cycle returned %v, want context.Canceled", err)
			}
			killedAt = m
			break
		}
		if err != nil {
			t.Fatalf("cycle at %d: %v", m, err)
		}
		if err := d1.Drain(ctx1); err != nil {
			t.Fatalf("drain at %d: %v", m, err)
		}
	}
	if killedAt == 0 {
		t.Fatal("no firing transition: detector 1 was never killed")
	}
	firing := map[string]bool{}
	for _, r := range outboxRows(t, e) {
		firing[r.SLOID] = true
	}
	if len(firing) != 1 {
		t.Fatalf("after the kill, outbox holds firings of %v, want exactly the first SLO's", firing)
	}

	// Detector 2 evaluates the second SLO, then is killed while Slack blocks a send.
	d2 := e.detector(t)
	e.at(killedAt + 1)
	if err := d2.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx2, kill2 := context.WithCancel(context.Background())
	drained := make(chan error, 1)
	go func() { drained <- d2.Drain(ctx2) }()
	<-entered
	kill2()
	if err := <-drained; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("killed drain returned %v", err)
	}

	// Detector 3 takes over (past the claim lease of the killed send) through recovery.
	d3 := e.detector(t)
	for m := killedAt + 2; m <= 150; m++ {
		e.tick(t, d3, m)
	}

	rows := outboxRows(t, e)
	if len(rows) != 8 {
		t.Errorf("%d outbox rows, want 8 (2 SLOs x firing/resolved x pager/slack)", len(rows))
	}
	for _, r := range rows {
		if r.State != store.OutboxDelivered {
			t.Errorf("outbox row %s/%s/%s is %s (%q)", r.DedupKey, r.Channel, r.Kind, r.State, r.LastError)
		}
	}
	pd := map[string]int{}
	for _, ev := range e.pager.received() {
		pd[fmt.Sprint(ev["dedup_key"], " ", ev["event_action"])]++
	}
	sl := map[string]int{}
	for _, m := range e.slack.received() {
		text, _ := m["text"].(string)
		kind := "FIRING"
		if !strings.Contains(text, "FIRING") {
			kind = "RESOLVED"
		}
		slo := "availability"
		if strings.Contains(text, "payment_service errors") {
			slo = "errors"
		}
		sl[slo+" "+kind]++
	}
	if len(pd) != 4 || len(sl) != 4 {
		t.Errorf("distinct notifications: PagerDuty %v, Slack %v; want 4 each", pd, sl)
	}
	for k, n := range pd {
		if n != 1 {
			t.Errorf("PagerDuty %s received %d times", k, n)
		}
	}
	for k, n := range sl {
		if n != 1 {
			t.Errorf("Slack %s received %d times", k, n)
		}
	}
}

func containsKV(kv []any, key, val string) bool {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == key && fmt.Sprint(kv[i+1]) == val {
			return true
		}
	}
	return false
}
