package main

import (
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// mailCatcher is the demo's in-process SMTP server: it accepts every message on 127.0.0.1
// without TLS or authentication and hands its recipients and subject to onMail.
type mailCatcher struct {
	srv    *smtp.Server
	ln     net.Listener
	onMail func(to []string, subject string)
}

// startMailCatcher listens on 127.0.0.1 (a free port) and serves until Close.
func startMailCatcher(onMail func(to []string, subject string)) (*mailCatcher, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &mailCatcher{ln: ln, onMail: onMail}
	c.srv = smtp.NewServer(c)
	c.srv.Domain = "localhost"
	c.srv.ReadTimeout = 30 * time.Second
	c.srv.WriteTimeout = 30 * time.Second
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

// Port is the port the catcher listens on.
func (c *mailCatcher) Port() int { return c.ln.Addr().(*net.TCPAddr).Port }

// Close stops the server.
func (c *mailCatcher) Close() error { return c.srv.Close() }

// NewSession implements smtp.Backend.
func (c *mailCatcher) NewSession(*smtp.Conn) (smtp.Session, error) { return &catchSession{c: c}, nil }

type catchSession struct {
	c  *mailCatcher
	to []string
}

func (s *catchSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *catchSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *catchSession) Data(r io.Reader) error {
	subject := "(no subject)"
	if msg, err := netmail.ReadMessage(r); err == nil {
		if dec, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err == nil && dec != "" {
			subject = dec
		}
		_, _ = io.Copy(io.Discard, msg.Body)
	}
	s.c.onMail(s.to, subject)
	return nil
}

func (s *catchSession) Reset() { s.to = nil }

func (s *catchSession) Logout() error { return nil }
