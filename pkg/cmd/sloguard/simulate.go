package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

const simulateUsage = "usage: sloguard simulate --dsn URL --scenario FILE [--seed N] [--config SLO.yaml]\n" +
	"                         (--from T --to T [--labels OUT.json] | --live [--backfill DURATION] [--interval 5s])\n" +
	"T is RFC 3339, now, or an offset before now such as -7d or -90m"

// simulateFlags are the parsed flags of `sloguard simulate`.
type simulateFlags struct {
	dsn, scenario, config, labels string
	seed                          int64
	from, to                      time.Time
	live                          bool
	backfill, interval            time.Duration
}

// runSimulate is `sloguard simulate`: it writes a scenario's traffic into the log tables,
// either a range (COPY, progress on stderr, labels as JSON) or live until SIGINT/SIGTERM,
// optionally after backfilling the time just before.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseSimulateFlags(args, stderr, time.Now())
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, err)
			fmt.Fprintln(stderr, simulateUsage)
		}
		return exitError
	}
	sc, err := simulate.LoadScenario(f.scenario)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInvalid
	}
	tables, ok := configTables(f.config, stderr)
	if !ok {
		return exitInvalid
	}
	pool, err := store.OpenURL(ctx, f.dsn)
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return exitError
	}
	defer pool.Close()
	if err := checkSimulationTables(ctx, pool, tables, sc); err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return exitError
	}
	if f.live {
		err = simulateLive(ctx, pool, sc, tables, f, stdout, stderr)
	} else {
		err = simulateRange(ctx, pool, sc, tables, f, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return exitError
	}
	return exitOK
}

func parseSimulateFlags(args []string, stderr io.Writer, now time.Time) (simulateFlags, error) {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f simulateFlags
	fs.StringVar(&f.dsn, "dsn", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the log tables (default $DATABASE_URL)")
	fs.StringVar(&f.scenario, "scenario", "", "the scenario file (YAML)")
	fs.Int64Var(&f.seed, "seed", 1, "random seed: the same scenario, seed and range write the same rows")
	fs.StringVar(&f.config, "config", "", "an SLO config whose tables: mapping names the log tables (default request_logs, user_journey_logs)")
	fromText := fs.String("from", "", "start of the range to write: RFC 3339, now, or -7d")
	toText := fs.String("to", "", "end of the range to write (exclusive)")
	fs.StringVar(&f.labels, "labels", "", "write the incidents of the range to this JSON file")
	fs.BoolVar(&f.live, "live", false, "write traffic as time passes, until SIGINT/SIGTERM")
	fs.Func("backfill", "with --live: first write this much of the past (e.g. 24h or 7d)", func(s string) (err error) {
		f.backfill, err = slo.ParseWindow(s)
		return err
	})
	fs.DurationVar(&f.interval, "interval", simulate.DefaultLiveInterval, "with --live: time between writes")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch {
	case fs.NArg() > 0:
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case f.dsn == "" || f.scenario == "":
		return f, errors.New("--dsn and --scenario are required")
	case f.live && (*fromText != "" || *toText != "" || f.labels != ""):
		return f, errors.New("--live writes from now on: --from, --to and --labels apply to a range")
	case f.live && (f.backfill < 0 || f.interval <= 0):
		return f, errors.New("--backfill must be >= 0 and --interval > 0")
	case !f.live && (*fromText == "" || *toText == ""):
		return f, errors.New("give --from and --to, or --live")
	case !f.live && f.backfill != 0:
		return f, errors.New("--backfill applies to --live")
	}
	if f.live {
		return f, nil
	}
	var err error
	if f.from, err = parseWhen(*fromText, now); err != nil {
		return f, fmt.Errorf("--from: %w", err)
	}
	if f.to, err = parseWhen(*toText, now); err != nil {
		return f, fmt.Errorf("--to: %w", err)
	}
	if !f.to.After(f.from) {
		return f, fmt.Errorf("--to (%s) must be after --from (%s)", f.to.Format(time.RFC3339), f.from.Format(time.RFC3339))
	}
	return f, nil
}

// parseWhen reads RFC 3339, "now", or "-" and a window in the SLO config's syntax (-7d,
// -1h30m) before now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	switch {
	case s == "now":
		return now.UTC().Truncate(time.Second), nil
	case strings.HasPrefix(s, "-"):
		d, err := slo.ParseWindow(s[1:])
		if err != nil {
			return time.Time{}, err
		}
		return now.UTC().Truncate(time.Second).Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not RFC 3339, now, or an offset such as -7d", s)
	}
	return t.UTC(), nil
}

// configTables returns the tables: mapping of the SLO config at path (the defaults without
// one). Diagnostics are printed; only errors in the tables section stop the command.
func configTables(path string, stderr io.Writer) (slo.Tables, bool) {
	if path == "" {
		return slo.Tables{}, true
	}
	cfg, diags, ok := loadConfig(path, stderr)
	if !ok {
		return slo.Tables{}, false
	}
	for _, d := range diags.Errors() {
		if strings.HasPrefix(d.Path, "tables") {
			fmt.Fprintf(stderr, "%s: fix the tables section first\n", path)
			return slo.Tables{}, false
		}
	}
	if cfg.Tables == nil {
		return slo.Tables{}, true
	}
	return *cfg.Tables, true
}

// checkSimulationTables reports missing log tables or columns before any row is generated.
func checkSimulationTables(ctx context.Context, pool *pgxpool.Pool, tables slo.Tables, sc *simulate.Scenario) error {
	problems, err := store.CheckLogTables(ctx, pool, tables.WithDefaults(), len(sc.Services) > 0, len(sc.Journeys) > 0)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s (create the default tables with psql -f pkg/store/log_tables.sql)", strings.Join(problems, "; "))
	}
	return nil
}

func simulateRange(ctx context.Context, pool *pgxpool.Pool, sc *simulate.Scenario, tables slo.Tables, f simulateFlags, stdout, stderr io.Writer) error {
	start := time.Now()
	res, err := simulate.Backfill(ctx, pool, sc, simulate.BackfillOptions{From: f.from, To: f.to, Seed: f.seed, Tables: tables, Progress: stderr})
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "wrote %d requests and %d journey events for %s to %s (seed %d) in %s (%.0f rows/s); %d incidents\n",
		res.Requests, res.JourneyEvents, f.from.Format(time.RFC3339), f.to.Format(time.RFC3339), f.seed,
		took.Round(time.Millisecond), float64(res.Requests+res.JourneyEvents)/took.Seconds(), len(res.Labels))
	for _, l := range res.Labels {
		printLabel(stdout, "", l)
	}
	if f.labels == "" {
		return nil
	}
	out, err := os.Create(f.labels)
	if err != nil {
		return err
	}
	if err := simulate.WriteLabels(out, res.Labels); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func simulateLive(ctx context.Context, pool *pgxpool.Pool, sc *simulate.Scenario, tables slo.Tables, f simulateFlags, stdout, stderr io.Writer) error {
	now := time.Now().UTC().Truncate(time.Second)
	anchor := now.Add(-f.backfill)
	// A restarted simulation resumes after the rows it wrote before (from the next minute,
	// journey runs being written whole by their start), not from anchor again.
	last, err := simulate.LastWritten(ctx, pool, sc, tables)
	if err != nil {
		return err
	}
	from := anchor
	if next := last.Truncate(time.Minute).Add(time.Minute); !last.IsZero() && next.After(from) {
		from = next
		if from.After(now) {
			from = now
		}
		fmt.Fprintf(stdout, "resuming after the last row written, %s\n", last.Format(time.RFC3339))
	}
	if from.Before(now) {
		res, err := simulate.Backfill(ctx, pool, sc, simulate.BackfillOptions{From: from, To: now, Seed: f.seed, Tables: tables, Progress: stderr})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backfilled %d requests and %d journey events since %s; %d incidents\n",
			res.Requests, res.JourneyEvents, from.Format(time.RFC3339), len(res.Labels))
		for _, l := range res.Labels {
			printLabel(stdout, "", l)
		}
	}
	fmt.Fprintf(stdout, "live: writing traffic every %s until interrupted\n", f.interval)
	var minute time.Time
	var requests, journeys int64
	return simulate.Live(ctx, pool, sc, simulate.LiveOptions{
		Seed: f.seed, Tables: tables, From: now, Anchor: anchor, Interval: f.interval,
		Written: func(through time.Time, r, j int64) {
			requests, journeys = requests+r, journeys+j
			if m := through.Truncate(time.Minute); m.After(minute) {
				if !minute.IsZero() {
					fmt.Fprintf(stdout, "live: through %s: %d requests, %d journey events\n", through.Format(time.TimeOnly), requests, journeys)
				}
				minute = m
			}
		},
		IncidentStarted: func(l simulate.Label) { printLabel(stdout, "live: incident started: ", l) },
	})
}

// printLabel prints one incident: name, kind, target, window and effect.
func printLabel(w io.Writer, prefix string, l simulate.Label) {
	target := l.Service
	if l.Journey != "" {
		target = l.Journey + "/" + l.Step
	}
	var effect []string
	if l.ErrorRatio > 0 {
		effect = append(effect, fmt.Sprintf("error ratio %g", l.ErrorRatio))
	}
	if l.LatencyMultiplier > 0 {
		effect = append(effect, fmt.Sprintf("latency x%g", l.LatencyMultiplier))
	}
	if l.TrafficFactor > 0 || l.Kind == simulate.KindTrafficDrop {
		effect = append(effect, fmt.Sprintf("traffic x%g", l.TrafficFactor))
	}
	fmt.Fprintf(w, "%s%s [%s] %s %s - %s: %s\n", prefix, l.Name, l.Kind, target,
		l.Start.Format(time.RFC3339), l.End.Format(time.RFC3339), strings.Join(effect, ", "))
}
