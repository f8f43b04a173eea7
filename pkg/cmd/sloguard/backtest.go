package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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

// comparison is a rule set to replay next to the config's rules.
type comparison struct {
	name  string
	rules []slo.Rule
}

// compareRules reads --compare: "" (none), naive, or an alert_rules file whose problems are
// printed as file:line:col: path: message.
func compareRules(arg string, stderr io.Writer) (*comparison, int) {
	switch arg {
	case "":
		return nil, exitOK
	case backtest.NaiveName:
		rules, err := backtest.Naive()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return nil, exitError
		}
		return &comparison{name: backtest.NaiveName, rules: rules}, exitOK
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
	return &comparison{name: arg, rules: rules}, exitOK
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

// replay runs the config's rules, then the comparison's, over the same history, and scores
// both when there are labels.
func replay(ctx context.Context, cfg *slo.Config, dsn, schema string, opts backtest.Options, cmp *comparison,
	labels []simulate.Label) (backtestOutput, error) {
	pool, eng, err := openEngine(ctx, cfg, dsn, schema, engine.Options{ManualRefresh: true})
	if err != nil {
		return backtestOutput{}, err
	}
	defer pool.Close()
	one := func(o backtest.Options) (backtestRun, error) {
		rep, err := backtest.Run(ctx, eng, cfg, o)
		if err != nil {
			return backtestRun{}, err
		}
		run := backtestRun{Replay: rep}
		if labels != nil {
			sc := backtest.Score(rep, labels)
			run.Score = &sc
		}
		return run, nil
	}
	var out backtestOutput
	if out.backtestRun, err = one(opts); err != nil {
		return backtestOutput{}, err
	}
	if len(out.Replay.SLOs) == 0 {
		return backtestOutput{}, errors.New("no SLO has alert rules to replay")
	}
	if cmp != nil {
		opts.Rules, opts.RuleSet = cmp.rules, cmp.name
		run, err := one(opts)
		if err != nil {
			return backtestOutput{}, err
		}
		out.Compare = &run
	}
	return out, nil
}
