package simulate

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sloguard/sloguard/pkg/slo"
)

const corpusDir = "testdata/scenarios"

// TestCorpusScenariosBackfillWithLabels backfills every corpus scenario over its own range
// and checks that its labels round-trip through JSON, name SLO targets of the corpus's
// slo.yaml and cover rows.
func TestCorpusScenariosBackfillWithLabels(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "slo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, diags := slo.Parse(data)
	if diags.HasErrors() {
		t.Fatalf("slo.yaml: %v", diags.Err())
	}
	var services, journeys []string
	for _, s := range cfg.SLOs() {
		services = append(services, s.LogService)
		journeys = append(journeys, s.Journey)
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.yaml"))
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == "slo.yaml" })
	if len(files) != 8 {
		t.Fatalf("corpus has %d scenarios, want 8: %v", len(files), files)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			t.Parallel()
			sc, err := LoadScenario(file)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Start.IsZero() || sc.Duration <= 0 || sc.Duration > 7*slo.Day {
				t.Fatalf("start %s, duration %s: want both, a week or less", sc.Start, sc.Duration)
			}
			db := newLogDB(t)
			res := backfill(t, db, sc, sc.Start, sc.Start.Add(sc.Duration), 1)
			if res.Requests+res.JourneyEvents == 0 {
				t.Fatal("no rows written")
			}
			if (len(res.Labels) == 0) != (filepath.Base(file) == "noise_week.yaml") {
				t.Errorf("labels = %s; only the noise week has none", labelNames(res.Labels))
			}
			var buf bytes.Buffer
			if err := WriteLabels(&buf, res.Labels); err != nil {
				t.Fatal(err)
			}
			back, err := ReadLabels(&buf)
			if err != nil || len(back) != len(res.Labels) {
				t.Fatalf("labels read back: %d, %v", len(back), err)
			}
			for _, l := range back {
				target, table, column := l.Service, "request_logs", "service"
				if l.Kind == KindJourneyStep {
					target, table, column = l.Journey, "user_journey_logs", "journey_name"
				}
				if !slices.Contains(services, target) && !slices.Contains(journeys, target) {
					t.Errorf("label %q targets %q, which no SLO of slo.yaml reads", l.Name, target)
				}
				var n int64
				queryRow(t, db, `SELECT count(*) FROM `+table+` WHERE `+column+` = $1 AND "timestamp" >= $2 AND "timestamp" < $3`,
					[]any{target, l.Start, l.End}, &n)
				if n == 0 {
					t.Errorf("label %q (%s - %s) covers no rows", l.Name, l.Start, l.End)
				}
			}
		})
	}
}
