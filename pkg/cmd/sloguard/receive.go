package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/pagerduty"
)

// receiveKeep is how many messages the receiver keeps for its pages.
const receiveKeep = 500

// receiveMaxBody bounds a Slack request body (a PagerDuty event is bounded as PagerDuty
// bounds it, pagerduty.MaxEventBytes).
const receiveMaxBody = 1 << 20

// received is one notification the receiver accepted. Payload is the body with the
// routing key redacted.
type received struct {
	At       time.Time       `json:"received_at"`
	Channel  string          `json:"channel"` // slack | pagerduty
	Summary  string          `json:"summary"`
	Action   string          `json:"event_action,omitempty"`
	Severity string          `json:"severity,omitempty"`
	DedupKey string          `json:"dedup_key,omitempty"`
	Payload  json.RawMessage `json:"payload"`
}

// receiver answers like Slack's incoming webhooks and PagerDuty's Events API v2, prints each
// payload and keeps the last receiveKeep for GET / and GET /api/messages.
type receiver struct {
	out   io.Writer
	clock func() time.Time
	// onMessage, when set, sees every accepted message (the demo prints it in its table).
	onMessage func(received)

	mu   sync.Mutex
	msgs []received // oldest first
}

func newReceiver(out io.Writer) *receiver { return &receiver{out: out, clock: time.Now} }

// handler routes the receiver's endpoints.
func (r *receiver) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack", r.slack)
	mux.HandleFunc("POST /slack/", r.slack) // webhook-like paths: /slack/T000/B000/XXXX
	mux.HandleFunc("POST /v2/enqueue", r.pagerDuty)
	mux.HandleFunc("GET /api/messages", r.list)
	mux.HandleFunc("GET /{$}", r.page)
	return mux
}

func (r *receiver) slack(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, receiveMaxBody))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"ok": false, "error": "request_too_large"})
		return
	}
	summary, err := checkSlack(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	r.add(received{Channel: "slack", Summary: summary, Payload: compactJSON(body)})
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "ok")
}

func (r *receiver) pagerDuty(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, pagerduty.MaxEventBytes))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"status": "invalid event", "message": "Event object is too large"})
		return
	}
	ev, problems := checkPagerDuty(body)
	if len(problems) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": problems})
		return
	}
	if ev.DedupKey == "" { // PagerDuty makes one up for a trigger without a key
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		ev.DedupKey = hex.EncodeToString(b)
	}
	msg := received{Channel: "pagerduty", Action: ev.EventAction, DedupKey: ev.DedupKey, Payload: redactRoutingKey(body)}
	if ev.Payload != nil {
		msg.Summary, msg.Severity = ev.Payload.Summary, ev.Payload.Severity
	} else {
		msg.Summary = "dedup_key " + ev.DedupKey // acknowledge and resolve carry no summary
	}
	r.add(msg)
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "success", "message": "Event processed", "dedup_key": ev.DedupKey})
}

// redactRoutingKey returns the event with routing_key replaced by notify.Redacted.
func redactRoutingKey(body []byte) json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return json.RawMessage(`null`)
	}
	m["routing_key"] = json.RawMessage(strconv.Quote(notify.Redacted))
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // keep "<redacted>" readable; the page escapes it
	_ = enc.Encode(m)
	return bytes.TrimSpace(out.Bytes())
}

func compactJSON(body []byte) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, body); err != nil {
		return json.RawMessage(`null`)
	}
	return b.Bytes()
}

// add stamps, prints and keeps a message.
func (r *receiver) add(m received) {
	r.mu.Lock()
	m.At = r.clock().UTC()
	r.msgs = append(r.msgs, m)
	if len(r.msgs) > receiveKeep {
		r.msgs = slices.Delete(r.msgs, 0, len(r.msgs)-receiveKeep)
	}
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, m.Payload, "", "  ")
	fmt.Fprintf(r.out, "%s %s %s%s: %s\n%s\n", m.At.Format(time.RFC3339), m.Channel, m.Action, severitySuffix(m.Severity), m.Summary, pretty.String())
	onMessage := r.onMessage
	r.mu.Unlock()
	if onMessage != nil {
		onMessage(m)
	}
}

func severitySuffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// messages returns the kept messages, newest first.
func (r *receiver) messages() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.msgs)
	slices.Reverse(out)
	return out
}

func (r *receiver) list(w http.ResponseWriter, _ *http.Request) {
	msgs := r.messages()
	if msgs == nil {
		msgs = []received{}
	}
	writeJSON(w, http.StatusOK, msgs)
}

var receivePage = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>SLOGuard receiver</title>
<style>body{font-family:sans-serif;margin:2em}article{border-bottom:1px solid #ddd;padding:.5em 0}
pre{background:#f6f6f6;padding:.5em;overflow:auto}.pagerduty{color:#06a}.slack{color:#4a154b}</style></head>
<body><h1>SLOGuard receiver</h1><p>{{len .}} messages, newest first (POST /slack, POST /v2/enqueue; JSON at <a href="/api/messages">/api/messages</a>)</p>
{{range .}}<article><strong class="{{.Channel}}">{{.Channel}}</strong> {{.At.Format "2006-01-02 15:04:05Z07:00"}} {{.Action}} {{.Severity}}
<div>{{.Summary}}</div><details><summary>payload</summary><pre>{{printf "%s" .Payload}}</pre></details></article>
{{end}}</body></html>
`))

func (r *receiver) page(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = receivePage.Execute(w, r.messages())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// runReceive is `sloguard receive`: the local receiver until SIGINT/SIGTERM.
func runReceive(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8089", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() > 0 || *listen == "" {
		fmt.Fprintln(stderr, "usage: sloguard receive --listen ADDR")
		return exitError
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(stderr, "receive:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "receive: listening on http://%s (POST /slack, POST /v2/enqueue; GET / and /api/messages)\n", ln.Addr())
	if err := serveUntil(ctx, ln, newReceiver(stdout).handler()); err != nil {
		fmt.Fprintln(stderr, "receive:", err)
		return exitError
	}
	return exitOK
}

// serveUntil serves h on ln until ctx ends, then shuts down gracefully.
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
