package detector

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/notify/email/smtptest"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/email"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// emailConfig is testConfig with fast_burn also sent by email.
const emailConfig = testConfig + `
alert_rules:
  fast_burn:
    channels: [pager, slack, email]
`

// useConfig replaces the env's SLO config.
func useConfig(t *testing.T, e *env, yaml string) {
	t.Helper()
	cfg, diags := slo.Parse([]byte(yaml))
	if diags.HasErrors() {
		t.Fatalf("config: %v", diags.Err())
	}
	e.cfg = cfg
}

// addEmail adds an email notifier (STARTTLS, AUTH) for the SMTP server on port.
func addEmail(t *testing.T, e *env, port int, pool *x509.CertPool, password string) {
	t.Helper()
	en, err := email.New(email.Config{Host: "127.0.0.1", Port: port, TLS: email.StartTLS, RootCAs: pool,
		Username: smtptest.User, Password: notify.Secret(password), From: "sloguard@example.com",
		To: []string{"oncall@example.com"}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e.notifiers["email"] = en
}

func indentJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "    ", "  "); err != nil {
		t.Fatalf("indent %s: %v", raw, err)
	}
	return "    " + buf.String()
}

func TestOutageEmailsFiringAndResolvedOnceAlongsideSlackAndPagerDuty(t *testing.T) {
	e := newEnv(t)
	useConfig(t, e, emailConfig)
	smtpSrv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	addEmail(t, e, smtpSrv.Port, smtpSrv.RootCAs, smtptest.Password)
	e.outage(t)
	d := e.detector(t)
	for m := 115; m <= 150; m++ {
		e.tick(t, d, m)
	}

	mails := smtpSrv.Messages()
	if len(mails) != 2 {
		t.Fatalf("SMTP server received %d messages, want 2 (firing, resolved)", len(mails))
	}
	wantSubjects := []string{
		"[SLOGuard] FIRING critical: payment_service availability",
		"[SLOGuard] RESOLVED",
	}
	for i, m := range mails {
		if !m.AuthOnTLS {
			t.Errorf("mail %d: not authenticated over TLS", i)
		}
		if m.From != "sloguard@example.com" || len(m.Rcpts) != 1 || m.Rcpts[0] != "oncall@example.com" {
			t.Errorf("mail %d: envelope from %q to %v", i, m.From, m.Rcpts)
		}
		_, subject, bodies := smtptest.Parts(t, m.Data)
		if !strings.HasPrefix(subject, wantSubjects[i]) {
			t.Errorf("mail %d: subject %q, want prefix %q", i, subject, wantSubjects[i])
		}
		if !strings.Contains(bodies["text/plain"], "payment_service") {
			t.Errorf("mail %d: text/plain part missing or without the service:\n%s", i, bodies["text/plain"])
		}
		if !strings.Contains(bodies["text/html"], "<") || !strings.Contains(bodies["text/html"], "payment_service") {
			t.Errorf("mail %d: text/html part missing or without the service:\n%s", i, bodies["text/html"])
		}
		if strings.Contains(string(m.Data), smtptest.Password) {
			t.Errorf("mail %d carries the SMTP password", i)
		}
	}
	if n, p := len(e.slack.received()), len(e.pager.received()); n != 2 || p != 2 {
		t.Errorf("Slack %d, PagerDuty %d, want 2 each", n, p)
	}
	for _, r := range outboxRows(t, e) {
		if r.State != store.OutboxDelivered || r.Attempts != 1 {
			t.Errorf("outbox row %s/%s/%s: %s after %d attempts, want delivered after 1", r.DedupKey, r.Channel, r.Kind, r.State, r.Attempts)
		}
	}

	// The three payloads of the FIRING notification, as received by the test servers.
	slackRaw, pagerRaw := e.slack.rawReceived(), e.pager.rawReceived()
	if len(slackRaw) == 0 || len(pagerRaw) == 0 {
		t.Fatal("no Slack or PagerDuty payload recorded")
	}
	hdr, _, bodies := smtptest.Parts(t, mails[0].Data)
	var mail strings.Builder
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type"} {
		if v := hdr.Get(k); v != "" {
			fmt.Fprintf(&mail, "    %s: %s\n", k, v)
		}
	}
	mail.WriteString("    \n    --- text/plain part ---\n")
	for _, line := range strings.Split(strings.TrimRight(bodies["text/plain"], "\r\n"), "\n") {
		mail.WriteString("    " + strings.TrimRight(line, "\r") + "\n")
	}
	t.Logf("FIRING notification as received by the test servers\n\n"+
		"== Slack webhook JSON ==\n%s\n\n== PagerDuty Events v2 JSON ==\n%s\n\n== Email (headers + text part) ==\n%s",
		indentJSON(t, slackRaw[0]), indentJSON(t, pagerRaw[0]), mail.String())
}
