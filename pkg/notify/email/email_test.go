package email

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/email/smtptest"
	"github.com/sloguard/sloguard/pkg/slo"
)

func firing() notify.Message {
	return notify.Message{
		Kind: notify.KindFiring, AlertID: "payment_service/availability/fast_burn",
		Service: "payment_service", SLO: "availability", SLIType: slo.SuccessRate,
		Rule: "fast_burn", Severity: slo.AlertCritical, CurrentSLI: 0.985, Objective: 0.999,
		BudgetRemaining: 0.5, BurnRates: []notify.BurnRate{{Window: time.Hour, Rate: 15}},
		Description: "Checkout <errors> & timeouts", DashboardURL: "https://grafana.example/d/slo",
		Timestamp: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
}

func TestSendsMultipartMessageOverSTARTTLSWithAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	n, err := New(Config{Host: "127.0.0.1", Port: srv.Port, TLS: StartTLS, RootCAs: srv.RootCAs,
		Username: smtptest.User, Password: smtptest.Password, From: "sloguard@example.com",
		To: []string{"oncall@example.com", "sre@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	msg := firing()
	msg.SLIType, msg.CurrentSLI, msg.Objective, msg.ThresholdMS = slo.Latency, 0.9, 0.95, 200
	if retry, err := n.Notify(context.Background(), msg); err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages received, want 1", len(msgs))
	}
	got := msgs[0]
	if !got.Authed || !got.AuthOnTLS {
		t.Errorf("authed=%v over TLS=%v, want both", got.Authed, got.AuthOnTLS)
	}
	slices.Sort(got.Rcpts)
	if got.From != "sloguard@example.com" || !slices.Equal(got.Rcpts, []string{"oncall@example.com", "sre@example.com"}) {
		t.Errorf("envelope from %q to %v", got.From, got.Rcpts)
	}
	_, subject, bodies := smtptest.Parts(t, got.Data)
	if subject != "[SLOGuard] FIRING critical: payment_service availability" {
		t.Errorf("subject = %q", subject)
	}
	text, html := bodies["text/plain"], bodies["text/html"]
	for _, want := range []string{"90 % of requests within 200 ms", "95 % of requests within 200 ms", "Checkout <errors> & timeouts", "https://grafana.example/d/slo"} {
		if !strings.Contains(text, want) {
			t.Errorf("text/plain lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{"<table>", "90 % of requests within 200 ms", "Checkout &lt;errors&gt; &amp; timeouts", `href="https://grafana.example/d/slo"`} {
		if !strings.Contains(html, want) {
			t.Errorf("text/html lacks %q:\n%s", want, html)
		}
	}
}

func TestSendsOverImplicitTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.ImplicitTLS})
	n, err := New(Config{Host: "127.0.0.1", Port: srv.Port, TLS: ImplicitTLS, RootCAs: srv.RootCAs,
		Username: smtptest.User, Password: smtptest.Password, From: "sloguard@example.com", To: []string{"oncall@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if retry, err := n.Notify(context.Background(), firing()); err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || !msgs[0].AuthOnTLS {
		t.Errorf("messages %d, want 1 authenticated over TLS", len(msgs))
	}
}

func TestPlainRelayWithoutAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.NoTLS})
	n, err := New(Config{Host: "127.0.0.1", Port: srv.Port, TLS: NoTLS, From: "sloguard@example.com", To: []string{"oncall@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if retry, err := n.Notify(context.Background(), firing()); err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
}

func TestMandatorySTARTTLSRefusesServerWithoutIt(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.NoTLS})
	n, _ := New(Config{Host: "127.0.0.1", Port: srv.Port, TLS: StartTLS, Username: smtptest.User, Password: smtptest.Password,
		From: "sloguard@example.com", To: []string{"oncall@example.com"}})
	if _, err := n.Notify(context.Background(), firing()); err == nil {
		t.Fatal("sent without STARTTLS")
	} else if strings.Contains(err.Error(), smtptest.Password) {
		t.Errorf("error leaks the password: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message delivered in plain text")
	}
}

func TestSMTPRepliesMapToRetryDecisions(t *testing.T) {
	tests := []struct {
		name      string
		code      int
		wantRetry bool
	}{
		{"mailbox busy 450 retries", 450, true},
		{"unknown mailbox 550 does not retry", 550, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.NoTLS, RejectTo: "gone@example.com", RejectCode: tt.code})
			n, _ := New(Config{Host: "127.0.0.1", Port: srv.Port, TLS: NoTLS, From: "sloguard@example.com", To: []string{"gone@example.com"}})
			retry, err := n.Notify(context.Background(), firing())
			if err == nil || retry != tt.wantRetry {
				t.Errorf("Notify = %v, %v; want retry %v", retry, err, tt.wantRetry)
			}
		})
	}
}

func TestWrongPasswordDoesNotRetryOrLeak(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	n, _ := New(Config{Host: "127.0.0.1", Port: srv.Port, RootCAs: srv.RootCAs, Username: smtptest.User, Password: "wrong-secret-pw",
		From: "sloguard@example.com", To: []string{"oncall@example.com"}})
	retry, err := n.Notify(context.Background(), firing())
	if err == nil || retry {
		t.Fatalf("Notify = %v, %v; want a permanent error", retry, err)
	}
	if strings.Contains(err.Error(), "wrong-secret-pw") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestClosedPortRetries(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	n, _ := New(Config{Host: "127.0.0.1", Port: port, TLS: NoTLS, From: "a@example.com", To: []string{"b@example.com"}, Timeout: 2 * time.Second})
	retry, err := n.Notify(context.Background(), firing())
	if err == nil || !retry {
		t.Errorf("Notify = %v, %v; want a retryable error", retry, err)
	}
	if errors.Is(err, notify.ErrPermanent) {
		t.Error("transport error marked permanent")
	}
}

func TestConfigValidateNamesTheField(t *testing.T) {
	good := Config{Host: "smtp.example.com", From: "a@example.com", To: []string{"b@example.com"}}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"host is required", func(c *Config) { c.Host = "" }, "host"},
		{"port in range", func(c *Config) { c.Port = 70000 }, "port"},
		{"tls mode known", func(c *Config) { c.TLS = "ssl3" }, "tls"},
		{"username without password", func(c *Config) { c.Username = "u" }, "username and password"},
		{"from is an address", func(c *Config) { c.From = "nope" }, "from"},
		{"to is required", func(c *Config) { c.To = nil }, "to is required"},
		{"each recipient is an address", func(c *Config) { c.To = []string{"b@example.com", "bad"} }, "to[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
	if err := good.Validate(); err != nil {
		t.Errorf("good config: %v", err)
	}
	c := good
	c.Username, c.Password = "u", smtptest.Password
	if s := fmt.Sprintf("%s %+v", c, c); strings.Contains(s, smtptest.Password) {
		t.Errorf("config printed the password: %s", s)
	}
}
