package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/backtest"
	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

const backtestUsage = "usage: sloguard backtest --config FILE --dsn URL --from T --to T [--step 1m] [--labels FILE] " +
	"[--compare naive|RULES.yaml] [--format json|table] [--schema NAME]\n" +
	"T is an RFC 3339 time, now, or a window before now such as -30d"

// backtestRun is one rule set's replay and, with labels, its score.
type backtestRun struct {
	Replay backtest.Report     `json:"replay"`
	Score  *backtest.Scorecard `json:"score,omitempty"`
}

// backtestOutput is the one JSON document of `sloguard backtest --format json`.
type backtestOutput struct {
	backtestRun
	// Compare is the comparison rule set's run (--compare).
	Compare *backtestRun `json:"compare,omitempty"`
}

// runBacktest is `sloguard backtest`: it replays the detector's rules and alert state
// machine over [from, to] (pkg/backtest: the detector's own pure code, nothing sent, no
// detection state written; only the rollups are refreshed) and prints the transitions,
// notifications and incidents, scored against --labels, and side by side with a
// comparison rule set (--compare: the built-in naive rule, or an alert_rules file).
func runBacktest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the SLO config file (YAML)")
	dsn := fs.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the log tables (default $DATABASE_URL)")
	fromText := fs.String("from", "", "start of the replay: RFC 3339, now, or -30d")
	toText := fs.String("to", "now", "end of the replay (inclusive)")
	stepText := fs.String("step", "1m", "evaluation interval, whole minutes (the detector's cycle)")
	labelsPath := fs.String("labels", "", "labelled incidents (JSON, as sloguard simulate --labels writes them) to score against")
	compare := fs.String("compare", "", "a rule set to compare: naive, or an alert_rules YAML file")
	format := fs.String("format", "table", "output format: json or table")
	schema := fs.String("schema", store.DefaultSchema, "the plugin schema that holds the rollups")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *path == "" || *dsn == "" || *fromText == "" || fs.NArg() > 0 || (*format != "json" && *format != "table") {
		fmt.Fprintln(stderr, backtestUsage)
		return exitError
	}
	now := time.Now()
	opts, err := backtestOptions(*fromText, *toText, *stepText, now)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	cfg, diags, ok := loadConfig(*path, stderr)
	if !ok {
		return exitError
	}
	if diags.HasErrors() {
		fmt.Fprintf(stderr, "%s: %d errors: fix them before a backtest\n", *path, len(diags.Errors()))
		return exitInvalid
	}
	cmp, code := compareRules(*compare, stderr)
	if code != exitOK {
		return code
	}
	var labels []simulate.Label
	if *labelsPath != "" {
		if labels, err = readLabels(*labelsPath); err != nil {
			fmt.Fprintln(stderr, err)
			return exitError
		}
	}

	out, err := replay(ctx, cfg, *dsn, *schema, opts, cmp, labels)
	if err != nil {
		fmt.Fprintln(stderr, "backtest:", err)
		return exitError
	}
	if *format == "json" {
		if err := printJSON(stdout, out); err != nil {
			fmt.Fprintln(stderr, err)
			return exitError
		}
		return exitOK
	}
	printBacktest(stdout, out)
	return exitOK
}

// backtestOptions reads the range and step flags.
func backtestOptions(fromText, toText, stepText string, now time.Time) (backtest.Options, error) {
	from, err := parseWhen(fromText, now)
	if err != nil {
		return backtest.Options{}, fmt.Errorf("--from: %w", err)
	}
	to, err := parseWhen(toText, now)
	if err != nil {
		return backtest.Options{}, fmt.Errorf("--to: %w", err)
	}
	if !from.Before(to) {
		return backtest.Options{}, fmt.Errorf("--from %s is not before --to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	step, err := slo.ParseWindow(stepText)
	if err != nil || step%time.Minute != 0 {
		return backtest.Options{}, fmt.Errorf("--step: %q is not a whole number of minutes (1m, 5m)", stepText)
	}
	return backtest.Options{From: from, To: to, Step: step}, nil
}

// compareRules reads --compare: "" (none), naive, or an alert_rules file whose problems are
// printed as file:line:col: path: message.
func compareRules(arg string, stderr io.Writer) (*backtest.RuleSet, int) {
	switch arg {
	case "":
		return nil, exitOK
	case backtest.NaiveName:
		rules, err := backtest.Naive()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return nil, exitError
		}
		return &backtest.RuleSet{Name: backtest.NaiveName, Rules: rules}, exitOK
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		fmt.Fprintf(stderr, "--compare: %v\n", err)
		return nil, exitError
	}
	rules, diags := slo.ParseRuleSet(data)
	printDiagnostics(stderr, arg, diags)
	if diags.HasErrors() {
		fmt.Fprintf(stderr, "%s: %d errors: fix them before comparing\n", arg, len(diags.Errors()))
		return nil, exitInvalid
	}
	return &backtest.RuleSet{Name: arg, Rules: rules}, exitOK
}

func readLabels(path string) ([]simulate.Label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--labels: %w", err)
	}
	defer f.Close()
	labels, err := simulate.ReadLabels(f)
	if err != nil {
		return nil, fmt.Errorf("--labels %s: %w", path, err)
	}
	if labels == nil {
		labels = []simulate.Label{} // an empty file still asks for a score
	}
	return labels, nil
}

// replay runs the config's rules and the comparison's, if any, over the same history in one
// backtest.Compare, and scores them when there are labels.
func replay(ctx context.Context, cfg *slo.Config, dsn, schema string, opts backtest.Options, cmp *backtest.RuleSet,
	labels []simulate.Label) (backtestOutput, error) {
	pool, eng, err := openEngine(ctx, cfg, dsn, schema, engine.Options{ManualRefresh: true})
	if err != nil {
		return backtestOutput{}, err
	}
	defer pool.Close()
	if !slices.ContainsFunc(cfg.SLOs(), func(s slo.SLO) bool { return len(cfg.RulesFor(s)) > 0 }) {
		return backtestOutput{}, errors.New("no SLO has alert rules to replay")
	}
	sets := []backtest.RuleSet{{}}
	if cmp != nil {
		sets = append(sets, *cmp)
	}
	reps, err := backtest.Compare(ctx, eng, cfg, opts, sets...)
	if err != nil {
		return backtestOutput{}, err
	}
	runs := make([]backtestRun, len(reps))
	for i, rep := range reps {
		runs[i].Replay = rep
		if labels != nil {
			sc := backtest.Score(rep, labels)
			runs[i].Score = &sc
		}
	}
	out := backtestOutput{backtestRun: runs[0]}
	if cmp != nil {
		out.Compare = &runs[1]
	}
	return out, nil
}
