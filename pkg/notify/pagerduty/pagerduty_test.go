package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/slo"
)

const testKey = "R0UT1NGKEY0123456789abcdefABCDEF" // 32 characters

func firing() notify.Message {
	return notify.Message{
		Kind: notify.KindFiring, AlertID: "checkout/latency/fast_burn",
		Service: "checkout", SLO: "latency", SLIType: slo.Latency, ThresholdMS: 250,
		Rule: "fast_burn", Severity: slo.AlertCritical, CurrentSLI: 0.9, Objective: 0.95,
		BudgetRemaining: 0.4, BurnRates: []notify.BurnRate{{Window: time.Hour, Rate: 14.4}},
		TimeToExhaustion: 2 * time.Hour, Description: "p95 above 250 ms",
		DashboardURL: "https://grafana.example/d/slo", Timestamp: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
}

// wireEvent is an Events API v2 body as PagerDuty documents it.
type wireEvent struct {
	RoutingKey  string `json:"routing_key"`
	EventAction string `json:"event_action"`
	DedupKey    string `json:"dedup_key"`
	Payload     *struct {
		Summary       string         `json:"summary"`
		Source        string         `json:"source"`
		Severity      string         `json:"severity"`
		Timestamp     string         `json:"timestamp"`
		Component     string         `json:"component"`
		Group         string         `json:"group"`
		Class         string         `json:"class"`
		CustomDetails map[string]any `json:"custom_details"`
	} `json:"payload"`
	Links []struct {
		Href string `json:"href"`
		Text string `json:"text"`
	} `json:"links"`
}

type server struct {
	mu     sync.Mutex
	events []wireEvent
	sizes  []int
}

func (s *server) start(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v2/enqueue" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %s %s", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		var ev wireEvent
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			t.Errorf("decode: %v", err)
		}
		s.mu.Lock()
		s.events = append(s.events, ev)
		s.sizes = append(s.sizes, int(r.ContentLength))
		s.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		_, _ = fmt.Fprintf(w, `{"status":"success","message":"Event processed","dedup_key":%q}`, ev.DedupKey)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTriggerAndResolveEvents(t *testing.T) {
	s := &server{}
	srv := s.start(t)
	n, err := New(Config{RoutingKey: testKey, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	resolved := firing()
	resolved.Kind = notify.KindResolved
	for _, m := range []notify.Message{firing(), resolved} {
		if retry, err := n.Notify(context.Background(), m); err != nil || retry {
			t.Fatalf("Notify(%s) = %v, %v", m.Kind, retry, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	trig, res := s.events[0], s.events[1]
	if trig.RoutingKey != testKey || trig.EventAction != "trigger" || trig.DedupKey != "checkout/latency/fast_burn" {
		t.Errorf("trigger envelope = %+v", trig)
	}
	p := trig.Payload
	if p == nil {
		t.Fatal("trigger without payload")
	}
	checks := map[string][2]string{
		"source":    {p.Source, "checkout"},
		"severity":  {p.Severity, "critical"},
		"timestamp": {p.Timestamp, "2026-03-01T12:00:00Z"},
		"component": {p.Component, "latency"},
		"group":     {p.Group, "checkout"},
		"class":     {p.Class, "fast_burn"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("payload.%s = %q, want %q", name, c[0], c[1])
		}
	}
	if !strings.HasPrefix(p.Summary, "FIRING critical: checkout latency") || !strings.Contains(p.Summary, "90 % of requests within 250 ms") {
		t.Errorf("summary = %q, want title and latency SLI in ms", p.Summary)
	}
	if p.CustomDetails["current_sli"] != "90 % of requests within 250 ms" || p.CustomDetails["threshold_ms"] != 250.0 ||
		p.CustomDetails["burn_rate"] != "14.4x over 1h" || p.CustomDetails["budget_remaining"] != "40 %" {
		t.Errorf("custom_details = %v", p.CustomDetails)
	}
	if len(trig.Links) != 1 || trig.Links[0].Href != "https://grafana.example/d/slo" || trig.Links[0].Text == "" {
		t.Errorf("links = %+v", trig.Links)
	}
	if res.EventAction != "resolve" || res.DedupKey != trig.DedupKey || res.RoutingKey != testKey {
		t.Errorf("resolve envelope = %+v", res)
	}
}

func TestSeverityMapping(t *testing.T) {
	for in, want := range map[string]string{slo.AlertCritical: "critical", slo.AlertMajor: "error", slo.AlertWarning: "warning", slo.AlertInfo: "info"} {
		if got := Severity(in); got != want {
			t.Errorf("Severity(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSummaryIsTruncatedTo1024Chars(t *testing.T) {
	s := &server{}
	srv := s.start(t)
	n, _ := New(Config{RoutingKey: testKey, Endpoint: srv.URL})
	m := firing()
	m.SLO = strings.Repeat("é", 2000)
	if _, err := n.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if got := utf8.RuneCountInString(s.events[0].Payload.Summary); got > MaxSummary {
		t.Errorf("summary has %d chars, limit %d", got, MaxSummary)
	}
}

func TestEventIsKeptUnder512KB(t *testing.T) {
	s := &server{}
	srv := s.start(t)
	n, _ := New(Config{RoutingKey: testKey, Endpoint: srv.URL})
	m := firing()
	m.Description = strings.Repeat("x", 2*MaxEventBytes)
	if retry, err := n.Notify(context.Background(), m); err != nil || retry {
		t.Fatalf("oversized description: %v, %v", retry, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sizes[0] > MaxEventBytes {
		t.Errorf("event is %d bytes, limit %d", s.sizes[0], MaxEventBytes)
	}
	m.Description, m.Service = "", strings.Repeat("s", MaxEventBytes)
	if retry, err := n.Notify(context.Background(), m); err == nil || retry {
		t.Errorf("unshrinkable event: %v, %v; want a permanent error", retry, err)
	}
}

func TestStatusCodesMapToRetryDecisions(t *testing.T) {
	tests := []struct {
		code       int
		retryAfter string
		wantRetry  bool
		wantErr    bool
		wantAfter  time.Duration
	}{
		{http.StatusAccepted, "", false, false, 0},
		{http.StatusOK, "", false, true, 0}, // only 202 means enqueued
		{http.StatusBadRequest, "", false, true, 0},
		{http.StatusUnauthorized, "", false, true, 0},
		{http.StatusForbidden, "", false, true, 0},
		{http.StatusNotFound, "", false, true, 0},
		{http.StatusRequestEntityTooLarge, "", false, true, 0},
		{http.StatusTooManyRequests, "12", true, true, 12 * time.Second},
		{http.StatusInternalServerError, "", true, true, 0},
		{http.StatusBadGateway, "", true, true, 0},
		{http.StatusServiceUnavailable, "", true, true, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.code)
				_, _ = fmt.Fprint(w, `{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect"]}`)
			}))
			defer srv.Close()
			n, _ := New(Config{RoutingKey: testKey, Endpoint: srv.URL})
			retry, err := n.Notify(context.Background(), firing())
			if retry != tt.wantRetry || (err != nil) != tt.wantErr {
				t.Errorf("Notify = %v, %v; want retry %v, error %v", retry, err, tt.wantRetry, tt.wantErr)
			}
			if got := notify.RetryAfter(err); got != tt.wantAfter {
				t.Errorf("RetryAfter = %s, want %s", got, tt.wantAfter)
			}
		})
	}
}

func TestConfigValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing routing key", Config{}, "routing_key is required"},
		{"short routing key", Config{RoutingKey: "abc"}, "routing_key must be 32"},
		{"relative endpoint", Config{RoutingKey: testKey, Endpoint: "events"}, "endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
	if err := (Config{RoutingKey: testKey, Endpoint: EUEndpoint}).Validate(); err != nil {
		t.Errorf("EU endpoint rejected: %v", err)
	}
	if s := fmt.Sprintf("%s %+v", Config{RoutingKey: testKey}, Config{RoutingKey: testKey}); strings.Contains(s, testKey) {
		t.Errorf("config printed the routing key: %s", s)
	}
}
