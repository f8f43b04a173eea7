package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// TestBenchPrintsEveryFigureAndDropsItsSchema runs the benchmark command end to end on a
// small table: every figure of the report is printed, the Go CPU profile is written, and the
// generated schema is gone afterwards.
func TestBenchPrintsEveryFigureAndDropsItsSchema(t *testing.T) {
	db := storetest.New(t)
	const rows = "1237" // schema sloguard_bench_1237
	profile := filepath.Join(t.TempDir(), "cpu.prof")
	code, stdout, stderr := runCLI(t, "bench", "--dsn", os.Getenv(storetest.EnvURL), "--rows", rows, "--runs", "2", "--cpuprofile", profile)
	if code != exitOK {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"plain SQL median", "engine status median", "7d series median", "refresh median", "dashboard median"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	// One line with a median and a p95 per figure of the second table.
	for _, figure := range []string{"all, one request", "slo_status", "error_budget", "burn_rate", "sli", "journey_steps", "journey_steps, time series"} {
		if !regexp.MustCompile(`(?m)^\s*` + rows + `\s+` + regexp.QuoteMeta(figure) + `\s+[0-9.]+ ms\s+[0-9.]+ ms\s*$`).MatchString(stdout) {
			t.Errorf("report lacks a line for %q:\n%s", figure, stdout)
		}
	}
	if fi, err := os.Stat(profile); err != nil || fi.Size() == 0 {
		t.Errorf("CPU profile %s not written: %v", profile, err)
	}
	var n int
	if err := db.Pool.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_namespace WHERE nspname = 'sloguard_bench_"+rows+"'").Scan(&n); err != nil || n != 0 {
		t.Errorf("bench schema left behind: %d (%v)", n, err)
	}
}

func TestBenchRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no database", []string{"bench", "--dsn", ""}},
		{"a size below the number of services", []string{"bench", "--dsn", "postgres://x@127.0.0.1:1/x", "--rows", "5"}},
		{"no runs", []string{"bench", "--dsn", "postgres://x@127.0.0.1:1/x", "--runs", "0"}},
		{"an unwritable profile", []string{"bench", "--dsn", "postgres://x@127.0.0.1:1/x", "--cpuprofile", "/nonexistent/dir/cpu.prof"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitError || stderr == "" {
				t.Errorf("exit code = %d, stderr %q; want %d with a message", code, stderr, exitError)
			}
		})
	}
}
