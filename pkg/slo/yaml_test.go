package slo

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDocumentsThatAreNotConfigurations(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		nilConfig bool
		fragment  string
		line      int
	}{
		{"text that is not YAML gives no config and a positioned error", "services:\n  a: [\n", true, "2: (document): not valid YAML", 2},
		{"a tab-indented document is not YAML", "services:\n\ta: 1\n", true, "not valid YAML", 2},
		{"an empty document is an error with an empty config", "", false, "empty document", 0},
		{"a comment-only document is empty", "# nothing\n", false, "empty document", 0},
		{"a list is not a configuration", "- a\n- b\n", false, "must be a mapping with a services key", 1},
		{"a document without services is an error", "alert_rules: {}\n", false, "services: required", 1},
		{"a second document is an error", "services: {}\n---\nservices: {}\n", false, "only one YAML document", 2},
		{"an unknown anchor is not YAML", "services: *nope\n", true, "unknown anchor", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ds := Parse([]byte(tt.data))
			if (cfg == nil) != tt.nilConfig {
				t.Errorf("config nil = %v, want %v", cfg == nil, tt.nilConfig)
			}
			if cfg != nil && len(cfg.Rules) != len(DefaultRules()) {
				t.Errorf("the config lacks the default rules")
			}
			errs := ds.Errors()
			if len(errs) == 0 || !strings.Contains(errs[0].String(), tt.fragment) || errs[0].Line != tt.line {
				t.Errorf("errors = %v; want one at line %d mentioning %q", ds, tt.line, tt.fragment)
			}
		})
	}
}

func TestAliasesAndMergeKeysAreFollowed(t *testing.T) {
	data := []byte(`defaults: &d
  window: 30d
  sli_type: success_rate
`)
	// `defaults` is not a known key: anchors must live inside the document's own keys.
	if _, ds := parse(data); !ds.HasErrors() {
		t.Fatal("unknown top-level key accepted")
	}
	data = []byte(`services:
  a:
    one: &base
      target: 99.9
      window: 30d
      sli_type: success_rate
      alert_rules: &rules [fast_burn]
    two:
      <<: *base
      target: 99.5
    three:
      <<: [*base]
      window: 7d
      alert_rules: *rules
`)
	cfg, ds := mustParse(t, data)
	if len(ds) != 0 {
		t.Errorf("diagnostics: %v", ds)
	}
	slos := cfg.SLOs()
	if len(slos) != 3 || slos[1].Objective != 0.995 || slos[1].Window != 30*Day || slos[2].Window != 7*Day || slos[2].Objective != 0.999 ||
		!reflect.DeepEqual(slos[2].AlertRules, []string{"fast_burn"}) {
		t.Errorf("SLOs = %+v", slos)
	}
}

func TestAnAliasBombIsRefusedQuickly(t *testing.T) {
	// Each level merges the previous one ten times: 10^12 merged mappings if expanded.
	var b strings.Builder
	b.WriteString("x:\n  m0: &m0 {target: 99.9}\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  m%d: &m%d\n    <<: [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*m%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("services:\n  s:\n    o:\n      <<: *m12\n      window: 30d\n      sli_type: success_rate\n")
	start := time.Now()
	cfg, ds := Parse([]byte(b.String()))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if cfg == nil || !strings.Contains(ds.Err().Error(), "aliases expand to more than") {
		t.Errorf("config %v, diagnostics %v", cfg, ds)
	}
}
