package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "slo.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const twoSLOs = `services:
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
`

func TestValidate(t *testing.T) {
	tests := []struct {
		name       string
		config     string
		wantCode   int
		wantStdout string
		wantStderr []string
	}{
		{"a valid config exits 0 and counts services and SLOs", twoSLOs, 0, "valid: 1 services, 2 SLOs, 0 warnings", nil},
		{
			"an invalid target exits 1 with file:line:col: path: message",
			strings.Replace(twoSLOs, "target: 99.9", "target: 0", 1), 1, "",
			[]string{"slo.yaml:4:15: services.payment_service.availability.target: ", "invalid: 1 errors"},
		},
		{
			"every problem is reported at once",
			strings.Replace(strings.Replace(twoSLOs, "target: 99.9", "target: 0", 1), "window: 30d\n      sli_type: latency", "window: soon\n      sli_type: latency", 1), 1, "",
			[]string{"services.payment_service.availability.target", "services.payment_service.latency.window", "invalid: 2 errors"},
		},
		{
			"an unknown key suggests the right one",
			strings.Replace(twoSLOs, "sli_type: success_rate", "sli_typ: success_rate", 1), 1, "",
			[]string{`did you mean "sli_type"`},
		},
		{
			"a warning keeps the config valid and says warning",
			strings.Replace(twoSLOs, "target: 99.9", "target: 90", 1), 0, "1 warnings",
			[]string{"services.payment_service.availability: warning: "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "validate", "--config", writeFile(t, tt.config))
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout %q does not contain %q", stdout, tt.wantStdout)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
		})
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"an unknown command", []string{"frobnicate"}},
		{"validate without --config", []string{"validate"}},
		{"validate of a missing file", []string{"validate", "--config", "/nonexistent/slo.yaml"}},
		{"eval without a database", []string{"eval", "--config", "x.yaml", "--dsn", ""}},
		{"eval with an unknown format", []string{"eval", "--config", "x.yaml", "--dsn", "postgres://x", "--format", "xml"}},
		{"eval with a bad --at", []string{"eval", "--config", "x.yaml", "--dsn", "postgres://x", "--at", "yesterday"}},
		{"detect without --config", []string{"detect", "--dsn", "postgres://x"}},
		{"detect without a database", []string{"detect", "--config", "x.yaml", "--dsn", ""}},
		{"detect with a bad --interval", []string{"detect", "--config", "x.yaml", "--dsn", "postgres://x", "--interval", "often"}},
		{"detect with a zero --interval", []string{"detect", "--config", "x.yaml", "--dsn", "postgres://x", "--interval", "0s"}},
		{"detect with a secret as a flag", []string{"detect", "--config", "x.yaml", "--dsn", "postgres://x", "--slack-webhook-url", "https://hooks"}},
		{"detect with a bad schema", []string{"detect", "--config", "x.yaml", "--dsn", "postgres://x", "--schema", "Bad-Name"}},
		{"detect of a missing file", []string{"detect", "--config", "/nonexistent/slo.yaml", "--dsn", "postgres://x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, _ := runCLI(t, tt.args...); code != exitError {
				t.Errorf("exit code = %d, want %d", code, exitError)
			}
		})
	}
}

func TestEvalDatabaseErrorExits2WithoutThePassword(t *testing.T) {
	cfg := writeFile(t, twoSLOs)
	code, _, stderr := runCLI(t, "eval", "--config", cfg, "--dsn", "postgres://someone:pw-secret-value@127.0.0.1:1/db?connect_timeout=2")
	if code != exitError {
		t.Errorf("exit code = %d, want 2", code)
	}
	if strings.Contains(stderr, "pw-secret-value") {
		t.Errorf("stderr reveals the password: %s", stderr)
	}
}

func TestEvalJSON(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	// 600 requests in the last hour, every 60th a 500 (10 bad): e = 1/60.
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz - make_interval(secs => i * 6), 'payment_service',
		       CASE WHEN i % 60 = 0 THEN 500 ELSE 200 END, 100
		FROM generate_series(1, 600) AS i`, at)
	cfg := writeFile(t, twoSLOs+"tables:\n  requests:\n    table: "+db.Schema+".request_logs\n")
	dsn := os.Getenv(storetest.EnvURL)

	code, stdout, stderr := runCLI(t, "eval", "--config", cfg, "--dsn", dsn, "--schema", db.PluginSchema,
		"--at", at.Format(time.RFC3339), "--format", "json")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr %s", code, stderr)
	}
	var out struct {
		At   time.Time `json:"at"`
		SLOs []struct {
			Service     string              `json:"service"`
			SLO         string              `json:"slo"`
			Objective   float64             `json:"objective"`
			Window      string              `json:"window"`
			WindowGood  int64               `json:"window_good"`
			WindowValid int64               `json:"window_valid"`
			BurnRates   map[string]*float64 `json:"burn_rates"`
			State       string              `json:"state"`
			Percentiles map[string]float64  `json:"percentiles_ms"`
		} `json:"slos"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if !out.At.Equal(at) || len(out.SLOs) != 2 {
		t.Fatalf("at %s with %d SLOs, want %s with 2", out.At, len(out.SLOs), at)
	}
	a := out.SLOs[0]
	if a.Service != "payment_service" || a.SLO != "availability" || a.Objective != 0.999 || a.Window != "30d" {
		t.Errorf("identity = %+v", a)
	}
	if a.WindowGood != 590 || a.WindowValid != 600 {
		t.Errorf("window counts = %d/%d, want 590/600", a.WindowGood, a.WindowValid)
	}
	for _, w := range []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"} {
		if _, ok := a.BurnRates[w]; !ok {
			t.Errorf("burn_rates lacks %s: %v", w, a.BurnRates)
		}
	}
	// 1h: 10 bad of 600: (1/60)/0.001 = 16.67.
	if br := a.BurnRates["1h"]; br == nil || *br < 16.66 || *br > 16.67 {
		t.Errorf("1h burn rate = %v, want 16.67", br)
	}
	if got := out.SLOs[1].Percentiles; got["p50"] != 100 || got["p99"] != 100 {
		t.Errorf("latency percentiles = %v, want 100 ms each", got)
	}
}

func TestMigrateReportsVersionsAndIsIdempotent(t *testing.T) {
	db := storetest.New(t)
	dsn := os.Getenv(storetest.EnvURL)
	latest := store.LatestVersion()
	for _, want := range []string{
		fmt.Sprintf("version 0 -> %d (latest %d)", latest, latest),
		fmt.Sprintf("version %d -> %d (latest %d)", latest, latest, latest),
	} {
		code, stdout, stderr := runCLI(t, "migrate", "--dsn", dsn, "--schema", db.PluginSchema)
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("migrate: exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
		}
	}
	if code, _, _ := runCLI(t, "migrate", "--dsn", dsn, "--schema", "Bad-Name"); code != exitError {
		t.Errorf("a bad schema name exits %d, want 2", code)
	}
}

// TestDetectRunsUntilItsContextEnds runs `sloguard detect` against a test database with a
// context that ends after a few seconds, as SIGINT would: it migrates the plugin schema,
// becomes leader, runs a cycle and exits 0.
func TestDetectRunsUntilItsContextEnds(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	cfg := writeFile(t, twoSLOs+"tables:\n  requests:\n    table: "+db.Schema+".request_logs\n")
	dsn := os.Getenv(storetest.EnvURL)
	for _, env := range []string{"SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN", "PAGERDUTY_ROUTING_KEY", "SMTP_HOST", "SMTP_PASSWORD"} {
		t.Setenv(env, "")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"detect", "--config", cfg, "--dsn", dsn, "--schema", db.PluginSchema, "--interval", "1s"}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit code = %d, stderr %s", code, errOut.String())
	}
	for _, want := range []string{"detect: running", "became leader", "detect: stopped"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, errOut.String())
		}
	}
	v, err := store.SchemaVersion(context.Background(), db.Pool, db.PluginSchema)
	if err != nil || v != store.LatestVersion() {
		t.Errorf("plugin schema at version %d (%v), want %d", v, err, store.LatestVersion())
	}
}

func TestDetectRefusesAnUnusableChannel(t *testing.T) {
	cfg := writeFile(t, twoSLOs)
	t.Setenv("PAGERDUTY_ROUTING_KEY", "too-short-routing-key-secret")
	code, _, stderr := runCLI(t, "detect", "--config", cfg, "--dsn", "postgres://x")
	if code != exitError || !strings.Contains(stderr, "routing_key") {
		t.Errorf("exit %d, stderr %q: want 2 naming routing_key", code, stderr)
	}
	if strings.Contains(stderr, "too-short-routing-key-secret") {
		t.Errorf("stderr reveals the key: %s", stderr)
	}
}
