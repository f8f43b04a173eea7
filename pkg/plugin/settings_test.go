package plugin

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func instanceSettings(jsonData string, secure map[string]string) backend.DataSourceInstanceSettings {
	return backend.DataSourceInstanceSettings{UID: "test", JSONData: []byte(jsonData), DecryptedSecureJSONData: secure}
}

func TestLoadSettingsAppliesDefaults(t *testing.T) {
	s, err := LoadSettings(instanceSettings(`{"database":"logs","user":"grafana"}`, map[string]string{"password": "pw"}))
	if err != nil {
		t.Fatalf("LoadSettings: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"host", s.DB.Host, "localhost"},
		{"port", s.DB.Port, 5432},
		{"sslMode", s.DB.SSLMode, "prefer"},
		{"schema", s.Schema, "sloguard"},
		{"password", s.DB.Password, "pw"},
		{"maxOpenConns", s.DB.MaxConns, int32(10)},
		{"connectTimeout", s.DB.ConnectTimeout, 10 * time.Second},
		{"queryTimeout", s.DB.StatementTimeout, 30 * time.Second},
		{"detectionInterval", s.DetectionInterval, time.Minute},
		{"request table", s.Tables.WithDefaults().Requests.Table, "request_logs"},
		{"journey step column", s.Tables.WithDefaults().Journeys.StepName, "step_name"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadSettingsReadsEveryField(t *testing.T) {
	s, err := LoadSettings(instanceSettings(`{
		"host":"db.internal","port":6432,"database":"logs","user":"grafana","sslMode":"verify-full",
		"schema":"slo_state","sloConfigPath":"/etc/sloguard/slo.yaml",
		"requestLogs":{"table":"web.access_log","statusCode":"status","responseTimeMs":"latency_ms"},
		"journeyLogs":{"table":"journeys","success":"ok"},
		"detectionEnabled":true,"detectionInterval":"2m","maxOpenConns":4,"connectTimeout":3,"queryTimeout":12}`,
		map[string]string{"slackWebhookUrl": "https://example.invalid/hook", "pagerDutyRoutingKey": "rk", "smtpPassword": "sp", "slackBotToken": "bt"}))
	if err != nil {
		t.Fatalf("LoadSettings: %v", err)
	}
	tables := s.Tables.WithDefaults()
	checks := []struct {
		name      string
		got, want any
	}{
		{"host", s.DB.Host, "db.internal"},
		{"port", s.DB.Port, 6432},
		{"sslMode", s.DB.SSLMode, "verify-full"},
		{"schema", s.Schema, "slo_state"},
		{"sloConfigPath", s.SLOConfigPath, "/etc/sloguard/slo.yaml"},
		{"request table", tables.Requests.Table, "web.access_log"},
		{"status column", tables.Requests.StatusCode, "status"},
		{"latency column", tables.Requests.ResponseTimeMS, "latency_ms"},
		{"service column default", tables.Requests.Service, "service"},
		{"journey table", tables.Journeys.Table, "journeys"},
		{"journey success column", tables.Journeys.Success, "ok"},
		{"detectionEnabled", s.DetectionEnabled, true},
		{"detectionInterval", s.DetectionInterval, 2 * time.Minute},
		{"maxOpenConns", s.DB.MaxConns, int32(4)},
		{"connectTimeout", s.DB.ConnectTimeout, 3 * time.Second},
		{"queryTimeout", s.DB.StatementTimeout, 12 * time.Second},
		{"slack webhook", s.Secrets.SlackWebhookURL, "https://example.invalid/hook"},
		{"slack bot token", s.Secrets.SlackBotToken, "bt"},
		{"pagerduty key", s.Secrets.PagerDutyRoutingKey, "rk"},
		{"smtp password", s.Secrets.SMTPPassword, "sp"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadSettingsNamesEveryInvalidField(t *testing.T) {
	tests := []struct {
		name     string
		jsonData string
		want     []string
	}{
		{"a port out of range names jsonData.port", `{"database":"d","user":"u","port":70000}`, []string{"jsonData.port: must be between 1 and 65535"}},
		{"a missing database and user are both reported", `{}`, []string{"jsonData.database: is required", "jsonData.user: is required"}},
		{"an unknown SSL mode names jsonData.sslMode", `{"database":"d","user":"u","sslMode":"always"}`, []string{"jsonData.sslMode: must be one of"}},
		{"an upper-case schema is rejected", `{"database":"d","user":"u","schema":"SLO"}`, []string{"jsonData.schema: must be a lower-case SQL identifier"}},
		{"inline config and a config path together are rejected", `{"database":"d","user":"u","sloConfig":"services: {}","sloConfigPath":"/x.yaml"}`, []string{"jsonData.sloConfigPath: set either"}},
		{"a table name with SQL in it is rejected", `{"database":"d","user":"u","requestLogs":{"table":"logs; DROP TABLE x"}}`, []string{"jsonData.requestLogs.table:"}},
		{"a column name with a quote is rejected", `{"database":"d","user":"u","journeyLogs":{"stepName":"a\"b"}}`, []string{"jsonData.journeyLogs.stepName:"}},
		{"a detection interval that is not a duration is rejected", `{"database":"d","user":"u","detectionInterval":"often"}`, []string{"jsonData.detectionInterval: must be a duration"}},
		{"a detection interval under 10s is rejected", `{"database":"d","user":"u","detectionInterval":"1s"}`, []string{"jsonData.detectionInterval: must be at least 10s"}},
		{"too many connections are rejected", `{"database":"d","user":"u","maxOpenConns":1000}`, []string{"jsonData.maxOpenConns: must be between 1 and 100"}},
		{"a negative timeout is rejected", `{"database":"d","user":"u","connectTimeout":-1}`, []string{"jsonData.connectTimeout: must be between 1 and 300"}},
		{"a port given as a string names the field and the type", `{"database":"d","user":"u","port":"5432"}`, []string{"jsonData.port: must be a int, got a JSON string"}},
		{"jsonData that is not JSON says so", `{"database":`, []string{"jsonData: not valid JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadSettings(instanceSettings(tt.jsonData, map[string]string{"password": "hunter2-secret"}))
			if err == nil {
				t.Fatal("LoadSettings accepted invalid settings")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2-secret") {
				t.Errorf("error reveals the password: %q", err)
			}
		})
	}
}

func TestSettingsNeverFormatSecrets(t *testing.T) {
	s, err := LoadSettings(instanceSettings(`{"database":"d","user":"u"}`, map[string]string{
		"password": "db-pw-value", "slackWebhookUrl": "https://hooks.example/T0/B0/xyz", "slackBotToken": "xoxb-value",
		"pagerDutyRoutingKey": "routing-key-value", "smtpPassword": "smtp-pw-value",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v"} {
		out := fmt.Sprintf(format, s)
		for _, secret := range []string{"db-pw-value", "xyz", "xoxb-value", "routing-key-value", "smtp-pw-value"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s formats secret %q: %s", format, secret, out)
			}
		}
		if !strings.Contains(out, "slackWebhookUrl") {
			t.Errorf("%s does not say which secrets are set: %s", format, out)
		}
	}
}

func TestNotificationSettingsAreValidatedNamingTheField(t *testing.T) {
	ds := backend.DataSourceInstanceSettings{JSONData: []byte(`{"database":"d","user":"u",
		"pagerDutyEndpoint":"ftp://x","dashboardUrl":"/relative","smtpPort":70000,"smtpTLS":"maybe",
		"smtpFrom":"not an address","smtpRecipients":["ok@example.com","nope"]}`)}
	_, err := LoadSettings(ds)
	for _, want := range []string{"jsonData.pagerDutyEndpoint:", "jsonData.dashboardUrl:", "jsonData.smtpPort:",
		"jsonData.smtpTLS:", "jsonData.smtpFrom:", "jsonData.smtpRecipients[1]:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %s", err, want)
		}
	}
	s, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: []byte(`{"database":"d","user":"u",
		"slackChannel":"#slo","smtpHost":"smtp.example","smtpPort":465,"smtpTLS":"tls","smtpRecipients":["a@example.com"],
		"dashboardUrl":"https://grafana.example/d/x"}`)})
	if err != nil || s.Notify.SlackChannel != "#slo" || s.Notify.SMTPPort != 465 || s.DashboardURL != "https://grafana.example/d/x" {
		t.Errorf("settings %+v, error %v", s.Notify, err)
	}
}
