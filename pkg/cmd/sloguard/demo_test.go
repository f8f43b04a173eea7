package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// TestDemoPagesOnTheLiveOutage runs the demo on a test schema with two hours of history and
// its clock 120 times faster than real time, until the live outage (a minute in, 4 minutes
// of 100 % errors) pages through the PagerDuty receiver.
func TestDemoPagesOnTheLiveOutage(t *testing.T) {
	db := storetest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out, errOut lockedBuffer
	pages := make(chan received, 16)
	done := make(chan error, 1)
	go func() {
		done <- runDemoLoop(ctx, demoOptions{
			dsn: os.Getenv(storetest.EnvURL), schema: db.Schema, seed: 1, history: 2 * time.Hour,
			detectEvery: 100 * time.Millisecond, liveEvery: 50 * time.Millisecond, statusEvery: 500 * time.Millisecond,
			clock: spedUpClock(time.Now(), 120), stdout: &out, stderr: &errOut,
			onMessage: func(m received) {
				if m.Channel == "pagerduty" && m.Action == "trigger" {
					pages <- m
				}
			},
		})
	}()
	select {
	case page := <-pages:
		if page.Severity != "critical" || !strings.Contains(page.Summary, "checkout") {
			t.Errorf("page = %+v, want a critical page about checkout", page)
		}
	case err := <-done:
		t.Fatalf("demo ended before a page: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	case <-ctx.Done():
		t.Fatalf("no page within 90 s\nstdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("demo: %v", err)
	}
	for _, want := range []string{"demo: backfilling 2h", "incident started: checkout outage (live)", "-> pagerduty trigger (critical)",
		"SLO  ", "checkout/availability  "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if !regexp.MustCompile(`demo: [1-9]\d* requests, [1-9]\d* journey events, \d+ incidents in the history`).MatchString(out.String()) {
		t.Errorf("stdout lacks what the backfill wrote:\n%s", out.String())
	}
	if strings.Contains(out.String(), demoRoutingKey) {
		t.Error("stdout shows the routing key")
	}
}

func TestDemoUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--dsn", ""},
		{"demo", "--dsn", "postgres://x", "--days", "0"},
		{"demo", "--dsn", "postgres://x", "--speed", "0"},
		{"demo", "--dsn", "postgres://x", "--interval", "0s"},
		{"demo", "--dsn", "postgres://x", "--schema", "Bad-Name"},
		{"demo", "--dsn", "postgres://x", "extra"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitError {
			t.Errorf("%v exits %d, want 2", args, code)
		}
	}
}
