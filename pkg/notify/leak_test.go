package notify_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/email"
	"github.com/sloguard/sloguard/pkg/notify/pagerduty"
	"github.com/sloguard/sloguard/pkg/notify/slack"
)

// The secrets of every integration; none may appear in any returned error.
const (
	webhookPath = "/services/T0SECRET/B0SECRET/webhookSECRETpart"
	botToken    = "xoxb-0000-BOTTOKENSECRET"
	routingKey  = "ROUTINGKEYSECRET0123456789abcdef" // 32 characters
	smtpPass    = "SMTPPASSWORDSECRET"
)

// leakyServer fails with 500 and echoes the request (with its secrets) in the body, the worst
// case for an integration that quotes the response.
func leakyServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"message": fmt.Sprintf("failed %s %s %s", r.URL, r.Header.Get("Authorization"), body),
			"errors":  []string{"auth " + r.URL.Path},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// closedAddr is a 127.0.0.1 address nothing listens on.
func closedAddr(t *testing.T) (string, int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	_ = ln.Close()
	return addr.String(), addr.Port
}

// rudeSMTP greets, then refuses authentication with a 535 that quotes the client's input.
func rudeSMTP(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				r := bufio.NewReader(c)
				fmt.Fprint(c, "220 rude ESMTP\r\n")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimSpace(line)
					switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
					case "EHLO", "HELO":
						fmt.Fprint(c, "250-rude\r\n250 AUTH PLAIN LOGIN\r\n")
					case "QUIT":
						fmt.Fprint(c, "221 bye\r\n")
						return
					default:
						fmt.Fprintf(c, "535 5.7.8 rejected %s\r\n", line)
					}
				}
			}(c)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestErrorsNeverContainSecrets(t *testing.T) {
	leaky := leakyServer(t)
	closed, closedPort := closedAddr(t)
	msg := notify.Message{Kind: notify.KindFiring, AlertID: "svc/slo/fast_burn", Service: "svc", SLO: "slo", Severity: "critical"}

	newSlackHook := func(base string) notify.Notifier {
		n, err := slack.New(slack.Config{WebhookURL: notify.Secret(base + webhookPath)})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	newSlackBot := func(base string) notify.Notifier {
		n, err := slack.New(slack.Config{Token: botToken, Channel: "C1", APIURL: base + "/"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	newPD := func(base string) notify.Notifier {
		n, err := pagerduty.New(pagerduty.Config{RoutingKey: routingKey, Endpoint: base})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	newMail := func(port int) notify.Notifier {
		// Opportunistic TLS: the rude server offers no STARTTLS, so the client tries to AUTH
		// in plain text on 127.0.0.1 (go-mail allows PLAIN to localhost) and gets a 535.
		n, err := email.New(email.Config{Host: "127.0.0.1", Port: port, TLS: email.StartTLSOpportunistic,
			Username: "sloguard", Password: smtpPass, From: "a@example.com", To: []string{"b@example.com"}, Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		name string
		n    notify.Notifier
	}{
		{"slack webhook, server error", newSlackHook(leaky.URL)},
		{"slack webhook, closed port", newSlackHook("http://" + closed)},
		{"slack bot, server error", newSlackBot(leaky.URL)},
		{"slack bot, closed port", newSlackBot("http://" + closed)},
		{"pagerduty, server error", newPD(leaky.URL)},
		{"pagerduty, closed port", newPD("http://" + closed)},
		{"email, auth refused", newMail(rudeSMTP(t))},
		{"email, closed port", newMail(closedPort)},
	}
	secrets := []string{"webhookSECRETpart", "T0SECRET", "B0SECRET", botToken, "BOTTOKENSECRET", routingKey, smtpPass}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.n.Notify(context.Background(), msg)
			if err == nil {
				t.Fatal("want an error from a failing server")
			}
			t.Logf("error: %v", err)
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				for _, secret := range secrets {
					if strings.Contains(s, secret) {
						t.Errorf("error leaks %q: %s", secret, s)
					}
				}
			}
		})
	}
}
