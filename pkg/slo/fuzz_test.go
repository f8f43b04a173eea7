package slo

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every diagnostic can be located, and that
// whatever the Config holds is valid.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(goodFixture))
	f.Add([]byte(strings.ReplaceAll(goodFixture, "99.9", "abc")))
	f.Add([]byte("services:\n  s: &a\n    x: *a\n"))
	f.Add([]byte("a: &a [*a]\nservices:\n  s:\n    o:\n      <<: *a\n"))
	f.Add([]byte("services: {s: {o: {target: 1e309, window: 1w1d, sli_type: latency, percentile: .nan}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, ds := parse(data) // not Parse: a panic must fail the fuzzer, not be recovered
		checkDiagnostics(t, ds)
		if cfg == nil {
			if !ds.HasErrors() {
				t.Fatal("nil config without an error")
			}
			return
		}
		checkConfig(t, cfg)
	})
}

func checkDiagnostics(t *testing.T, ds Diagnostics) {
	t.Helper()
	for _, d := range ds {
		if d.Path == "" && d.Line <= 0 {
			t.Errorf("diagnostic without a path or a line: %+v", d)
		}
		if d.Severity != SeverityError && d.Severity != SeverityWarning {
			t.Errorf("diagnostic with severity %q", d.Severity)
		}
		if d.Message == "" {
			t.Errorf("diagnostic without a message: %+v", d)
		}
	}
	if !sort.SliceIsSorted(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if (a.Line == 0) != (b.Line == 0) {
			return a.Line != 0
		}
		return a.Line < b.Line || (a.Line == b.Line && a.Column < b.Column)
	}) {
		t.Errorf("diagnostics are not sorted by line: %v", ds)
	}
}

func checkConfig(t *testing.T, cfg *Config) {
	t.Helper()
	for name, r := range cfg.Rules {
		if r.Name != name {
			t.Errorf("rule %q is named %q", name, r.Name)
		}
		switch r.Kind {
		case KindBurnRate:
			if r.Long <= 0 || r.Short <= 0 || r.Short >= r.Long || r.Threshold(30*Day) <= 0 || r.MinBadEvents < 0 {
				t.Errorf("invalid burn-rate rule kept: %+v", r)
			}
		case KindBudgetRemaining:
			if r.RemainingBelow <= 0 || r.RemainingBelow > 1 {
				t.Errorf("invalid budget rule kept: %+v", r)
			}
		default:
			t.Errorf("rule of kind %q kept", r.Kind)
		}
	}
	for _, svc := range cfg.Services {
		if svc.Name == "" || svc.LogName == "" || len(svc.SLOs) == 0 {
			t.Errorf("invalid service kept: %+v", svc)
		}
	}
	for _, s := range cfg.SLOs() {
		if !(s.Objective > 0 && s.Objective < 1) || s.Window <= 0 || s.WindowText == "" || s.Name == "" || strings.Contains(s.ID()[len(s.Service)+1:], "/") {
			t.Errorf("invalid SLO kept: %+v", s)
		}
		switch s.Type {
		case SuccessRate:
		case Latency:
			if !(s.ThresholdMS > 0) {
				t.Errorf("latency SLO without a threshold kept: %+v", s)
			}
		case UserJourney:
			if s.Journey == "" {
				t.Errorf("journey SLO without a journey kept: %+v", s)
			}
		default:
			t.Errorf("SLO of type %q kept", s.Type)
		}
		for _, name := range s.AlertRules {
			if _, ok := cfg.Rules[name]; !ok {
				t.Errorf("SLO %s names rule %q, not in the catalog", s.ID(), name)
			}
		}
		for _, f := range s.Filters {
			if ValidateIdentifier(f.Column) != nil || len(f.Values) == 0 {
				t.Errorf("invalid filter kept: %+v", f)
			}
		}
	}
	if s := cfg.Channels.Slack; s != nil && s.WebhookURLEnv != "" && !envName.MatchString(s.WebhookURLEnv) {
		t.Errorf("slack webhook kept as something other than a variable name")
	}
	if p := cfg.Channels.Pager; p != nil && p.RoutingKeyEnv != "" && !envName.MatchString(p.RoutingKeyEnv) {
		t.Errorf("pager key kept as something other than a variable name")
	}
	if cfg.Tables != nil && len(cfg.Tables.Validate()) != 0 {
		t.Errorf("invalid tables kept: %+v", cfg.Tables)
	}
}
