package detector

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/pagerduty"
	"github.com/sloguard/sloguard/pkg/notify/slack"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

const (
	testAlertID = "payment_service/availability/fast_burn"
	routingKey  = "0123456789abcdef0123456789abcdef"
)

const testConfig = `
services:
  payment_service:
    availability:
      sli_type: success_rate
      target: 99.9
      window: 30d
      alert_rules: [fast_burn]
`

// env is one test's database, schema, synthetic outage and fake vendors.
type env struct {
	db        *storetest.DB
	cfg       *slo.Config
	start     time.Time // first minute of the synthetic traffic
	clock     *simClock
	slack     *vendor
	pager     *vendor
	notifiers map[string]notify.Notifier
}

// simClock is the injected detection clock, advanced by the test.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// vendor is an httptest server recording the JSON bodies it receives and answering with the
// next scripted status (the last one forever).
type vendor struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
	raws   [][]byte
	codes  []int
	ok     int
	hits   int
}

func newVendor(t *testing.T, okCode int, codes ...int) *vendor {
	v := &vendor{codes: codes, ok: okCode}
	v.srv = httptest.NewServer(v)
	t.Cleanup(v.srv.Close)
	return v
}

// ServeHTTP records the body and answers with the next scripted status.
func (v *vendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	v.mu.Lock()
	v.hits++
	code := v.ok
	if len(v.codes) > 0 {
		code = v.codes[0]
		v.codes = v.codes[1:]
	}
	if code < 300 {
		v.bodies = append(v.bodies, body)
		v.raws = append(v.raws, b)
	}
	v.mu.Unlock()
	w.WriteHeader(code)
	if code < 300 {
		_, _ = w.Write([]byte(`{"status":"success","message":"Event processed","dedup_key":"x"}`))
	} else {
		_, _ = w.Write([]byte(`{"status":"invalid event"}`))
	}
}

// rawReceived returns the accepted bodies as sent.
func (v *vendor) rawReceived() [][]byte {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([][]byte(nil), v.raws...)
}

func (v *vendor) hitCount() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hits
}

// received returns the accepted bodies.
func (v *vendor) received() []map[string]any {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]map[string]any(nil), v.bodies...)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.New(t)
	db.CreateLogTables(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	cfg, diags := slo.Parse([]byte(testConfig))
	if diags.HasErrors() {
		t.Fatalf("config: %v", diags.Err())
	}
	e := &env{db: db, cfg: cfg, clock: &simClock{}}
	e.start = store.FloorMinute(time.Now()).Add(-4 * time.Hour)
	e.slack = newVendor(t, http.StatusOK)
	e.pager = newVendor(t, http.StatusAccepted)
	sn, err := slack.New(slack.Config{WebhookURL: notify.Secret(e.slack.srv.URL + "/services/T000/B000/SECRETSECRET")})
	if err != nil {
		t.Fatal(err)
	}
	pn, err := pagerduty.New(pagerduty.Config{RoutingKey: routingKey, Endpoint: e.pager.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	e.notifiers = map[string]notify.Notifier{"slack": sn, "pager": pn}
	return e
}

// traffic writes perMinute requests a minute for minutes [from, to) after start; bad makes
// them all 500s.
func (e *env) traffic(t *testing.T, from, to, perMinute int, bad bool) {
	t.Helper()
	status := 200
	if bad {
		status = 500
	}
	e.db.Exec(t, `
		INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + m * interval '1 minute' + k * interval '50 millisecond',
		       'payment_service', $4, 20
		FROM generate_series($2::int, $3::int - 1) AS m CROSS JOIN generate_series(0, $5::int - 1) AS k`,
		e.start, from, to, status, perMinute)
}

// outage writes 2 h of healthy traffic, 20 min of total outage and 40 min of recovery, at
// 1,000 requests a minute.
func (e *env) outage(t *testing.T) {
	e.traffic(t, 0, 120, 1000, false)
	e.traffic(t, 120, 140, 1000, true)
	e.traffic(t, 140, 180, 1000, false)
}

func (e *env) detector(t *testing.T, mutate ...func(*Options)) *Detector {
	t.Helper()
	opts := Options{
		Pool: e.db.Pool, Schema: e.db.PluginSchema, Config: e.cfg, Notifiers: e.notifiers,
		Clock: e.clock.Now, Logger: testLogger{t}, DashboardURL: "https://grafana.example/d/slo",
		Backoff: notify.Backoff{Base: time.Second, Max: time.Minute},
	}
	for _, m := range mutate {
		m(&opts)
	}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// at sets the clock to minute m after start.
func (e *env) at(m int) time.Time {
	now := e.start.Add(time.Duration(m) * time.Minute)
	e.clock.Set(now)
	return now
}

// tick runs one cycle and one drain at minute m.
func (e *env) tick(t *testing.T, d *Detector, m int) {
	t.Helper()
	e.at(m)
	ctx := context.Background()
	if err := d.Cycle(ctx); err != nil {
		t.Fatalf("cycle at minute %d: %v", m, err)
	}
	if err := d.Drain(ctx); err != nil {
		t.Fatalf("drain at minute %d: %v", m, err)
	}
}

type testLogger struct{ t *testing.T }

func (l testLogger) Info(msg string, kv ...any)  { l.t.Log(append([]any{"INFO", msg}, kv...)...) }
func (l testLogger) Warn(msg string, kv ...any)  { l.t.Log(append([]any{"WARN", msg}, kv...)...) }
func (l testLogger) Error(msg string, kv ...any) { l.t.Log(append([]any{"ERROR", msg}, kv...)...) }

// recLogger records every line: level, msg and the key-values formatted with %v.
type recLogger struct {
	mu    sync.Mutex
	lines []string
	hook  func(msg string, kv []any)
}

func (l *recLogger) rec(level, msg string, kv []any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, kv))
	hook := l.hook
	l.mu.Unlock()
	if hook != nil {
		hook(msg, kv)
	}
}

func (l *recLogger) Info(msg string, kv ...any)  { l.rec("INFO", msg, kv) }
func (l *recLogger) Warn(msg string, kv ...any)  { l.rec("WARN", msg, kv) }
func (l *recLogger) Error(msg string, kv ...any) { l.rec("ERROR", msg, kv) }

func (l *recLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// count returns how many recorded lines contain sub.
func (l *recLogger) count(sub string) int {
	n := 0
	for _, line := range l.all() {
		if strings.Contains(line, sub) {
			n++
		}
	}
	return n
}

func outboxRows(t *testing.T, e *env) []store.OutboxRow {
	t.Helper()
	rows, err := store.ListOutbox(context.Background(), e.db.Pool, e.db.PluginSchema, "")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
