package simulate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseScenarioReadsEveryField(t *testing.T) {
	sc := mustParse(t, `start: 2026-11-01T00:00:00Z
services:
  - name: payment_service
    endpoints: [/api/pay]
    rate_per_minute: 600
    daily_amplitude: 0.5
    weekly_amplitude: 0.2
    error_ratio: 0.0005
    client_error_ratio: 0.02
    latency: {p50_ms: 40, p95_ms: 150}
journeys:
  - name: user_registration
    rate_per_minute: 20
    steps:
      - {name: submit_form, failure_ratio: 0.001, p50_ms: 300, p95_ms: 900}
incidents:
  - name: payment outage
    service: payment_service
    at: 50h
    duration: 20m
    every: 1d
    error_ratio: 1
  - name: slow form
    journey: user_registration
    step: submit_form
    start: 2026-11-03T14:00:00Z
    duration: 1h
    latency_multiplier: 3
`)
	s := sc.Services[0]
	if s.Name != "payment_service" || s.RatePerMinute != 600 || s.ErrorRatio != 0.0005 || s.ClientErrorRatio != 0.02 ||
		s.Seasonality != (Seasonality{0.5, 0.2}) || s.Latency != (Latency{40, 150}) || len(s.Endpoints) != 1 {
		t.Errorf("service = %+v", s)
	}
	if j := sc.Journeys[0]; j.Name != "user_registration" || j.Steps[0] != (Step{"submit_form", 0.001, Latency{300, 900}}) {
		t.Errorf("journey = %+v", j)
	}
	out, slow := sc.Incidents[0], sc.Incidents[1]
	if out.At != 50*time.Hour || out.Duration != 20*time.Minute || out.Every != 24*time.Hour || out.ErrorRatio != 1 ||
		out.LatencyMultiplier != 1 || out.TrafficFactor != 1 || out.Kind() != KindErrorSpike {
		t.Errorf("outage = %+v", out)
	}
	if !slow.Start.Equal(time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)) || slow.LatencyMultiplier != 3 || slow.Kind() != KindJourneyStep {
		t.Errorf("slow form = %+v", slow)
	}
	if !sc.Start.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start = %s", sc.Start)
	}
}

// The scenario reader is the SLO config's: merge keys and aliases work, and a zero offset
// may be written with its unit.
func TestParseScenarioTakesMergeKeysAndZeroWithAUnit(t *testing.T) {
	sc := mustParse(t, `services:
  - &a {name: a, rate_per_minute: 10, latency: {p50_ms: 40, p95_ms: 150}}
  - {<<: *a, name: b, rate_per_minute: 20}
incidents:
  - {name: x, service: a, at: 0m, duration: 5m, error_ratio: 1}
`)
	if len(sc.Services) != 2 || sc.Services[0].RatePerMinute != 10 || sc.Services[1].RatePerMinute != 20 ||
		sc.Services[1].Latency != (Latency{40, 150}) {
		t.Errorf("services = %+v", sc.Services)
	}
	if in := sc.Incidents[0]; in.At != 0 || in.Duration != 5*time.Minute {
		t.Errorf("incident = %+v", in)
	}
}

func TestParseScenarioReportsPathAndLine(t *testing.T) {
	const svc = "services:\n  - name: a\n    rate_per_minute: 10\n    latency: {p50_ms: 40, p95_ms: 150}\n"
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"a ratio out of range", svc + "  - name: b\n    rate_per_minute: 10\n    error_ratio: 1.5\n    latency: {p50_ms: 1, p95_ms: 2}\n",
			[]string{"test.yaml:7:18: services[1].error_ratio: must be in [0, 1), got 1.5"}},
		{"not YAML", "services: [\n", []string{"test.yaml:1: (document): not valid YAML"}},
		{"an empty document", "", []string{"test.yaml: (document): empty scenario"}},
		{"no traffic", "incidents: []\n", []string{"test.yaml:1:1: services: required: services and/or journeys"}},
		{"empty lists", "services: []\njourneys: []\n", []string{"test.yaml:1:1: services: no services or journeys defined"}},
		{"an unknown key", strings.Replace(svc, "rate_per_minute", "rate", 1), []string{"test.yaml:3:5: services[0].rate: unknown key", "test.yaml:2:5: services[0].rate_per_minute: required"}},
		{"a duplicate service", svc + "  - name: a\n    rate_per_minute: 1\n    latency: {p50_ms: 1, p95_ms: 2}\n",
			[]string{`test.yaml:5:11: services[1].name: duplicate name "a" (first at line 2)`}},
		{"p95 below p50", strings.Replace(svc, "p95_ms: 150", "p95_ms: 10", 1), []string{"test.yaml:4:35: services[0].latency.p95_ms: must be >= p50_ms (40), got 10"}},
		{"a rate that is not a number", strings.Replace(svc, "rate_per_minute: 10", "rate_per_minute: lots", 1), []string{`test.yaml:3:22: services[0].rate_per_minute: must be a number, got "lots"`}},
		{"a missing latency", strings.Replace(svc, "    latency: {p50_ms: 40, p95_ms: 150}\n", "", 1), []string{"test.yaml:2:5: services[0].latency: required"}},
		{"amplitude above 1", svc + "    daily_amplitude: 2\n", []string{"test.yaml:5:22: services[0].daily_amplitude: must be in [0, 1], got 2"}},
		{"a journey without steps", "journeys:\n  - name: j\n    rate_per_minute: 1\n    steps: []\n", []string{"test.yaml:4:12: journeys[0].steps: must list at least one step"}},
		{"an incident on an unknown service", svc + "incidents:\n  - {name: x, service: b, at: 1h, duration: 5m, error_ratio: 1}\n",
			[]string{`test.yaml:6:24: incidents[0].service: unknown service "b"`}},
		{"an incident on an unknown step", "journeys:\n  - name: j\n    rate_per_minute: 1\n    steps: [{name: s, p50_ms: 1, p95_ms: 2}]\n" +
			"incidents:\n  - {name: x, journey: j, step: t, at: 1h, duration: 5m, error_ratio: 1}\n",
			[]string{`test.yaml:6:33: incidents[0].step: journey "j" has no step "t"`}},
		{"an incident without a time", svc + "incidents:\n  - {name: x, service: a, duration: 5m, error_ratio: 1}\n",
			[]string{"test.yaml:6:5: incidents[0].start: required: start (RFC 3339) or at"}},
		{"an incident with start and at", svc + "incidents:\n  - {name: x, service: a, at: 1h, start: 2026-11-01T00:00:00Z, duration: 5m, error_ratio: 1}\n",
			[]string{"test.yaml:6:27: incidents[0].at: give start (absolute) or at"}},
		{"a bad duration", svc + "incidents:\n  - {name: x, service: a, at: 1h, duration: soon, error_ratio: 1}\n",
			[]string{"test.yaml:6:45: incidents[0].duration: want a number then a unit"}},
		{"every shorter than the duration", svc + "incidents:\n  - {name: x, service: a, at: 1h, duration: 1h, every: 30m, error_ratio: 1}\n",
			[]string{"test.yaml:6:56: incidents[0].every: must be at least the duration (1h), got 30m"}},
		{"an incident without an effect", svc + "incidents:\n  - {name: x, service: a, at: 1h, duration: 5m}\n",
			[]string{"test.yaml:6:5: incidents[0]: needs an effect"}},
		{"an error ratio of 0", svc + "incidents:\n  - {name: x, service: a, at: 1h, duration: 5m, error_ratio: 0}\n",
			[]string{"test.yaml:6:62: incidents[0].error_ratio: must be in (0, 1], got 0"}},
		{"a second document", svc + "---\nservices: []\n", []string{"test.yaml:5:1: (document): only one YAML document is allowed"}},
		{"aliases expanding past the budget", billionLaughs(), []string{"(document): aliases expand to more than"}},
		{"a bad start time", "start: tomorrow\n" + svc, []string{`test.yaml:1:8: start: must be an RFC 3339 time such as 2026-11-01T00:00:00Z, got "tomorrow"`}},
		{"every problem at once", strings.Replace(strings.Replace(svc, "rate_per_minute: 10", "rate_per_minute: -1", 1), "p50_ms: 40", "p50_ms: 0", 1),
			[]string{"services[0].rate_per_minute: must be > 0", "services[0].latency.p50_ms: must be > 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := ParseScenario([]byte(tt.yaml), "test.yaml")
			if err == nil {
				t.Fatalf("no error; parsed %+v", sc)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
			if lines := strings.Count(err.Error(), "\n") + 1; lines != len(tt.want) {
				t.Errorf("%d problems reported, want %d:\n%s", lines, len(tt.want), err)
			}
		})
	}
}

func TestLoadScenarioNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(path, []byte("services: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadScenario(path); err == nil || !strings.HasPrefix(err.Error(), "broken.yaml:1:11: services: must be a list") {
		t.Errorf("error = %v", err)
	}
	if _, err := LoadScenario(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "read scenario") {
		t.Errorf("error = %v", err)
	}
}

// billionLaughs is a small scenario whose services each merge the one before ten times:
// 10^12 merged mappings if expanded.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("services:\n  - &m0 {name: s0, rate_per_minute: 1, latency: {p50_ms: 1, p95_ms: 2}}\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  - &m%d {<<: [%s], name: s%d}\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*m%d, ", i-1), 10), ", "), i)
	}
	return b.String()
}
