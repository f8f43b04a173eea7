package incident

import (
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

func ptr[T any](v T) *T { return &v }

func TestTitle(t *testing.T) {
	s := slo.SLO{Service: "payment_service", Name: "availability"}
	if got, want := Title(s), "SLO violation: payment_service availability"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
}

func TestDescription(t *testing.T) {
	availability := slo.SLO{Service: "payment_service", Name: "availability", Type: slo.SuccessRate,
		Objective: 0.999, Window: 30 * slo.Day, WindowText: "30d"}
	latency := slo.SLO{Service: "payment_service", Name: "pay_latency", Type: slo.Latency,
		Objective: 0.95, ThresholdMS: 200, Window: 28 * slo.Day}
	journey := slo.SLO{Service: "web", Name: "checkout", Type: slo.UserJourney, Journey: "checkout_flow",
		Objective: 0.995, Window: 7 * slo.Day, WindowText: "7d"}
	burning := []WindowBurn{{time.Hour, ptr(14.4)}, {5 * time.Minute, ptr(15.2)}}

	tests := []struct {
		name string
		slo  slo.SLO
		snap Snapshot
		want string
	}{
		{"a success_rate SLI is a percentage", availability,
			Snapshot{SLI: ptr(0.9912), BudgetRemaining: ptr(0.123), BurnRates: burning,
				TimeToExhaustion: ptr(150 * time.Minute), Rule: "fast_burn",
				RuleDescription: "2% of the error budget spent within 1 hour"},
			`SLO violation detected for payment_service availability (success_rate)

Current SLI: 99.12%
Objective: 99.9% over 30d
Error budget remaining: 12.3%
Burn rate: 14.40x (1h), 15.20x (5m)
Time to exhaustion: 2h30m

Alert rule: fast_burn
Description: 2% of the error budget spent within 1 hour

Please investigate and take appropriate action to restore the service level.`},
		{"a latency SLI is the share of requests within the threshold in ms, with the p95", latency,
			Snapshot{SLI: ptr(0.935), P95MS: ptr(412.34), BudgetRemaining: ptr(0.5),
				BurnRates: []WindowBurn{{6 * time.Hour, ptr(6.5)}}, TimeToExhaustion: ptr(36 * time.Hour),
				Rule: "slow_burn"},
			`SLO violation detected for payment_service pay_latency (latency)

Current SLI: 93.5% of requests within 200 ms, p95 412.3 ms
Objective: 95% of requests within 200 ms over 28d
Error budget remaining: 50.0%
Burn rate: 6.50x (6h)
Time to exhaustion: 1d12h

Alert rule: slow_burn

Please investigate and take appropriate action to restore the service level.`},
		{"a journey SLI is a percentage of journeys and names the journey", journey,
			Snapshot{SLI: ptr(0.98), BudgetRemaining: ptr(-0.2), BurnRates: burning[:1]},
			`SLO violation detected for web checkout (user_journey, journey checkout_flow)

Current SLI: 98%
Objective: 99.5% over 7d
Error budget remaining: -20.0%
Burn rate: 14.40x (1h)
Time to exhaustion: exhausted

Please investigate and take appropriate action to restore the service level.`},
		{"missing values are written as no data", latency,
			Snapshot{BurnRates: []WindowBurn{{time.Hour, nil}, {5 * time.Minute, nil}}},
			`SLO violation detected for payment_service pay_latency (latency)

Current SLI: no data
Objective: 95% of requests within 200 ms over 28d
Error budget remaining: no data
Burn rate: no data (1h), no data (5m)
Time to exhaustion: no data

Please investigate and take appropriate action to restore the service level.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Description(tt.slo, tt.snap); got != tt.want {
				t.Errorf("Description =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestDescriptionWithoutBurnRatesOrSpendingSaysSo(t *testing.T) {
	s := slo.SLO{Service: "a", Name: "b", Type: slo.SuccessRate, Objective: 0.99, Window: slo.Day}
	got := Description(s, Snapshot{SLI: ptr(1.0), BudgetRemaining: ptr(1.0)})
	for _, want := range []string{"Burn rate: no data\n", "Time to exhaustion: not being spent\n", "over 1d\n", "Current SLI: 100%\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("description lacks %q:\n%s", want, got)
		}
	}
}

func TestDescribeFillsTheIncidentText(t *testing.T) {
	s := slo.SLO{Service: "payment_service", Name: "availability", Type: slo.SuccessRate, Objective: 0.999}
	in := Decide(nil, []AlertEvent{firing("fast_burn", slo.AlertCritical, true)}, t0).Incident
	in.Describe(s, Snapshot{})
	if in.Service != s.Service || in.SLO != s.Name || in.Title != Title(s) ||
		in.Description != Description(s, Snapshot{}) {
		t.Errorf("incident = %+v", in)
	}
}
