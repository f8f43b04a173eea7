package detector

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http/httptest"
	netmail "net/mail"
	"sync"
	"testing"
	"time"

	sasl "github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
)

const (
	smtpUser     = "sloguard"
	smtpPassword = "smtp-p4ssw0rd-secret"
)

// mailMsg is one message as the SMTP server got it.
type mailMsg struct {
	from      string
	rcpts     []string
	data      []byte
	authOnTLS bool
}

// smtpBackend is an in-process SMTP server (github.com/emersion/go-smtp) storing messages.
// It accepts AUTH PLAIN with smtpUser/smtpPassword, over TLS only.
type smtpBackend struct {
	mu   sync.Mutex
	msgs []mailMsg
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{b: b, c: c}, nil
}

func (b *smtpBackend) received() []mailMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]mailMsg(nil), b.msgs...)
}

type smtpSession struct {
	b   *smtpBackend
	c   *smtp.Conn
	cur mailMsg
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != smtpUser || pass != smtpPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		_, tlsOn := s.c.TLSConnectionState()
		s.cur.authOnTLS = tlsOn
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.rcpts = append(s.cur.rcpts, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
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

func (s *smtpSession) Reset()        { s.cur = mailMsg{authOnTLS: s.cur.authOnTLS} }
func (s *smtpSession) Logout() error { return nil }

// startSMTP serves b on 127.0.0.1 with STARTTLS (httptest's certificate, valid for
// 127.0.0.1) and returns the port and a pool trusting the certificate. AUTH is refused
// before STARTTLS (AllowInsecureAuth false).
func startSMTP(t *testing.T, b *smtpBackend) (int, *x509.CertPool) {
	t.Helper()
	hs := httptest.NewTLSServer(nil)
	pool := x509.NewCertPool()
	pool.AddCert(hs.Certificate())
	certs := hs.TLS.Certificates
	hs.Close()
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.TLSConfig = &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port, pool
}

// mailParts parses a received message: its header, decoded subject and body parts by
// media type (multipart/alternative expected).
func mailParts(t *testing.T, data []byte) (netmail.Header, string, map[string]string) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	bodies := map[string]string{}
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
	return m.Header, subject, bodies
}
