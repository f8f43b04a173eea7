package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/sloguard/sloguard/pkg/detector"
	"github.com/sloguard/sloguard/pkg/plugin"
	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// demoFiles are the demo's SLO config and scenario.
//
//go:embed demo/slo.yaml demo/scenario.yaml
var demoFiles embed.FS

// demoRoutingKey is the PagerDuty routing key the demo's notifier sends to its own receiver:
// 32 characters like a real one, and no secret.
const demoRoutingKey = "sloguarddemo00000000000000000000"

const demoUsage = "usage: sloguard demo --dsn URL [--schema sloguard_demo] [--days 7] [--interval 10s] [--speed 1] [--seed N]"

// demoOptions configure one demo run; tests shorten the history and speed up the clock.
type demoOptions struct {
	dsn    string
	schema string // log tables; the plugin schema is schema + "_plugin"
	seed   int64
	// history is how much past traffic to backfill before going live.
	history time.Duration
	// detectEvery, liveEvery and statusEvery are real-time intervals of the detector, the
	// live writer and the status table.
	detectEvery, liveEvery, statusEvery time.Duration
	// clock is the demo's time (sped up with --speed).
	clock          func() time.Time
	stdout, stderr io.Writer
	// onMessage, when set, sees every notification the receivers get (tests).
	onMessage func(received)
}

// runDemo is `sloguard demo`: the whole loop on one PostgreSQL and nothing else.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL)")
	schema := fs.String("schema", "sloguard_demo", "schema for the demo's log tables, recreated at start; the plugin schema is <schema>_plugin")
	days := fs.Int("days", 7, "days of history to backfill")
	interval := fs.Duration("interval", 10*time.Second, "time between detection cycles")
	speed := fs.Float64("speed", 1, "run the demo's clock this many times faster than real time")
	seed := fs.Int64("seed", 1, "random seed of the simulated traffic")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *dsn == "" || fs.NArg() > 0 || *days < 1 || *interval <= 0 || *speed <= 0 {
		fmt.Fprintln(stderr, demoUsage)
		return exitError
	}
	if err := store.ValidateSchema(*schema + "_plugin"); err != nil {
		fmt.Fprintf(stderr, "--schema %q: %v\n", *schema, err)
		return exitError
	}
	opts := demoOptions{
		dsn: *dsn, schema: *schema, seed: *seed, history: time.Duration(*days) * slo.Day,
		detectEvery: *interval, liveEvery: time.Second, statusEvery: 5 * time.Second,
		clock: spedUpClock(time.Now(), *speed), stdout: stdout, stderr: stderr,
	}
	if err := runDemoLoop(ctx, opts); err != nil {
		fmt.Fprintln(stderr, "demo:", err)
		return exitError
	}
	return exitOK
}

// spedUpClock returns a clock that starts at start and runs speed times faster.
func spedUpClock(start time.Time, speed float64) func() time.Time {
	return func() time.Time {
		return start.Add(time.Duration(float64(time.Since(start)) * speed)).UTC()
	}
}

// loadDemo parses the embedded SLO config and scenario.
func loadDemo() (*slo.Config, *simulate.Scenario, error) {
	data, _ := demoFiles.ReadFile("demo/slo.yaml")
	cfg, diags := slo.Parse(data)
	if err := diags.Err(); err != nil {
		return nil, nil, fmt.Errorf("demo SLO config: %w", err)
	}
	data, _ = demoFiles.ReadFile("demo/scenario.yaml")
	sc, err := simulate.ParseScenario(data, "demo/scenario.yaml")
	return cfg, sc, err
}

// splitRecurring returns the scenario with only its one-off incidents (the history) and with
// only its recurring ones (live).
func splitRecurring(sc *simulate.Scenario) (history, live *simulate.Scenario) {
	h, l := *sc, *sc
	h.Incidents, l.Incidents = nil, nil
	for _, in := range sc.Incidents {
		if in.Every > 0 {
			l.Incidents = append(l.Incidents, in)
		} else {
			h.Incidents = append(h.Incidents, in)
		}
	}
	return &h, &l
}

// runDemoLoop recreates the demo schemas, backfills the history, then runs the receivers,
// the detector, the live traffic and the status table until ctx ends.
func runDemoLoop(ctx context.Context, o demoOptions) error {
	cfg, sc, err := loadDemo()
	if err != nil {
		return err
	}
	pool, err := store.OpenURL(ctx, o.dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	plugSchema := o.schema + "_plugin"
	if err := resetDemoSchemas(ctx, pool, o.schema, plugSchema); err != nil {
		return err
	}
	tables := slo.Tables{
		Requests: slo.RequestTable{Table: o.schema + ".request_logs"},
		Journeys: slo.JourneyTable{Table: o.schema + ".user_journey_logs"},
	}.WithDefaults()
	history, live := splitRecurring(sc)
	now := o.clock().Truncate(time.Second)
	fmt.Fprintf(o.stdout, "demo: backfilling %s of traffic into %s\n", slo.FormatWindow(o.history), o.schema)
	res, err := simulate.Backfill(ctx, pool, history, simulate.BackfillOptions{
		From: now.Add(-o.history), To: now, Seed: o.seed, Tables: tables, Progress: o.stderr,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "demo: %d requests, %d journey events, %d incidents in the history\n", res.Requests, res.JourneyEvents, len(res.Labels))

	rcv := newReceiver(io.Discard)
	rcv.clock = o.clock
	rcv.onMessage = func(m received) {
		fmt.Fprintf(o.stdout, "  -> %s: %s\n", strings.TrimSpace(m.Channel+" "+m.Action+severitySuffix(m.Severity)), m.Summary)
		if o.onMessage != nil {
			o.onMessage(m)
		}
	}
	mail, err := startMailCatcher(func(to []string, subject string) {
		fmt.Fprintf(o.stdout, "  -> email to %v: %s\n", to, subject)
		if o.onMessage != nil {
			o.onMessage(received{Channel: "email", Summary: subject})
		}
	})
	if err != nil {
		return err
	}
	defer mail.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	notifiers, _, problems := plugin.BuildNotifiers(plugin.Settings{
		Secrets: plugin.Secrets{SlackWebhookURL: base + "/slack/demo", PagerDutyRoutingKey: demoRoutingKey},
		Notify: plugin.NotifySettings{
			PagerDutyEndpoint: base, SMTPHost: "127.0.0.1", SMTPPort: mail.Port(), SMTPTLS: "none",
			SMTPFrom: "sloguard-demo@localhost", SMTPRecipients: []string{"oncall@localhost"},
		},
	}, cfg.Channels)
	if len(problems) > 0 {
		return errors.New(problems[0])
	}
	det, err := detector.New(detector.Options{
		Pool: pool, Schema: plugSchema, Config: cfg, Tables: tables, Notifiers: notifiers,
		Interval: o.detectEvery, Clock: o.clock,
		Logger: slog.New(slog.NewTextHandler(o.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	status, err := newDemoStatus(pool, plugSchema, cfg, tables, o.clock)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "demo: live. Slack and PagerDuty payloads: %s/ ; status every %s; Ctrl-C stops.\n", base, o.statusEvery)

	grp, gctx := errgroup.WithContext(ctx)
	grp.Go(func() error { return serveUntil(gctx, ln, rcv.handler()) })
	grp.Go(func() error { return det.Run(gctx) })
	grp.Go(func() error {
		return simulate.Live(gctx, pool, live, simulate.LiveOptions{
			Seed: o.seed, Tables: tables, From: now, Interval: o.liveEvery, Clock: o.clock,
			IncidentStarted: func(l simulate.Label) { printLabel(o.stdout, "  !! incident started: ", l) },
		})
	})
	grp.Go(func() error { return status.loop(gctx, o.stdout, o.statusEvery) })
	return grp.Wait()
}

// resetDemoSchemas drops and recreates the demo's log schema with the reference log tables,
// and migrates its plugin schema afresh: every demo starts from the same state.
func resetDemoSchemas(ctx context.Context, pool *pgxpool.Pool, logSchema, plugSchema string) error {
	logs, plug := pgx.Identifier{logSchema}.Sanitize(), pgx.Identifier{plugSchema}.Sanitize()
	if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+logs+" CASCADE; DROP SCHEMA IF EXISTS "+plug+" CASCADE; CREATE SCHEMA "+logs); err != nil {
		return fmt.Errorf("reset demo schemas: %w", err)
	}
	if err := store.CreateLogTables(ctx, pool, logSchema); err != nil {
		return err
	}
	_, err := store.Migrate(ctx, pool, plugSchema)
	return err
}
