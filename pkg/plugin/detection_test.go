package plugin

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// detectionConfig pages fast_burn on Slack at once (for: 0s), so that the loop's first
// cycle, which runs when the instance starts, fires it.
const detectionConfig = `services:
  payment_service:
    availability:
      target: 99.9
      window: 30d
      sli_type: success_rate
      alert_rules: [fast_burn]
alert_rules:
  fast_burn:
    for: 0s
    channels: [slack]
`

// slackHook is an httptest incoming webhook that records the bodies it receives.
type slackHook struct {
	mu     sync.Mutex
	bodies []string
}

func (h *slackHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
	_, _ = io.WriteString(w, "ok")
}

func (h *slackHook) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

// TestDetectionLoopFiresAlertsAndStopsOnDispose runs an instance with detectionEnabled over
// an hour of a 100 % outage: the loop's first cycle (at start) becomes leader, fires
// fast_burn and posts it to the Slack webhook; the alerts and annotation queries show it,
// GET status and CheckHealth report the leader and its cycle without a secret, and Dispose
// stops the loop's goroutine.
func TestDetectionLoopFiresAlertsAndStopsOnDispose(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT now() - make_interval(secs => i * 5), 'payment_service', 500, 100
		FROM generate_series(1, 720) AS i`)
	hook := &slackHook{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	webhook := srv.URL + "/services/T000/B000/webhook-secret-path"

	js := healthyJSONData(db)
	js["sloConfig"] = detectionConfig
	js["detectionEnabled"] = true
	js["detectionInterval"] = "10s"
	js["dashboardUrl"] = "http://grafana.example/d/sloguard"
	raw, err := json.Marshal(js)
	if err != nil {
		t.Fatal(err)
	}
	settings := backend.DataSourceInstanceSettings{UID: "detection-test", Name: "detection-test", JSONData: raw,
		DecryptedSecureJSONData: map[string]string{"password": db.Conn.Password, "slackWebhookUrl": webhook}}
	inst, err := NewDatasource(context.Background(), settings)
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	disposed := false
	defer func() {
		if !disposed {
			d.Dispose()
		}
	}()
	if d.detection == nil || d.detection.det == nil {
		t.Fatalf("detection not started: %+v", d.detection)
	}
	if got := d.detection.notifiers; len(got) != 1 || got[0] != "slack" {
		t.Errorf("notifiers %v, want [slack]", got)
	}

	deadline := time.Now().Add(60 * time.Second)
	for d.detection.det.Status().LastCycle.IsZero() || len(hook.received()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no cycle with a Slack message within 60s: status %+v, %d messages", d.detection.det.Status(), len(hook.received()))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if msg := hook.received()[0]; !strings.Contains(msg, "availability") || !strings.Contains(msg, "payment_service") {
		t.Errorf("slack message does not name the SLO: %s", msg)
	}

	ctx := context.Background()
	rng := backend.TimeRange{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Minute)}
	resp, err := d.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{
		{RefID: "A", QueryType: "alerts", TimeRange: rng, JSON: json.RawMessage(`{"queryType":"alerts"}`)},
		{RefID: "B", QueryType: "annotations", TimeRange: rng, JSON: json.RawMessage(`{"queryType":"annotations"}`)},
		{RefID: "C", QueryType: "annotations", TimeRange: rng, JSON: json.RawMessage(`{"queryType":"annotations","show":"incidents"}`)},
		{RefID: "D", QueryType: "annotations", TimeRange: rng, JSON: json.RawMessage(`{"queryType":"annotations","show":"alerts"}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	alerts := resp.Responses["A"]
	if alerts.Error != nil || len(alerts.Frames) != 1 {
		t.Fatalf("alerts: %v, %d frames", alerts.Error, len(alerts.Frames))
	}
	f := alerts.Frames[0]
	if f.Rows() != 1 {
		t.Fatalf("alerts has %d rows, want 1:\n%s", f.Rows(), frameText(f))
	}
	for col, want := range map[string]string{"service": "payment_service", "slo": "availability", "rule": "fast_burn",
		"severity": "critical", "state": "firing", "long_window": "1h", "short_window": "5m", "id": "payment_service/availability/fast_burn"} {
		field, _ := f.FieldByName(col)
		if field == nil || field.At(0) != want {
			t.Errorf("alerts %s = %v, want %q", col, field.At(0), want)
		}
	}
	if br, _ := f.FieldByName("burn_rate_long"); br == nil || br.At(0).(*float64) == nil || *br.At(0).(*float64) < 999 {
		t.Errorf("burn_rate_long = %v, want 1000 (every request failed at 99.9 %%)", br.At(0))
	}
	anno := resp.Responses["B"]
	if anno.Error != nil || len(anno.Frames) != 1 || anno.Frames[0].Rows() < 1 {
		t.Fatalf("annotations: %v %v", anno.Error, anno.Frames)
	}
	var titles []string
	title, _ := anno.Frames[0].FieldByName("title")
	for i := 0; i < title.Len(); i++ {
		titles = append(titles, title.At(i).(string))
	}
	joined := strings.Join(titles, "|")
	if !strings.Contains(joined, "payment_service/availability fast_burn firing") || !strings.Contains(joined, "SLO violation: payment_service availability") {
		t.Errorf("annotation titles %q, want the firing transition and the incident", titles)
	}
	for ref, wantKind := range map[string]string{"C": "incident", "D": "alert"} {
		r := resp.Responses[ref]
		if r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Rows() < 1 {
			t.Fatalf("annotations %s: %v %v", ref, r.Error, r.Frames)
		}
		tags, _ := r.Frames[0].FieldByName("tags")
		for i := 0; i < tags.Len(); i++ {
			if kind := strings.Split(tags.At(i).(string), ",")[1]; kind != wantKind {
				t.Errorf("annotations %s (show %ss only) has a %s: %s", ref, wantKind, kind, tags.At(i))
			}
		}
	}

	var status *backend.CallResourceResponse
	err = d.CallResource(ctx, &backend.CallResourceRequest{Path: "status", Method: http.MethodGet, URL: "status"},
		backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error { status = r; return nil }))
	if err != nil || status == nil || status.Status != 200 {
		t.Fatalf("GET status: %v %+v", err, status)
	}
	var report struct {
		Detection struct {
			Enabled, Running, Leader bool
			LastCycle                *time.Time `json:"lastCycle"`
			LastDurationMS           *float64   `json:"lastDurationMs"`
			Undeliverable            *int64     `json:"undeliverableNotifications"`
			Notifiers                []string   `json:"notifiers"`
		} `json:"detection"`
	}
	if err := json.Unmarshal(status.Body, &report); err != nil {
		t.Fatal(err)
	}
	det := report.Detection
	if !det.Enabled || !det.Running || !det.Leader || det.LastCycle == nil || det.LastDurationMS == nil ||
		det.Undeliverable == nil || *det.Undeliverable != 0 || len(det.Notifiers) != 1 {
		t.Errorf("status body %s: want a running leader with a cycle, 0 undeliverable, notifier slack", status.Body)
	}
	assertNoSecrets(t, "status body", string(status.Body), webhook, "webhook-secret-path", db.Conn.Password)

	health, err := d.CheckHealth(ctx, &backend.CheckHealthRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if health.Status != backend.HealthStatusOk || !strings.Contains(health.Message, "detection: leader, last cycle") ||
		!strings.Contains(health.Message, "0 undeliverable notifications") {
		t.Errorf("health %v: %s", health.Status, health.Message)
	}
	assertNoSecrets(t, "health", health.Message+string(health.JSONDetails), webhook, "webhook-secret-path", db.Conn.Password)

	done := d.detection.done
	stopped := make(chan struct{})
	go func() { d.Dispose(); close(stopped) }()
	disposed = true
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("Dispose did not return")
	}
	select {
	case <-done:
	default:
		t.Fatal("Dispose returned before the detection goroutine ended")
	}
	if d.detection.det.Status().Leader {
		t.Error("still leader after Dispose")
	}
}

func TestBuildNotifiersSkipsUnconfiguredAndNamesProblems(t *testing.T) {
	s := Settings{Secrets: Secrets{SlackBotToken: "xoxb-bot-token-secret", PagerDutyRoutingKey: "pagerduty-routing-key-secret"}}
	got, active, problems := BuildNotifiers(s, loadedChannels(nil))
	if len(got) != 0 || len(active) != 0 {
		t.Errorf("notifiers %v, want none", active)
	}
	text := strings.Join(problems, "\n")
	if !strings.Contains(text, "slackChannel") || !strings.Contains(text, "routing_key") {
		t.Errorf("problems %q, want slackChannel and routing_key named", problems)
	}
	assertNoSecrets(t, "problems", text)

	s = Settings{
		Secrets: Secrets{SlackBotToken: "xoxb-1", PagerDutyRoutingKey: "0123456789abcdef0123456789abcdef", SMTPPassword: "pw"},
		Notify:  NotifySettings{SlackChannel: "#slo", SMTPHost: "smtp.example", SMTPUser: "u", SMTPFrom: "slo@example.com", SMTPRecipients: []string{"oncall@example.com"}},
	}
	_, active, problems = BuildNotifiers(s, loadedChannels(nil))
	if strings.Join(active, ",") != "email,pager,slack" || len(problems) != 0 {
		t.Errorf("active %v, problems %v; want email, pager and slack", active, problems)
	}
}
