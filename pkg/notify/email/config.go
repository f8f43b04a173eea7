package email

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
)

// TLSMode is how the SMTP connection is encrypted.
type TLSMode string

// TLS modes.
const (
	// StartTLS upgrades a plain connection with STARTTLS and fails when the server does not
	// offer it (the default).
	StartTLS TLSMode = "starttls"
	// StartTLSOpportunistic uses STARTTLS when offered and continues in plain text otherwise.
	StartTLSOpportunistic TLSMode = "starttls_opportunistic"
	// ImplicitTLS connects with TLS from the first byte (SMTPS, RFC 8314).
	ImplicitTLS TLSMode = "tls"
	// NoTLS never encrypts; only for local relays.
	NoTLS TLSMode = "none"
)

// Default ports (RFC 8314 section 3.3 for submissions; 25 for relays).
const (
	DefaultStartTLSPort = 587
	DefaultTLSPort      = 465
	DefaultPlainPort    = 25
)

// DefaultTimeout bounds one delivery attempt.
const DefaultTimeout = 15 * time.Second

// Config configures the email integration.
type Config struct {
	Host string
	// Port; 0 picks the default of the TLS mode.
	Port int
	// TLS is the encryption mode; "" means StartTLS.
	TLS TLSMode
	// RootCAs verifies the server certificate; nil uses the system pool.
	RootCAs *x509.CertPool
	// Username and Password enable SMTP AUTH (the best mechanism the server offers); both or
	// neither. Password is secret.
	Username string
	Password notify.Secret
	From     string
	To       []string
	// Timeout bounds one attempt; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Validate names the first invalid field.
func (c Config) Validate() error {
	if err := notify.Required("email", "host", c.Host); err != nil {
		return err
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("email: port %d is out of range", c.Port)
	}
	switch c.TLS {
	case "", StartTLS, StartTLSOpportunistic, ImplicitTLS, NoTLS:
	default:
		return fmt.Errorf("email: tls %q is not one of starttls, starttls_opportunistic, tls, none", c.TLS)
	}
	if (c.Username == "") != (c.Password == "") {
		return errors.New("email: username and password must be set together")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("email: from %q is not an address", c.From)
	}
	if len(c.To) == 0 {
		return errors.New("email: to is required")
	}
	for i, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("email: to[%d] %q is not an address", i, to)
		}
	}
	if c.Timeout < 0 {
		return errors.New("email: timeout must not be negative")
	}
	return nil
}

// port returns the configured port or the TLS mode's default.
func (c Config) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.TLS == ImplicitTLS:
		return DefaultTLSPort
	case c.TLS == NoTLS:
		return DefaultPlainPort
	}
	return DefaultStartTLSPort
}

// String prints the config with its secrets redacted.
func (c Config) String() string {
	return fmt.Sprintf("email.Config{Host:%q Port:%d TLS:%q Username:%q Password:%s From:%q To:[%s] Timeout:%s}",
		c.Host, c.Port, c.TLS, c.Username, c.Password, c.From, strings.Join(c.To, ", "), c.Timeout)
}
