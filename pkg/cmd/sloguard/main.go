// Command sloguard is SLOGuard's command-line tool: it validates SLO configs and evaluates
// SLOs against the log tables in PostgreSQL, with the same code the Grafana plugin runs.
//
//	sloguard validate --config FILE
//	sloguard eval --config FILE --dsn URL [--at RFC3339] [--format json|table]
//	sloguard migrate --dsn URL [--schema NAME]
//	sloguard bench --dsn URL [--rows 1000000,10000000] [--runs 21]
//	sloguard detect --config FILE --dsn URL [--schema NAME] [--interval 60s] (runs until SIGINT/SIGTERM)
//	sloguard simulate --dsn URL --scenario FILE [--seed N] [--config FILE] (--from T --to T [--labels OUT.json] | --live [--backfill 24h])
//	sloguard receive --listen ADDR (a local Slack / PagerDuty receiver; runs until SIGINT/SIGTERM)
//	sloguard demo --dsn URL [--schema sloguard_demo] [--days 7] [--interval 10s] [--speed 1] (until SIGINT/SIGTERM)
//	sloguard backtest --config FILE --dsn URL --from T --to T [--step 1m] [--labels FILE] [--compare naive|FILE] [--format json|table]
//
// Exit codes: 0 success, 1 an invalid config, 2 bad usage or a database or file error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0
	exitInvalid = 1
	exitError   = 2
)

// errUsage marks an error caused by the command line; main prints usage for it.
var errUsage = errors.New("usage")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"validate", "check an SLO config; prints file:line:col: path: message per problem", runValidate},
	{"eval", "evaluate every SLO at an instant: SLI, budget, burn rates, state", runEval},
	{"migrate", "create or migrate the plugin schema (rollups, alert state)", runMigrate},
	{"bench", "measure the engine against plain SQL on generated 30-day request logs", runBench},
	{"detect", "run the detection loop: alert states, notifications, incidents (until SIGINT/SIGTERM)", runDetect},
	{"simulate", "write simulated traffic with labelled incidents into the log tables: a range, or live", runSimulate},
	{"receive", "receive Slack and PagerDuty notifications locally and show them (until SIGINT/SIGTERM)", runReceive},
	{"demo", "the whole loop on one PostgreSQL: a simulated week, detection, local receivers, a live status table", runDemo},
	{"backtest", "replay the detector over history: transitions, pages, incidents; scored against labels", runBacktest},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		for _, c := range commands {
			if c.name == args[0] {
				return c.run(ctx, args[1:], stdout, stderr)
			}
		}
	}
	fmt.Fprintln(stderr, "usage: sloguard <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(stderr, "  %-10s %s\n", c.name, c.summary)
	}
	return exitError
}

// printJSON writes v as indented JSON: the --format json output of eval and backtest.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
