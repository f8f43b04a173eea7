package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http/httptest"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sasl "github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/slo"
)

const (
	testUser     = "sloguard"
	testPassword = "smtp-p4ssw0rd-secret"
)

// received is one message as the SMTP server got it.
type received struct {
	from      string
	rcpts     []string
	data      []byte
	authed    bool
	authOnTLS bool
}

// backend is an in-process SMTP server (github.com/emersion/go-smtp) that stores messages.
type backend struct {
	mu         sync.Mutex
	msgs       []received
	rejectTo   string // a recipient refused with rejectCode
	rejectCode int
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{b: b, c: c}, nil
}

type session struct {
	b   *backend
	c   *smtp.Conn
	cur received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != testUser || pass != testPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		_, tlsOn := s.c.TLSConnectionState()
		s.cur.authed, s.cur.authOnTLS = true, tlsOn
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.b.rejectTo {
		return &smtp.SMTPError{Code: s.b.rejectCode, EnhancedCode: smtp.EnhancedCode{s.b.rejectCode / 100, 1, 1}, Message: "no"}
	}
	s.cur.rcpts = append(s.cur.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = data
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{authed: s.cur.authed, authOnTLS: s.cur.authOnTLS} }
func (s *session) Logout() error { return nil }

// testTLS returns httptest's certificate (valid for 127.0.0.1) and a pool trusting it.
func testTLS(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	hs := httptest.NewTLSServer(nil)
	defer hs.Close()
	pool := x509.NewCertPool()
	pool.AddCert(hs.Certificate())
	return &tls.Config{Certificates: hs.TLS.Certificates, MinVersion: tls.VersionTLS12}, pool
}

// startSMTP serves b on 127.0.0.1; implicit wraps the listener in TLS (SMTPS), otherwise
// STARTTLS is offered when tlsCfg is set. Auth is only allowed over TLS (AllowInsecureAuth
// false), so a test passing with a password proves the credentials went over TLS.
func startSMTP(t *testing.T, b *backend, tlsCfg *tls.Config, implicit bool) int {
	t.Helper()
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", tlsCfg)
	} else {
		srv.TLSConfig = tlsCfg
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

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

// parts returns the message's subject and its body parts by media type.
func parts(t *testing.T, data []byte) (subject string, bodies map[string]string) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	bodies = map[string]string{}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, _ := io.ReadAll(p) // quoted-printable is decoded by multipart
		bodies[pt] = string(b)
	}
	return subject, bodies
}

func TestSendsMultipartMessageOverSTARTTLSWithAuth(t *testing.T) {
	b := &backend{}
	serverTLS, pool := testTLS(t)
	port := startSMTP(t, b, serverTLS, false)
	n, err := New(Config{Host: "127.0.0.1", Port: port, TLS: StartTLS, RootCAs: pool,
		Username: testUser, Password: testPassword, From: "sloguard@example.com",
		To: []string{"oncall@example.com", "sre@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	msg := firing()
	msg.SLIType, msg.CurrentSLI, msg.Objective, msg.ThresholdMS = slo.Latency, 0.9, 0.95, 200
	if retry, err := n.Notify(context.Background(), msg); err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.msgs) != 1 {
		t.Fatalf("%d messages received, want 1", len(b.msgs))
	}
	got := b.msgs[0]
	if !got.authed || !got.authOnTLS {
		t.Errorf("authed=%v over TLS=%v, want both", got.authed, got.authOnTLS)
	}
	slices.Sort(got.rcpts)
	if got.from != "sloguard@example.com" || !slices.Equal(got.rcpts, []string{"oncall@example.com", "sre@example.com"}) {
		t.Errorf("envelope from %q to %v", got.from, got.rcpts)
	}
	subject, bodies := parts(t, got.data)
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
	b := &backend{}
	serverTLS, pool := testTLS(t)
	port := startSMTP(t, b, serverTLS, true)
	n, err := New(Config{Host: "127.0.0.1", Port: port, TLS: ImplicitTLS, RootCAs: pool,
		Username: testUser, Password: testPassword, From: "sloguard@example.com", To: []string{"oncall@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if retry, err := n.Notify(context.Background(), firing()); err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.msgs) != 1 || !b.msgs[0].authOnTLS {
		t.Errorf("messages %d, want 1 authenticated over TLS", len(b.msgs))
	}
}

func TestPlainRelayWithoutAuth(t *testing.T) {
	b := &backend{}
	port := startSMTP(t, b, nil, false)
	n, err := New(Config{Host: "127.0.0.1", Port: port, TLS: NoTLS, From: "sloguard@example.com", To: []string{"oncall@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if retry, err := n.Notify(context.Background(), firing()); err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
}

func TestMandatorySTARTTLSRefusesServerWithoutIt(t *testing.T) {
	b := &backend{}
	port := startSMTP(t, b, nil, false)
	n, _ := New(Config{Host: "127.0.0.1", Port: port, TLS: StartTLS, Username: testUser, Password: testPassword,
		From: "sloguard@example.com", To: []string{"oncall@example.com"}})
	if _, err := n.Notify(context.Background(), firing()); err == nil {
		t.Fatal("sent without STARTTLS")
	} else if strings.Contains(err.Error(), testPassword) {
		t.Errorf("error leaks the password: %v", err)
	}
	if len(b.msgs) != 0 {
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
			b := &backend{rejectTo: "gone@example.com", rejectCode: tt.code}
			port := startSMTP(t, b, nil, false)
			n, _ := New(Config{Host: "127.0.0.1", Port: port, TLS: NoTLS, From: "sloguard@example.com", To: []string{"gone@example.com"}})
			retry, err := n.Notify(context.Background(), firing())
			if err == nil || retry != tt.wantRetry {
				t.Errorf("Notify = %v, %v; want retry %v", retry, err, tt.wantRetry)
			}
		})
	}
}

func TestWrongPasswordDoesNotRetryOrLeak(t *testing.T) {
	b := &backend{}
	serverTLS, pool := testTLS(t)
	port := startSMTP(t, b, serverTLS, false)
	n, _ := New(Config{Host: "127.0.0.1", Port: port, RootCAs: pool, Username: testUser, Password: "wrong-secret-pw",
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
	c.Username, c.Password = "u", testPassword
	if s := fmt.Sprintf("%s %+v", c, c); strings.Contains(s, testPassword) {
		t.Errorf("config printed the password: %s", s)
	}
}
