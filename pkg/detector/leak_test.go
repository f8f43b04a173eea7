package detector

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/notify/email/smtptest"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/pagerduty"
	"github.com/sloguard/sloguard/pkg/notify/slack"
	"github.com/sloguard/sloguard/pkg/store"
)

// closedPort returns a 127.0.0.1 port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return port
}

func TestNoSecretInLogsStatusOrRecordedErrors(t *testing.T) {
	const (
		hookToken = "XoxWebhookT0kenSECRET"
		leakKey   = "fedcba9876543210fedcba9876543210"
	)
	tests := []struct {
		name string
		// setup installs failing notifiers and returns the secrets they hold.
		setup func(t *testing.T, e *env) []string
	}{
		{"server errors: Slack 500, PagerDuty 400, SMTP auth refused", func(t *testing.T, e *env) []string {
			e.slack = newVendor(t, http.StatusInternalServerError)
			e.pager = newVendor(t, http.StatusBadRequest)
			webhook := e.slack.srv.URL + "/services/T000/B000/" + hookToken
			sn, err := slack.New(slack.Config{WebhookURL: notify.Secret(webhook)})
			if err != nil {
				t.Fatal(err)
			}
			pn, err := pagerduty.New(pagerduty.Config{RoutingKey: leakKey, Endpoint: e.pager.srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			e.notifiers["slack"], e.notifiers["pager"] = sn, pn
			smtpSrv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
			const wrong = "wr0ng-smtp-p4ss-SECRET"
			addEmail(t, e, smtpSrv.Port, smtpSrv.RootCAs, wrong)
			return []string{webhook, hookToken, leakKey, wrong}
		}},
		{"closed ports", func(t *testing.T, e *env) []string {
			webhook := fmt.Sprintf("http://127.0.0.1:%d/services/T000/B000/%s", closedPort(t), hookToken)
			sn, err := slack.New(slack.Config{WebhookURL: notify.Secret(webhook)})
			if err != nil {
				t.Fatal(err)
			}
			pn, err := pagerduty.New(pagerduty.Config{RoutingKey: leakKey,
				Endpoint: fmt.Sprintf("http://127.0.0.1:%d/v2/enqueue", closedPort(t))})
			if err != nil {
				t.Fatal(err)
			}
			e.notifiers["slack"], e.notifiers["pager"] = sn, pn
			addEmail(t, e, closedPort(t), nil, smtptest.Password)
			return []string{webhook, hookToken, leakKey, smtptest.Password}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			useConfig(t, e, emailConfig)
			secrets := tt.setup(t, e)
			e.outage(t)
			log := &recLogger{}
			d := e.detector(t, func(o *Options) { o.Logger = log })
			for m := 118; m <= 128; m++ {
				e.tick(t, d, m)
			}
			// A few leader ticks through Run, where Status is recorded, with retries due.
			e.at(131)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			d.interval = 20 * time.Millisecond
			go func() {
				defer close(done)
				_ = d.Run(ctx)
			}()
			waitFor(t, "a leader cycle", func() bool { return !d.Status().LastCycle.IsZero() })
			time.Sleep(100 * time.Millisecond)
			cancel()
			<-done

			var texts []string
			texts = append(texts, log.all()...)
			texts = append(texts, "status: "+d.Status().LastError)
			rows := outboxRows(t, e)
			if len(rows) != 3 {
				t.Errorf("%d outbox rows, want 3 (firing on pager, slack, email)", len(rows))
			}
			for _, r := range rows {
				if r.State == store.OutboxDelivered || r.LastError == "" {
					t.Errorf("row %s/%s is %s with last_error %q, want a recorded failure", r.Channel, r.Kind, r.State, r.LastError)
				}
				texts = append(texts, fmt.Sprintf("outbox %s: %s", r.Channel, r.LastError), "payload: "+string(r.Payload))
			}
			incs, err := store.ListIncidents(context.Background(), e.db.Pool, e.db.PluginSchema, e.start, e.start.Add(4*time.Hour), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range incs {
				evs, err := store.ListEvents(context.Background(), e.db.Pool, e.db.PluginSchema, in.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range evs {
					texts = append(texts, "incident event: "+ev.Kind+" "+ev.Detail)
				}
			}
			failures := 0
			for _, s := range texts {
				if strings.Contains(s, "failed") || strings.Contains(s, "retried") {
					failures++
				}
				for _, sec := range secrets {
					if strings.Contains(s, sec) {
						t.Errorf("secret %q leaked in: %s", sec, s)
					}
				}
			}
			if failures == 0 {
				t.Errorf("no failure was logged or recorded; lines:\n%s", strings.Join(texts, "\n"))
			}
			if testing.Verbose() {
				for _, r := range rows {
					t.Logf("outbox %s: %s attempts %d last_error %q", r.Channel, r.State, r.Attempts, r.LastError)
				}
			}
		})
	}
}
