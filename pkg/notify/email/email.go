// Package email sends SLOGuard notifications over SMTP (STARTTLS, implicit TLS or plain, with
// optional AUTH) as multipart text and HTML messages, using github.com/wneessen/go-mail.
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"

	mail "github.com/wneessen/go-mail"

	"github.com/sloguard/sloguard/pkg/notify"
)

// Notifier sends messages by email. It is safe for concurrent use: each Notify dials its own
// connection.
type Notifier struct {
	cfg Config
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg and returns a Notifier.
func New(cfg Config) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.To = append([]string(nil), cfg.To...)
	return &Notifier{cfg: cfg}, nil
}

// Notify implements notify.Notifier: one message to every recipient. SMTP 4yz replies and
// transport errors retry; 5yz replies (unknown recipient, authentication failed) do not.
func (n *Notifier) Notify(ctx context.Context, msg notify.Message) (bool, error) {
	if err := msg.Validate(); err != nil {
		return false, fmt.Errorf("email: %w", err)
	}
	m, err := n.build(msg)
	if err != nil {
		return false, fmt.Errorf("email: build message: %v: %w", notify.Redact(err, n.cfg.Password), notify.ErrPermanent)
	}
	client, err := mail.NewClient(n.cfg.Host, n.options()...)
	if err != nil {
		return false, fmt.Errorf("email: client: %v: %w", notify.Redact(err, n.cfg.Password), notify.ErrPermanent)
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		code := replyCode(err)
		retry := notify.RetryableSMTP(code, err)
		return retry, fmt.Errorf("email: send to %s:%d: %w", n.cfg.Host, n.cfg.port(), notify.Redact(err, n.cfg.Password))
	}
	return false, nil
}

func (n *Notifier) options() []mail.Option {
	timeout := n.cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	opts := []mail.Option{
		mail.WithPort(n.cfg.port()),
		mail.WithTimeout(timeout),
		mail.WithTLSConfig(&tls.Config{ServerName: n.cfg.Host, RootCAs: n.cfg.RootCAs, MinVersion: tls.VersionTLS12}),
	}
	switch n.cfg.TLS {
	case ImplicitTLS:
		opts = append(opts, mail.WithSSL())
	case StartTLSOpportunistic:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case NoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if n.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(n.cfg.Username), mail.WithPassword(n.cfg.Password.Reveal()))
	}
	return opts
}

func (n *Notifier) build(msg notify.Message) (*mail.Msg, error) {
	text, err := TextBody(msg)
	if err != nil {
		return nil, err
	}
	html, err := HTMLBody(msg)
	if err != nil {
		return nil, err
	}
	m := mail.NewMsg()
	if err := m.From(n.cfg.From); err != nil {
		return nil, err
	}
	if err := m.To(n.cfg.To...); err != nil {
		return nil, err
	}
	m.Subject(Subject(msg))
	if msg.Timestamp.IsZero() {
		m.SetDate()
	} else {
		m.SetDateWithValue(msg.Timestamp)
	}
	m.SetMessageID()
	m.SetBodyString(mail.TypeTextPlain, text)
	m.AddAlternativeString(mail.TypeTextHTML, html)
	return m, nil
}

// replyCode extracts the SMTP reply code of err, 0 when the server did not answer with one.
func replyCode(err error) int {
	var se *mail.SendError
	if errors.As(err, &se) && se.ErrorCode() > 0 {
		return se.ErrorCode()
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}
