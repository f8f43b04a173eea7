package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// evalSLO is one SLO of `sloguard eval --format json`. Ratios are fractions (0.999), budget
// figures fractions of the budget; a null is no data.
type evalSLO struct {
	Service          string              `json:"service"`
	SLO              string              `json:"slo"`
	SLIType          slo.SLIType         `json:"sli_type"`
	Objective        float64             `json:"objective"`
	Window           string              `json:"window"`
	WindowGood       int64               `json:"window_good"`
	WindowValid      int64               `json:"window_valid"`
	SLI              *float64            `json:"sli"`
	BudgetConsumed   *float64            `json:"budget_consumed"`
	BudgetRemaining  *float64            `json:"budget_remaining"`
	BurnRates        map[string]*float64 `json:"burn_rates"`
	TimeToExhaustion *float64            `json:"time_to_exhaustion_seconds"`
	State            slo.State           `json:"state"`
	PercentilesMS    map[string]float64  `json:"percentiles_ms,omitempty"`
	JourneySteps     []evalStep          `json:"journey_steps,omitempty"`
}

type evalStep struct {
	Step        string   `json:"step"`
	StepOrder   int64    `json:"step_order"`
	Total       int64    `json:"total"`
	Success     int64    `json:"success"`
	SuccessRate *float64 `json:"success_rate"`
	P95MS       *float64 `json:"p95_ms"`
}

type evalOutput struct {
	At   time.Time `json:"at"`
	SLOs []evalSLO `json:"slos"`
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the SLO config file (YAML)")
	dsn := fs.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the log tables (default $DATABASE_URL)")
	atText := fs.String("at", "now", "the instant to evaluate: RFC 3339, now, or an offset such as -1d")
	format := fs.String("format", "table", "output format: json or table")
	schema := fs.String("schema", store.DefaultSchema, "the plugin schema that holds the rollups")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *path == "" || *dsn == "" || fs.NArg() > 0 || (*format != "json" && *format != "table") {
		fmt.Fprintln(stderr, "usage: sloguard eval --config FILE --dsn URL [--at T] [--format json|table] [--schema NAME]")
		return exitError
	}
	at, err := parseWhen(*atText, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "--at: %v\n", err)
		return exitError
	}
	cfg, diags, ok := loadConfig(*path, stderr)
	if !ok {
		return exitError
	}

	out, err := evaluate(ctx, cfg, *dsn, *schema, at)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return exitError
	}
	if *format == "json" {
		if err := printJSON(stdout, out); err != nil {
			fmt.Fprintln(stderr, err)
			return exitError
		}
	} else {
		printStatusTable(stdout, out)
	}
	if diags.HasErrors() {
		fmt.Fprintf(stderr, "%s: %d errors: the SLOs with errors were not evaluated\n", *path, len(diags.Errors()))
		return exitInvalid
	}
	return exitOK
}

// openEngine opens a pool on dsn, migrates the plugin schema (the rollups live there) and
// returns an engine over cfg's SLOs and table mapping. The caller closes the pool.
func openEngine(ctx context.Context, cfg *slo.Config, dsn, schema string, opts engine.Options) (*pgxpool.Pool, *engine.Engine, error) {
	pool, err := store.OpenURL(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	if _, err := store.Migrate(ctx, pool, schema); err != nil {
		pool.Close()
		return nil, nil, err
	}
	opts.Schema, opts.Config = schema, cfg
	if cfg.Tables != nil {
		opts.Tables = *cfg.Tables
	}
	eng, err := engine.New(pool, opts)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return pool, eng, nil
}

// evaluate computes every SLO's status at `at`.
func evaluate(ctx context.Context, cfg *slo.Config, dsn, schema string, at time.Time) (evalOutput, error) {
	pool, eng, err := openEngine(ctx, cfg, dsn, schema, engine.Options{})
	if err != nil {
		return evalOutput{}, err
	}
	defer pool.Close()
	out := evalOutput{At: at, SLOs: []evalSLO{}}
	for _, s := range cfg.SLOs() {
		st, err := eng.Status(ctx, s, at)
		if err != nil {
			return evalOutput{}, err
		}
		e := evalSLO{
			Service: s.Service, SLO: s.Name, SLIType: s.Type, Objective: s.Objective, Window: s.WindowText,
			WindowGood: st.Window.Good, WindowValid: st.Window.Valid, SLI: st.SLI,
			BudgetConsumed: st.BudgetConsumed, BudgetRemaining: st.BudgetRemaining,
			BurnRates: map[string]*float64{}, State: st.State, PercentilesMS: st.Percentiles,
		}
		for w, br := range st.BurnRates {
			e.BurnRates[slo.FormatWindow(w)] = br
		}
		if st.TimeToExhaustion != nil {
			secs := st.TimeToExhaustion.Seconds()
			e.TimeToExhaustion = &secs
		}
		if s.Type == slo.UserJourney {
			steps, err := eng.JourneySteps(ctx, s, at.Add(-s.Window), at)
			if err != nil {
				return evalOutput{}, err
			}
			for _, step := range steps {
				e.JourneySteps = append(e.JourneySteps, evalStep{
					Step: step.Step, StepOrder: step.Order, Total: step.Reached, Success: step.Succeeded,
					SuccessRate: step.SuccessRate, P95MS: step.P95DurationMS,
				})
			}
		}
		out.SLOs = append(out.SLOs, e)
	}
	return out, nil
}

// printStatusTable prints the statuses for people: percentages, burn rates and a duration.
func printStatusTable(w io.Writer, out evalOutput) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "at %s\n", out.At.Format(time.RFC3339))
	fmt.Fprintln(tw, "SERVICE\tSLO\tTYPE\tOBJECTIVE\tWINDOW\tSLI\tGOOD/VALID\tBUDGET LEFT\tBURN 5m\tBURN 1h\tBURN 6h\tEXHAUSTED IN\tSTATE")
	for _, s := range out.SLOs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\t%s\t%s\t%s\n",
			s.Service, s.SLO, s.SLIType, percent(&s.Objective), s.Window, percent(s.SLI), s.WindowGood, s.WindowValid,
			percent(s.BudgetRemaining), rate(s.BurnRates["5m"]), rate(s.BurnRates["1h"]), rate(s.BurnRates["6h"]),
			duration(s.TimeToExhaustion), s.State)
	}
	_ = tw.Flush()
}

func percent(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f%%", *v*100)
}

func rate(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2fx", *v)
}

func duration(secs *float64) string {
	if secs == nil {
		return "-"
	}
	return (time.Duration(*secs) * time.Second).Round(time.Minute).String()
}
