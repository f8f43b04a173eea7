package simulate

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// TestStackScenarioFeedsTheStackSLOs checks that provisioning/simulator/stack.yaml writes
// traffic for every SLO of provisioning/sloguard/slo.yaml (same services, journey and steps)
// and that its incidents repeat, so the stack pages within minutes.
func TestStackScenarioFeedsTheStackSLOs(t *testing.T) {
	sc, err := LoadScenario("../../provisioning/simulator/stack.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../provisioning/sloguard/slo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, diags := slo.Parse(data)
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	for _, s := range cfg.SLOs() {
		if s.Type == slo.UserJourney {
			i := slices.IndexFunc(sc.Journeys, func(j Journey) bool { return j.Name == s.Journey })
			if i < 0 {
				t.Errorf("%s: no journey %q in stack.yaml", s.ID(), s.Journey)
				continue
			}
			var steps []string
			for _, st := range sc.Journeys[i].Steps {
				steps = append(steps, st.Name)
			}
			var want []string
			for _, st := range cfg.Journey(s.Journey).Steps {
				want = append(want, st.Name)
			}
			if !slices.Equal(steps, want) {
				t.Errorf("%s: stack.yaml steps %v, slo.yaml steps %v", s.ID(), steps, want)
			}
			continue
		}
		if !slices.ContainsFunc(sc.Services, func(svc Service) bool { return svc.Name == s.LogService }) {
			t.Errorf("%s: no service %q in stack.yaml", s.ID(), s.LogService)
		}
	}
	soon := false
	for _, in := range sc.Incidents {
		if in.Every == 0 || !in.Start.IsZero() {
			t.Errorf("incident %q does not recur from the start of the simulation (every %s)", in.Name, in.Every)
		}
		soon = soon || in.At <= 15*time.Minute
	}
	if !soon {
		t.Error("no incident starts within 15 minutes")
	}
}
