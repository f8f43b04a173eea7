package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// backtestScenario: 8 hours of payment_service traffic with a 20-minute total outage.
const backtestScenario = `start: 2026-11-02T00:00:00Z
services:
  - name: payment_service
    rate_per_minute: 300
    error_ratio: 0.0002
    latency: {p50_ms: 40, p95_ms: 150}
incidents:
  - name: payment outage
    service: payment_service
    at: 4h
    duration: 20m
    error_ratio: 1.0
`

// backtestData backfills the scenario into a test schema and returns the SLO config (mapped
// to the test's tables) and the labels file.
func backtestData(t *testing.T) (cfg, labels string) {
	t.Helper()
	db := storetest.New(t)
	db.CreateLogTables(t)
	sc, err := simulate.ParseScenario([]byte(backtestScenario), "scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	res, err := simulate.Backfill(context.Background(), db.Pool, sc, simulate.BackfillOptions{From: from, To: from.Add(8 * time.Hour), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	labels = filepath.Join(t.TempDir(), "labels.json")
	f, err := os.Create(labels)
	if err != nil {
		t.Fatal(err)
	}
	if err := simulate.WriteLabels(f, res.Labels); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, twoSLOs+"tables:\n  requests:\n    table: "+db.Schema+".request_logs\n"), labels
}

func TestBacktestJSONScoresTheConfigAndTheNaiveRuleOnTheSameHistory(t *testing.T) {
	cfg, labels := backtestData(t)
	code, stdout, stderr := runCLI(t, "backtest", "--config", cfg, "--dsn", os.Getenv(storetest.EnvURL),
		"--schema", storetest.New(t).PluginSchema, "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-02T08:00:00Z",
		"--labels", labels, "--compare", "naive", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit code = %d, stderr %s", code, stderr)
	}
	var out backtestOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not one JSON document: %v\n%s", err, stdout)
	}
	if out.Replay.RuleSet != "config" || out.Replay.Points != 2*481 || out.Compare == nil || out.Compare.Replay.RuleSet != "naive" {
		t.Fatalf("runs: %s with %d points, compare %+v", out.Replay.RuleSet, out.Replay.Points, out.Compare)
	}
	for _, run := range []backtestRun{out.backtestRun, *out.Compare} {
		sc := run.Score
		if sc == nil || len(sc.Labels) != 1 || !sc.Labels[0].Paged || sc.Labels[0].DetectionDelay == nil {
			t.Fatalf("%s: score = %+v", run.Replay.RuleSet, sc)
		}
		// A total outage: detected within the rule's detection time, for and a step.
		if d := *sc.Labels[0].DetectionDelay; d <= 0 || d > 5*60 {
			t.Errorf("%s: detection delay %v s", run.Replay.RuleSet, d)
		}
	}
	if !strings.Contains(stdout, `"state": "firing"`) || !strings.Contains(stdout, `"channel": "pager"`) {
		t.Errorf("transitions or notifications missing:\n%s", stdout)
	}
}

func TestBacktestTableShowsTransitionsIncidentsAndScoresSideBySide(t *testing.T) {
	cfg, labels := backtestData(t)
	code, stdout, stderr := runCLI(t, "backtest", "--config", cfg, "--dsn", os.Getenv(storetest.EnvURL),
		"--schema", storetest.New(t).PluginSchema, "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-02T08:00:00Z",
		"--labels", labels, "--compare", "naive")
	if code != exitOK {
		t.Fatalf("exit code = %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"TRANSITIONS", "fast_burn", "INCIDENTS (", "SCORE", "payment outage", "config: DETECTED BY",
		"naive: DETECTED BY", "false pages", "page precision / recall"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBacktestRejectsBadArguments(t *testing.T) {
	cfg := writeFile(t, twoSLOs)
	badRules := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(badRules, []byte("alert_rules:\n  x:\n    type: burn_rate\n    long_window: 1h\n    budget_fraction: 0.02\n    severity: sev1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dsn := "postgres://nobody@127.0.0.1:1/db?connect_timeout=1"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"without --from", []string{"--config", cfg, "--dsn", dsn}, exitError, "usage: sloguard backtest"},
		{"a --from that is no time", []string{"--config", cfg, "--dsn", dsn, "--from", "yesterday"}, exitError, `--from: "yesterday" is not RFC 3339, now, or an offset such as -7d`},
		{"a range backwards", []string{"--config", cfg, "--dsn", dsn, "--from", "-1d", "--to", "-2d"}, exitError, "is not before --to"},
		{"a step that is not whole minutes", []string{"--config", cfg, "--dsn", dsn, "--from", "-1d", "--step", "90s"}, exitError, `--step: "90s"`},
		{"an invalid comparison rule set, with its line", []string{"--config", cfg, "--dsn", dsn, "--from", "-1d", "--compare", badRules},
			exitInvalid, "rules.yaml:6:15: alert_rules.x.severity"},
		{"a missing labels file", []string{"--config", cfg, "--dsn", dsn, "--from", "-1d", "--labels", "/nonexistent/labels.json"},
			exitError, "--labels: open /nonexistent/labels.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"backtest"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}
