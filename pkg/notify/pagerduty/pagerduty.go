// Package pagerduty triggers and resolves PagerDuty incidents through the Events API v2
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/slo"
)

// Events API v2 limits (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
const (
	// MaxSummary: payload.summary, "a brief text summary of the event ... Maximum of 1024
	// characters."
	MaxSummary = 1024
	// MaxEventBytes: "the maximum size of an event is 512 KB"; larger events get a 400.
	MaxEventBytes = 512 * 1024
	// maxErrorBody caps how much of an error response is read.
	maxErrorBody = 4 << 10
)

// enqueuePath is the Events API v2 path, relative to the endpoint.
const enqueuePath = "/v2/enqueue"

// Severity maps an SLOGuard rule severity to payload.severity, one of critical, error,
// warning, info.
func Severity(s string) string {
	switch s {
	case slo.AlertCritical:
		return "critical"
	case slo.AlertMajor:
		return "error"
	case slo.AlertWarning:
		return "warning"
	default:
		return "info"
	}
}

// event is an Events API v2 request body.
type event struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"` // trigger | resolve
	DedupKey    string   `json:"dedup_key"`
	Payload     *payload `json:"payload,omitempty"`
	Client      string   `json:"client,omitempty"`
	ClientURL   string   `json:"client_url,omitempty"`
	Links       []link   `json:"links,omitempty"`
}

type payload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     string         `json:"timestamp,omitempty"`
	Component     string         `json:"component,omitempty"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class,omitempty"`
	CustomDetails map[string]any `json:"custom_details,omitempty"`
}

type link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// response is the Events API v2 reply body.
type response struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key"`
	Errors   []string `json:"errors"`
}

// Option configures a Notifier.
type Option func(*Notifier)

// WithHTTPClient sets the HTTP client (default: one with the config's timeout).
func WithHTTPClient(c *http.Client) Option { return func(n *Notifier) { n.http = c } }

// WithClock sets the clock used to read HTTP-date Retry-After headers.
func WithClock(now func() time.Time) Option { return func(n *Notifier) { n.now = now } }

// Notifier sends Events API v2 events. It is safe for concurrent use.
type Notifier struct {
	cfg  Config
	url  string
	http *http.Client
	now  func() time.Time
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg and returns a Notifier.
func New(cfg Config, opts ...Option) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	n := &Notifier{cfg: cfg, url: strings.TrimRight(endpoint, "/") + enqueuePath, now: time.Now}
	for _, o := range opts {
		o(n)
	}
	if n.http == nil {
		n.http = notify.HTTPClient(cfg.Timeout, DefaultTimeout)
	}
	return n, nil
}

// Notify implements notify.Notifier: firing triggers, resolved resolves, both with
// dedup_key = the alert id. 202 Accepted is success.
func (n *Notifier) Notify(ctx context.Context, msg notify.Message) (bool, error) {
	if err := msg.Validate(); err != nil {
		return false, fmt.Errorf("pagerduty: %w", err)
	}
	body, err := n.encode(msg)
	if err != nil {
		return false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("pagerduty: %w", notify.Redact(err, n.cfg.RoutingKey))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.http.Do(req)
	if err != nil {
		return notify.Retryable(0, err), fmt.Errorf("pagerduty: send event: %w", notify.Redact(err, n.cfg.RoutingKey))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if resp.StatusCode == http.StatusAccepted {
		return false, nil
	}
	var r response
	reason := http.StatusText(resp.StatusCode)
	if json.Unmarshal(raw, &r) == nil && r.Message != "" {
		reason = strings.Join(append([]string{r.Message}, r.Errors...), "; ")
	}
	return notify.Retryable(resp.StatusCode, nil), &notify.StatusError{
		Integration: "pagerduty",
		Code:        resp.StatusCode,
		Reason:      notify.RedactString(notify.Truncate(reason, 200), n.cfg.RoutingKey),
		RetryAfter:  notify.ParseRetryAfter(resp.Header.Get("Retry-After"), n.now()),
	}
}

// encode builds the event and keeps it within MaxEventBytes: the description in
// custom_details is shortened first; an event still too large is a permanent error.
func (n *Notifier) encode(msg notify.Message) ([]byte, error) {
	ev := n.event(msg)
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("pagerduty: encode event: %v: %w", err, notify.ErrPermanent)
	}
	if len(body) > MaxEventBytes && ev.Payload != nil {
		over := len(body) - MaxEventBytes
		desc, _ := ev.Payload.CustomDetails["description"].(string)
		ev.Payload.CustomDetails["description"] = notify.TruncateBytes(desc, max(0, len(desc)-over-len(notify.Ellipsis)-64))
		if body, err = json.Marshal(ev); err != nil {
			return nil, fmt.Errorf("pagerduty: encode event: %v: %w", err, notify.ErrPermanent)
		}
	}
	if len(body) > MaxEventBytes {
		return nil, fmt.Errorf("pagerduty: event is %d bytes, over the %d byte limit: %w", len(body), MaxEventBytes, notify.ErrPermanent)
	}
	return body, nil
}

func (n *Notifier) event(msg notify.Message) *event {
	ev := &event{
		RoutingKey: n.cfg.RoutingKey.Reveal(),
		DedupKey:   msg.AlertID,
		Client:     "SLOGuard",
		ClientURL:  msg.DashboardURL,
	}
	if msg.DashboardURL != "" {
		ev.Links = []link{{Href: msg.DashboardURL, Text: "SLO dashboard"}}
	}
	if msg.Kind == notify.KindResolved {
		// The payload is not used by resolve events.
		ev.EventAction = "resolve"
		return ev
	}
	ev.EventAction = "trigger"
	source := n.cfg.Source
	if source == "" {
		source = msg.Service
	}
	if source == "" {
		source = "sloguard"
	}
	summary := fmt.Sprintf("%s: SLI %s, objective %s, budget remaining %s", msg.Title(),
		msg.SLIText(), msg.ObjectiveText(), msg.BudgetText())
	details := map[string]any{
		"service":            msg.Service,
		"slo":                msg.SLO,
		"sli_type":           string(msg.SLIType),
		"rule":               msg.Rule,
		"current_sli":        msg.SLIText(),
		"objective":          msg.ObjectiveText(),
		"budget_remaining":   msg.BudgetText(),
		"burn_rate":          msg.BurnRatesText(),
		"time_to_exhaustion": msg.TimeToExhaustionText(),
		"description":        msg.Description,
		"alert_id":           msg.AlertID,
	}
	if msg.SLIType == slo.Latency {
		details["threshold_ms"] = msg.ThresholdMS
	}
	p := &payload{
		Summary:       notify.Truncate(summary, MaxSummary),
		Source:        source,
		Severity:      Severity(msg.Severity),
		Component:     msg.SLO,
		Group:         msg.Service,
		Class:         msg.Rule,
		CustomDetails: details,
	}
	if !msg.Timestamp.IsZero() {
		p.Timestamp = msg.Timestamp.UTC().Format(time.RFC3339)
	}
	ev.Payload = p
	return ev
}
