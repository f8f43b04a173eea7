package backtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// corpusDir holds the scenario corpus and the SLO config it is written for.
const corpusDir = "../simulate/testdata/scenarios"

// corpusSeed is the seed the corpus is replayed with (docs/detection-quality.md).
const corpusSeed = 1

// warmUp is how long after a scenario's first row the replay starts. From the very first
// minute, a 30-day budget holds minutes of traffic: a handful of base errors spend it, and
// budget_exhaustion and ticket_burn_3d fire in the noise-only week's first half hour (a
// detector started on an empty history does the same; docs/detection-quality.md). Every
// labelled incident of the corpus starts later.
const warmUp = 6 * time.Hour

// pageBudget is the budget an incident must consume within an hour to have to page: the
// default fast_burn rule's b (slo-math.md: 2 % in 1 h, 14.4x at 30 d).
const pageBudget = 0.02

// corpusRun is one scenario backfilled, replayed with the config's rules and the naive rule,
// and scored.
type corpusRun struct {
	name          string
	cfg           *slo.Config
	eng           *engine.Engine
	labels        []simulate.Label
	from, to      time.Time // the scenario's traffic
	config, naive Report
	configScore   Scorecard
	naiveScore    Scorecard
}

// replayScenario backfills scenario file name over its own range with corpusSeed and
// replays it with both rule sets.
func replayScenario(t *testing.T, cfg *slo.Config, name string) corpusRun {
	t.Helper()
	sc, err := simulate.LoadScenario(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Start.IsZero() || sc.Duration <= 0 {
		t.Fatalf("%s: the corpus scenarios give their start and duration", name)
	}
	db := storetest.New(t)
	db.CreateLogTables(t)
	ctx := context.Background()
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	from, to := sc.Start, sc.Start.Add(sc.Duration)
	res, err := simulate.Backfill(ctx, db.Pool, sc, simulate.BackfillOptions{From: from, To: to, Seed: corpusSeed})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(db.Pool, engine.Options{Schema: db.PluginSchema, Config: cfg, ManualRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	naive, err := Naive()
	if err != nil {
		t.Fatal(err)
	}
	run := corpusRun{name: strings.TrimSuffix(name, ".yaml"), cfg: cfg, eng: eng, labels: res.Labels, from: from, to: to}
	reps, err := Compare(ctx, eng, cfg, Options{From: from.Add(warmUp), To: to, Step: time.Minute},
		RuleSet{}, RuleSet{Name: NaiveName, Rules: naive})
	if err != nil {
		t.Fatal(err)
	}
	run.config, run.naive = reps[0], reps[1]
	run.configScore, run.naiveScore = Score(run.config, res.Labels), Score(run.naive, res.Labels)
	return run
}

// labelBudget returns, for the SLO sloID affected by label l, the error ratio over the
// label and the largest fraction of the SLO's budget that one hour of it consumed (the
// hours ending from its start to an hour after its end), the budget being (1 - objective)
// times the valid events of a whole period at the scenario's mean rate, as the scenario
// comments reckon it.
func (r corpusRun) labelBudget(t *testing.T, sloID string, l simulate.Label) (ratio, hourBudget float64) {
	t.Helper()
	s, ok := r.cfg.FindSLO(sloID)
	if !ok {
		t.Fatalf("no SLO %s", sloID)
	}
	ctx := context.Background()
	c, err := r.eng.Counts(ctx, s, engine.Range{From: l.Start, To: l.End}, engine.Range{From: r.from, To: r.to})
	if err != nil {
		t.Fatal(err)
	}
	ratio, _ = slo.ErrorRatio(c[0])
	budget := (1 - s.Objective) * float64(c[1].Valid) * float64(s.Window) / float64(r.to.Sub(r.from))
	points, err := r.eng.Series(ctx, s, l.Start, l.End.Add(time.Hour), time.Minute, []time.Duration{time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range points {
		hourBudget = max(hourBudget, float64(p.BurnCounts[time.Hour].Bad())/budget)
	}
	return ratio, hourBudget
}

func TestCorpus(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "slo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, diags := slo.Parse(data)
	if diags.HasErrors() {
		t.Fatalf("slo.yaml: %v", diags.Err())
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var runs []corpusRun
	for _, f := range files {
		name := filepath.Base(f)
		if name == "slo.yaml" {
			continue
		}
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			run := replayScenario(t, cfg, name)
			checkScenario(t, run)
			runs = append(runs, run)
		})
	}
	if len(runs) < 8 {
		t.Errorf("%d scenarios replayed, want the 8 of the corpus", len(runs))
	}
	t.Log("\n" + corpusTable(runs))
}

// checkScenario asserts issue 6's expectations on one scenario replayed with the config's
// rules: every incident that consumes at least 2 % of the budget within an hour pages,
// within slo-math.md's detection bound; no page falls outside the labelled incidents; the
// night blips never page (low-traffic guard); the noise-only week never alerts at all.
func checkScenario(t *testing.T, run corpusRun) {
	t.Helper()
	sc := run.configScore
	if len(sc.Unmapped) > 0 {
		t.Errorf("labels of no SLO: %v", sc.Unmapped)
	}
	if len(sc.FalsePages) > 0 {
		t.Errorf("the config's rules paged outside every labelled incident: %+v", sc.FalsePages)
	}
	if run.name == "night_blips" && sc.Paged > 0 {
		t.Errorf("%d night blips of 1-4 failed requests paged despite the low-traffic guard", sc.Paged)
	}
	if run.name == "noise_week" {
		if len(run.labels) != 0 || len(run.config.Transitions) != 0 {
			t.Errorf("the noise-only week: %d labels, transitions %+v; want none", len(run.labels), run.config.Transitions)
		}
	}
	for _, ls := range sc.Labels {
		for _, id := range ls.SLOs {
			ratio, consumed := run.labelBudget(t, id, ls.Label)
			s, _ := run.cfg.FindSLO(id)
			t.Logf("%s on %s: error ratio %.4f, %.2f %% of the budget in its worst hour: detected %v by %q after %s",
				ls.Label.Name, id, ratio, 100*consumed, ls.Detected, ls.DetectedBy, secs(ls.DetectionDelay))
			if consumed < pageBudget {
				continue
			}
			if !ls.Paged {
				t.Errorf("%s consumed %.2f %% of %s's budget within an hour and did not page", ls.Label.Name, 100*consumed, id)
				continue
			}
			checkDetectionBound(t, run, s, ls, ratio)
		}
	}
}

// checkDetectionBound asserts that the fast_burn rule paged within slo-math.md's bound for
// the label's error ratio: ((1 - objective) / e) * b * T, plus its `for`, plus one step.
func checkDetectionBound(t *testing.T, run corpusRun, s slo.SLO, ls LabelScore, ratio float64) {
	t.Helper()
	fast := run.cfg.Rules["fast_burn"]
	detect, ok := fast.DetectionTime(ratio, s.Objective, s.Window)
	if !ok {
		t.Errorf("%s: fast_burn cannot fire at an error ratio of %.4f", ls.Label.Name, ratio)
		return
	}
	bound := detect + fast.For + time.Minute
	for _, tr := range run.config.Transitions {
		if tr.Service == s.Service && tr.SLO == s.Name && tr.Rule == "fast_burn" && tr.State == "firing" && !tr.At.Before(ls.Label.Start) {
			if delay := tr.At.Sub(ls.Label.Start); delay > bound {
				t.Errorf("%s: fast_burn paged after %s, bound %s (detection %s at e = %.4f, for %s, one step)",
					ls.Label.Name, delay, bound, detect.Round(time.Second), ratio, fast.For)
			}
			return
		}
	}
	t.Errorf("%s: fast_burn never fired on %s", ls.Label.Name, s.ID())
}

func secs(s *float64) string {
	if s == nil {
		return "-"
	}
	return (time.Duration(*s) * time.Second).String()
}
