// Package smtptest is an in-process SMTP server (github.com/emersion/go-smtp) on 127.0.0.1
// for tests, as net/http/httptest is for HTTP: it records every message, accepts AUTH PLAIN
// with User/Password over TLS only, and can refuse a recipient with a reply code.
package smtptest

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

// The credentials the server accepts.
const (
	User     = "sloguard"
	Password = "smtp-p4ssw0rd-secret"
)

// Mode is how the server offers TLS.
type Mode int

// The TLS modes: STARTTLS offered on a plain connection, TLS from the first byte (SMTPS),
// or no TLS at all.
const (
	StartTLS Mode = iota
	ImplicitTLS
	NoTLS
)

// Options configure a Server.
type Options struct {
	TLS Mode
	// RejectTo is a recipient refused with RejectCode (450 or 550, say).
	RejectTo   string
	RejectCode int
}

// Message is one message as the server got it.
type Message struct {
	From      string
	Rcpts     []string
	Data      []byte
	Authed    bool
	AuthOnTLS bool
}

// Server is a running test server.
type Server struct {
	// Port is the server's port on 127.0.0.1; RootCAs trusts its certificate (nil for NoTLS).
	Port    int
	RootCAs *x509.CertPool

	opts Options
	mu   sync.Mutex
	msgs []Message
}

// Start serves on 127.0.0.1 until the test ends. Its certificate is httptest's, valid for
// 127.0.0.1. AUTH is refused before TLS (AllowInsecureAuth false), so a delivery with a
// password proves the credentials went over TLS.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{opts: opts}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var tlsCfg *tls.Config
	if opts.TLS != NoTLS {
		hs := httptest.NewTLSServer(nil)
		s.RootCAs = x509.NewCertPool()
		s.RootCAs.AddCert(hs.Certificate())
		tlsCfg = &tls.Config{Certificates: hs.TLS.Certificates, MinVersion: tls.VersionTLS12}
		hs.Close()
	}
	var ln net.Listener
	var err error
	if opts.TLS == ImplicitTLS {
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
	s.Port = ln.Addr().(*net.TCPAddr).Port
	return s
}

// Messages returns the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: s, c: c}, nil
}

type session struct {
	s   *Server
	c   *smtp.Conn
	cur Message
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != User || pass != Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		_, tlsOn := ss.c.TLSConnectionState()
		ss.cur.Authed, ss.cur.AuthOnTLS = true, tlsOn
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error { ss.cur.From = from; return nil }

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if o := ss.s.opts; o.RejectTo != "" && to == o.RejectTo {
		return &smtp.SMTPError{Code: o.RejectCode, EnhancedCode: smtp.EnhancedCode{o.RejectCode / 100, 1, 1}, Message: "no"}
	}
	ss.cur.Rcpts = append(ss.cur.Rcpts, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.cur.Data = data
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.cur)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset() { ss.cur = Message{Authed: ss.cur.Authed, AuthOnTLS: ss.cur.AuthOnTLS} }

func (ss *session) Logout() error { return nil }

// Parts parses a multipart/alternative message: its header, decoded subject and body parts
// by media type.
func Parts(t testing.TB, data []byte) (netmail.Header, string, map[string]string) {
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
