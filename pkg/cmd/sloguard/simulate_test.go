package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

const simScenario = `services:
  - name: payment_service
    rate_per_minute: 60
    error_ratio: 0.01
    latency: {p50_ms: 40, p95_ms: 150}
journeys:
  - name: user_registration
    rate_per_minute: 5
    steps:
      - {name: submit_form, failure_ratio: 0.01, p50_ms: 300, p95_ms: 900}
incidents:
  - {name: outage, service: payment_service, at: 30m, duration: 10m, error_ratio: 1}
`

// simulateTables is an SLO config whose tables: mapping points at the test schema.
func simulateTables(t *testing.T, db *storetest.DB) string {
	return writeFile(t, "services:\n  payment_service:\n    availability: {target: 99.9, window: 30d, sli_type: success_rate}\n"+
		"tables:\n  requests:\n    table: "+db.Schema+".request_logs\n  journeys:\n    table: "+db.Schema+".user_journey_logs\n")
}

func writeScenario(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "scenario.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSimulateBackfillsARangeWithLabels(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	labels := filepath.Join(t.TempDir(), "labels.json")
	code, stdout, stderr := runCLI(t, "simulate", "--dsn", os.Getenv(storetest.EnvURL), "--scenario", writeScenario(t, simScenario),
		"--config", simulateTables(t, db), "--seed", "3", "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-02T02:00:00Z", "--labels", labels)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var requests, bad, journeys int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM request_logs),
		(SELECT count(*) FROM request_logs WHERE status_code >= 500 AND "timestamp" >= '2026-11-02T00:30:00Z' AND "timestamp" < '2026-11-02T00:40:00Z'),
		(SELECT count(*) FROM user_journey_logs)`).Scan(&requests, &bad, &journeys); err != nil {
		t.Fatal(err)
	}
	if requests < 6000 || journeys < 500 || bad < 500 {
		t.Errorf("%d requests (%d failed in the outage), %d journey events; want ~7200, ~600 and ~550", requests, bad, journeys)
	}
	if !strings.Contains(stdout, "1 incidents") || !strings.Contains(stdout, "outage [error_spike] payment_service 2026-11-02T00:30:00Z") {
		t.Errorf("stdout = %q", stdout)
	}
	if !strings.Contains(stderr, "100.0%") || !strings.Contains(stderr, "rows/s") {
		t.Errorf("no progress bar on stderr: %q", stderr)
	}
	f, err := os.Open(labels)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := simulate.ReadLabels(f)
	if err != nil || len(got) != 1 || got[0].Name != "outage" {
		t.Errorf("labels file: %+v, %v", got, err)
	}
}

// cancelOn is a writer that cancels a context once the text written so far contains want,
// as SIGINT would when the user sees that line.
type cancelOn struct {
	bytes.Buffer
	want   string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	if strings.Contains(w.String(), w.want) {
		w.cancel()
	}
	return n, err
}

func TestSimulateLiveBackfillsThenRunsUntilInterrupted(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelOn{want: "live: writing traffic", cancel: cancel}
	var errOut bytes.Buffer
	code := run(ctx, []string{"simulate", "--dsn", os.Getenv(storetest.EnvURL), "--scenario", writeScenario(t, simScenario),
		"--config", simulateTables(t, db), "--live", "--backfill", "1h", "--interval", "50ms"}, out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut.String())
	}
	var total int64
	var newest time.Time
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*), max("timestamp") FROM request_logs`).Scan(&total, &newest); err != nil {
		t.Fatal(err)
	}
	if total < 3000 || time.Since(newest) > time.Minute {
		t.Errorf("%d requests up to %s; want the hour before now (~3600)", total, newest)
	}
	if !strings.Contains(out.String(), "backfilled") || !strings.Contains(out.String(), "1 incidents") {
		t.Errorf("stdout = %q", out.String())
	}

	// A restart (docker compose stop/start) resumes after the rows written: the hour is not
	// written twice.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	again := &cancelOn{want: "live: writing traffic", cancel: cancel}
	code = run(ctx, []string{"simulate", "--dsn", os.Getenv(storetest.EnvURL), "--scenario", writeScenario(t, simScenario),
		"--config", simulateTables(t, db), "--live", "--backfill", "1h", "--interval", "50ms"}, again, &errOut)
	if code != exitOK {
		t.Fatalf("restart: exit %d, stderr %s", code, errOut.String())
	}
	var after int64
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM request_logs`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again.String(), "resuming after the last row written") || after-total > 300 {
		t.Errorf("restart wrote %d more requests (want at most the minutes since the first run's last row); stdout %q", after-total, again.String())
	}
}

func TestSimulateRejectsBadInput(t *testing.T) {
	scenario := writeScenario(t, simScenario)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no scenario", []string{"--dsn", "postgres://x", "--from", "-1h", "--to", "now"}, exitError, "--dsn and --scenario are required"},
		{"no range", []string{"--dsn", "postgres://x", "--scenario", scenario}, exitError, "give --from and --to, or --live"},
		{"a bad time", []string{"--dsn", "postgres://x", "--scenario", scenario, "--from", "yesterday", "--to", "now"}, exitError, `--from: "yesterday" is not RFC 3339`},
		{"an empty range", []string{"--dsn", "postgres://x", "--scenario", scenario, "--from", "now", "--to", "-1h"}, exitError, "must be after --from"},
		{"live with a range", []string{"--dsn", "postgres://x", "--scenario", scenario, "--live", "--from", "-1h"}, exitError, "--live writes from now on"},
		{"a backfill that is not a window", []string{"--dsn", "postgres://x", "--scenario", scenario, "--live", "--backfill", "a while"}, exitError, `invalid value "a while" for flag -backfill`},
		{"backfill without live", []string{"--dsn", "postgres://x", "--scenario", scenario, "--from", "-1h", "--to", "now", "--backfill", "1h"}, exitError, "--backfill applies to --live"},
		{"an invalid scenario", []string{"--dsn", "postgres://x", "--scenario", writeScenario(t, "services: 3\n"), "--from", "-1h", "--to", "now"},
			exitInvalid, "scenario.yaml:1:11: services: must be a list"},
		{"an unreachable database", []string{"--dsn", "postgres://u:pw-secret@127.0.0.1:1/db?connect_timeout=2", "--scenario", scenario, "--from", "-1h", "--to", "now"},
			exitError, "simulate:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"simulate"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d with %q", code, stderr, tt.wantCode, tt.want)
			}
			if strings.Contains(stderr, "pw-secret") {
				t.Errorf("stderr reveals the password: %s", stderr)
			}
		})
	}
}

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 30, 15, 500, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"now", now.Truncate(time.Second)},
		{"-7d", now.Truncate(time.Second).Add(-7 * 24 * time.Hour)},
		{"-1h30m", now.Truncate(time.Second).Add(-90 * time.Minute)},
		{"2026-11-01T00:00:00+01:00", time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got, err := parseWhen(tt.in, now); err != nil || !got.Equal(tt.want) {
			t.Errorf("parseWhen(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "-", "-7x", "tomorrow"} {
		if _, err := parseWhen(bad, now); err == nil {
			t.Errorf("parseWhen(%q) accepted", bad)
		}
	}
}
