package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental/datasourcetest"
	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// contractConfig is an SLO config that reads both log tables.
const contractConfig = `
services:
  payment_service:
    availability:
      target: 99.9
      window: 30d
      sli_type: success_rate
    latency:
      target: 200
      percentile: 95
      window: 30d
      sli_type: latency
  user_api:
    user_journey:
      target: 99.5
      window: 7d
      sli_type: user_journey
      journey_name: "user_registration"
`

// The secrets every contract case configures; none may appear in any answer.
var contractSecrets = map[string]string{
	"slackWebhookUrl":     "https://hooks.example.invalid/services/TSECRET/BSECRET/slack-webhook-secret",
	"slackBotToken":       "xoxb-bot-token-secret",
	"pagerDutyRoutingKey": "pagerduty-routing-key-secret",
	"smtpPassword":        "smtp-password-secret",
}

// served is the plugin served over real gRPC, as Grafana runs it. The SDK registers its
// metrics globally, so one process serves it once, for every contract test (TestMain).
var served datasourcetest.TestPlugin

func TestMain(m *testing.M) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	addr := l.Addr().String()
	_ = l.Close()
	served, err = datasourcetest.Manage(NewDatasource, datasourcetest.ManageOpts{Address: addr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve plugin:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = served.Shutdown()
	os.Exit(code)
}

func servePlugin(*testing.T) *datasourcetest.TestPlugin { return &served }

var uidSeq atomic.Int64

// pluginContext is the PluginContext Grafana sends for one data source. Every call gets a
// fresh UID so that each case builds its own instance.
func pluginContext(t *testing.T, jsonData map[string]any, secure map[string]string) backend.PluginContext {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatal(err)
	}
	sec := map[string]string{}
	for k, v := range contractSecrets {
		sec[k] = v
	}
	for k, v := range secure {
		sec[k] = v
	}
	uid := "contract-" + strconv.FormatInt(uidSeq.Add(1), 10)
	return backend.PluginContext{
		PluginID: ID,
		OrgID:    1,
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			UID: uid, Name: uid, Type: ID, JSONData: raw, DecryptedSecureJSONData: sec,
		},
	}
}

// healthyJSONData points a data source at the test database's log tables.
func healthyJSONData(db *storetest.DB) map[string]any {
	return map[string]any{
		"host": db.Conn.Host, "port": db.Conn.Port, "database": db.Conn.Database, "user": db.Conn.User,
		"sslMode": "disable", "schema": db.PluginSchema, "connectTimeout": 5,
		"sloConfig":   contractConfig,
		"requestLogs": map[string]any{"table": db.Schema + ".request_logs"},
		"journeyLogs": map[string]any{"table": db.Schema + ".user_journey_logs"},
	}
}

func assertNoSecrets(t *testing.T, what, text string, extra ...string) {
	t.Helper()
	for _, s := range contractSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s reveals a secret: %s", what, text)
		}
	}
	for _, s := range extra {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s reveals a secret: %s", what, text)
		}
	}
}

func TestContractCheckHealth(t *testing.T) {
	tp := servePlugin(t)
	db := storetest.New(t)
	db.CreateLogTables(t)
	closedPort := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}()

	tests := []struct {
		name       string
		edit       func(js map[string]any, secure map[string]string)
		setup      func(t *testing.T) *storetest.DB // a database of the case's own; nil = db
		wantStatus backend.HealthStatus
		want       []string
	}{
		{
			name:       "a reachable database with both log tables and a valid config is healthy",
			wantStatus: backend.HealthStatusOk,
			want:       []string{"PostgreSQL 1", "plugin schema " + db.PluginSchema + " at version 1 of 1", "SLO config: 2 services, 3 SLOs", "have the configured columns"},
		},
		{
			name:       "a database that does not answer is reported with host and port",
			edit:       func(js map[string]any, _ map[string]string) { js["port"] = closedPort },
			wantStatus: backend.HealthStatusError,
			want:       []string{"Cannot reach PostgreSQL at 127.0.0.1:" + strconv.Itoa(closedPort)},
		},
		{
			name:       "a database that does not exist is named",
			edit:       func(js map[string]any, _ map[string]string) { js["database"] = "no_such_db_sloguard" },
			wantStatus: backend.HealthStatusError,
			want:       []string{`has no database "no_such_db_sloguard"`},
		},
		{
			name: "a missing journey table is named",
			edit: func(js map[string]any, _ map[string]string) {
				js["journeyLogs"] = map[string]any{"table": db.Schema + ".journeys_missing"}
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"table " + db.Schema + ".journeys_missing does not exist"},
		},
		{
			name: "a missing column is named with its role",
			setup: func(t *testing.T) *storetest.DB {
				other := storetest.New(t)
				other.CreateLogTables(t)
				other.Exec(t, "ALTER TABLE request_logs DROP COLUMN response_time_ms")
				return other
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"has no column response_time_ms (the response_time_ms column)"},
		},
		{
			name: "a mapped column of the wrong type is named",
			edit: func(js map[string]any, _ map[string]string) {
				js["requestLogs"] = map[string]any{"table": db.Schema + ".request_logs", "statusCode": "service"}
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"column " + db.Schema + ".request_logs.service is text; the status_code column must be one of"},
		},
		{
			name: "an invalid SLO config lists its errors with their paths",
			edit: func(js map[string]any, _ map[string]string) {
				js["sloConfig"] = strings.Replace(contractConfig, "target: 99.9", "target: -1", 1)
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"SLO config has 1 error", "services.payment_service.availability.target"},
		},
		{
			name:       "no SLO config at all says where to set one",
			edit:       func(js map[string]any, _ map[string]string) { delete(js, "sloConfig") },
			wantStatus: backend.HealthStatusError,
			want:       []string{"no SLO config: set jsonData.sloConfig"},
		},
		{
			name: "an SLO config file that does not exist is named",
			edit: func(js map[string]any, _ map[string]string) {
				delete(js, "sloConfig")
				js["sloConfigPath"] = "/nonexistent/slo.yaml"
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"SLO config file /nonexistent/slo.yaml: no such file or directory"},
		},
		{
			name:       "invalid settings name the field",
			edit:       func(js map[string]any, _ map[string]string) { js["sslMode"] = "sometimes" },
			wantStatus: backend.HealthStatusError,
			want:       []string{"Invalid settings: jsonData.sslMode: must be one of"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := db
			if tt.setup != nil {
				target = tt.setup(t)
			}
			js := healthyJSONData(target)
			secure := map[string]string{"password": db.Conn.Password}
			if tt.edit != nil {
				tt.edit(js, secure)
			}
			res, err := tp.Client.CheckHealth(context.Background(), &backend.CheckHealthRequest{PluginContext: pluginContext(t, js, secure)})
			if err != nil {
				t.Fatalf("CheckHealth: %v", err)
			}
			if res.Status != tt.wantStatus {
				t.Errorf("status = %v, want %v (message %q)", res.Status, tt.wantStatus, res.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Message, w) {
					t.Errorf("message %q does not contain %q", res.Message, w)
				}
			}
			assertNoSecrets(t, "health message", res.Message)
			assertNoSecrets(t, "health details", string(res.JSONDetails))
		})
	}
}

func TestContractCheckHealthWrongPassword(t *testing.T) {
	raw := os.Getenv("TEST_PASSWORD_DATABASE_URL")
	if raw == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_PASSWORD_DATABASE_URL is required in CI (scripts/ensure-postgres.sh sets it)")
		}
		t.Skip("TEST_PASSWORD_DATABASE_URL is not set: no role with a checked password")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	right, _ := u.User.Password()
	tp := servePlugin(t)
	db := storetest.New(t)
	db.CreateLogTables(t)
	role := pgx.Identifier{u.User.Username()}.Sanitize()
	db.Exec(t, "GRANT CREATE ON DATABASE "+pgx.Identifier{strings.TrimPrefix(u.Path, "/")}.Sanitize()+" TO "+role)
	db.Exec(t, "GRANT USAGE ON SCHEMA "+pgx.Identifier{db.Schema}.Sanitize()+" TO "+role)
	db.Exec(t, "GRANT SELECT ON ALL TABLES IN SCHEMA "+pgx.Identifier{db.Schema}.Sanitize()+" TO "+role)

	tests := []struct {
		name       string
		password   string
		wantStatus backend.HealthStatus
		want       string
	}{
		{"a wrong password is reported as such and never echoed", "wrong-password-secret", backend.HealthStatusError, "rejected the password: check the password"},
		{"the right password of the same role is healthy", right, backend.HealthStatusOk, "PostgreSQL 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js := healthyJSONData(db)
			js["host"], js["port"], js["user"], js["database"] = u.Hostname(), port, u.User.Username(), strings.TrimPrefix(u.Path, "/")
			res, err := tp.Client.CheckHealth(context.Background(), &backend.CheckHealthRequest{
				PluginContext: pluginContext(t, js, map[string]string{"password": tt.password}),
			})
			if err != nil {
				t.Fatalf("CheckHealth: %v", err)
			}
			if res.Status != tt.wantStatus || !strings.Contains(res.Message, tt.want) {
				t.Errorf("got %v %q, want %v containing %q", res.Status, res.Message, tt.wantStatus, tt.want)
			}
			assertNoSecrets(t, "health message", res.Message, tt.password)
			assertNoSecrets(t, "health details", string(res.JSONDetails), tt.password)
		})
	}
}

func TestContractCallResource(t *testing.T) {
	tp := servePlugin(t)
	db := storetest.New(t)
	db.CreateLogTables(t)
	pc := pluginContext(t, healthyJSONData(db), map[string]string{"password": db.Conn.Password})

	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		want       []string
	}{
		{"services lists every service with its SLO count", http.MethodGet, "services", "", 200, []string{`"name":"payment_service"`, `"slos":2`, `"name":"user_api"`}},
		{"slos of one service give type, objective as a ratio and window", http.MethodGet, "slos?service=payment_service", "", 200, []string{`"slo":"availability"`, `"objective":0.999`, `"window":"30d"`, `"sliType":"latency"`, `"thresholdMs":200`}},
		{"slos of an unknown service is a 404 naming it", http.MethodGet, "slos?service=nope", "", 404, []string{`no service \"nope\"`}},
		{"validate reports a valid config with counts", http.MethodPost, "validate", contractConfig, 200, []string{`"valid":true`, `"services":2`, `"slos":3`}},
		{"validate reports errors with path and line", http.MethodPost, "validate", "services:\n  a:\n    b:\n      target: 0\n      window: 30d\n      sli_type: success_rate\n", 200, []string{`"valid":false`, `"path":"services.a.b.target"`, `"line":4`}},
		{"an unknown resource is a 404", http.MethodGet, "nothing", "", 404, nil},
		{"a wrong method is a 405", http.MethodGet, "validate", "", 405, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, _, _ := strings.Cut(tt.path, "?")
			var got *backend.CallResourceResponse
			err := tp.Client.CallResource(context.Background(), &backend.CallResourceRequest{
				PluginContext: pc, Path: path, Method: tt.method, URL: tt.path, Body: []byte(tt.body),
			}, backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
				got = r
				return nil
			}))
			if err != nil {
				t.Fatalf("CallResource: %v", err)
			}
			if got == nil {
				t.Fatal("no response")
			}
			if got.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %s)", got.Status, tt.wantStatus, got.Body)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(got.Body), w) {
					t.Errorf("body %s does not contain %s", got.Body, w)
				}
			}
			assertNoSecrets(t, "resource body", string(got.Body))
		})
	}
}

// queryJSON builds DataQuery.JSON the way the query editor does.
func queryJSON(t *testing.T, fields map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestContractQueryDataErrorsNameTheField(t *testing.T) {
	tp := servePlugin(t)
	db := storetest.New(t)
	db.CreateLogTables(t)
	pc := pluginContext(t, healthyJSONData(db), map[string]string{"password": db.Conn.Password})

	tests := []struct {
		name  string
		query json.RawMessage
		want  string
	}{
		{"an unknown query type names queryType", queryJSON(t, map[string]any{"queryType": "nonsense"}), `queryType: unknown query type "nonsense"`},
		{"an unknown service names service", queryJSON(t, map[string]any{"queryType": "slo_status", "service": "ghost"}), `service: no service "ghost"`},
		{"an unknown SLO names slo", queryJSON(t, map[string]any{"queryType": "slo_status", "service": "payment_service", "slo": "ghost"}), `slo: no SLO "ghost" in the SLO config for service "payment_service"`},
		{"a field of the wrong type is named", queryJSON(t, map[string]any{"queryType": "slo_status", "service": 7}), `query.service: must be a string`},
		{"malformed JSON says so", json.RawMessage(`{"queryType":`), `query: not valid JSON`},
	}
	req := &backend.QueryDataRequest{PluginContext: pc}
	for i, tt := range tests {
		req.Queries = append(req.Queries, backend.DataQuery{RefID: fmt.Sprintf("R%d", i), JSON: tt.query})
	}
	resp, err := tp.Client.QueryData(context.Background(), req)
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := resp.Responses[fmt.Sprintf("R%d", i)]
			if !ok {
				t.Fatal("no response for the query")
			}
			if r.Error == nil || !strings.Contains(r.Error.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", r.Error, tt.want)
			}
			if r.Status != backend.StatusBadRequest {
				t.Errorf("status = %v, want bad request", r.Status)
			}
			assertNoSecrets(t, "query error", r.Error.Error())
		})
	}
}

func TestContractQueryDataSLOStatus(t *testing.T) {
	tp := servePlugin(t)
	db := storetest.New(t)
	db.CreateLogTables(t)
	to := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	// 1,000 payment requests in the hour before `to`, one every 3.6 s: every 100th is a 503,
	// every 10th of the others takes 250 ms (over the 200 ms latency threshold).
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz - make_interval(secs => i * 3.6),
		       'payment_service',
		       CASE WHEN i % 100 = 0 THEN 503 ELSE 200 END,
		       CASE WHEN i % 10 = 5 THEN 250 ELSE 50 END
		FROM generate_series(1, 1000) AS i`, to)
	pc := pluginContext(t, healthyJSONData(db), map[string]string{"password": db.Conn.Password})

	resp, err := tp.Client.QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: pc,
		Queries: []backend.DataQuery{{
			RefID: "A", QueryType: "slo_status", TimeRange: backend.TimeRange{From: to.Add(-time.Hour), To: to},
			JSON: queryJSON(t, map[string]any{"queryType": "slo_status"}),
		}},
	})
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	r := resp.Responses["A"]
	if r.Error != nil {
		t.Fatalf("slo_status: %v", r.Error)
	}
	if len(r.Frames) != 1 {
		t.Fatalf("got %d frames, want 1", len(r.Frames))
	}
	f := r.Frames[0]
	if f.Meta == nil || f.Meta.Type != data.FrameTypeTable {
		t.Errorf("frame type = %+v, want table", f.Meta)
	}
	if n, _ := f.RowLen(); n != 3 {
		t.Fatalf("got %d rows, want one per SLO (3)", n)
	}
	row := func(i int) map[string]any {
		out := map[string]any{}
		for _, field := range f.Fields {
			if v, ok := field.ConcreteAt(i); ok {
				out[field.Name] = v
			} else {
				out[field.Name] = nil
			}
		}
		return out
	}
	// 1,000 valid, 10 bad: SLI 0.99; budget 0.001*1000 = 1 bad request, 10 spent: consumed
	// 10, remaining -9 (not clamped), breached; 1 h burn rate 0.01/0.001 = 10.
	availability := row(0)
	// Latency: 990 valid (5xx excluded); the 100 slow ones (i = 5, 15, ... 995) are all 200s:
	// good 890; error ratio 100/990 over an allowed 0.05: consumed 2.0202.
	latency := row(1)
	journey := row(2)
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"availability names its service and SLO", availability["service"].(string) + "/" + availability["slo"].(string), "payment_service/availability"},
		{"availability counts every request as valid", availability["valid"], int64(1000)},
		{"availability counts 5xx as bad", availability["good"], int64(990)},
		{"availability SLI is good/valid", availability["sli"], 0.99},
		{"availability objective is a ratio", availability["objective"], 0.999},
		{"availability budget remaining is not clamped", availability["budget_remaining"], -9.0},
		{"availability 1h burn rate is error ratio over allowed", availability["burn_rate_1h"], 10.0},
		{"availability is breached", availability["state"], "breached"},
		{"latency excludes 5xx from valid", latency["valid"], int64(990)},
		{"latency counts requests within 200 ms as good", latency["good"], int64(890)},
		{"latency budget consumed is bad over allowed", latency["budget_consumed"], (100.0 / 990) / 0.05},
		{"a journey without rows has no data", journey["state"], "no_data"},
		{"no data has a null SLI", journey["sli"], nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g, ok := tt.got.(float64); ok {
				if w, ok := tt.want.(float64); !ok || math.Abs(g-w) > 1e-9 {
					t.Errorf("got %v, want %v", tt.got, tt.want)
				}
				return
			}
			if tt.got != tt.want {
				t.Errorf("got %v (%T), want %v (%T)", tt.got, tt.got, tt.want, tt.want)
			}
		})
	}
}
