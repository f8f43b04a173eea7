package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sloguard/sloguard/pkg/detector"
	"github.com/sloguard/sloguard/pkg/plugin"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

const detectUsage = "usage: sloguard detect --config FILE --dsn URL [--schema NAME] [--interval 60s] [--slack-channel C] " +
	"[--pagerduty-endpoint URL] [--smtp-host H] [--smtp-port N] [--smtp-tls MODE] [--smtp-user U] [--smtp-from A] " +
	"[--smtp-to A,B] [--dashboard-url URL]\n" +
	"secrets come from the environment only: SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN, PAGERDUTY_ROUTING_KEY, SMTP_PASSWORD"

// runDetect is `sloguard detect`: the detection loop outside Grafana, the same detector the
// plugin runs. It migrates the plugin schema, then runs until ctx ends (SIGINT or SIGTERM):
// only the holder of the schema's leader lock evaluates and sends, so several processes
// (and Grafana instances) can run it on one database. The SLO config is read once at start:
// restart the process to pick up changes. An invalid config exits 1 without running.
//
// Non-secret notifier settings come from flags (default: the SMTP_*, SLACK_CHANNEL,
// PAGERDUTY_ENDPOINT environment variables), then the config's alert_channels; the secrets
// only from the environment (SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN, PAGERDUTY_ROUTING_KEY,
// SMTP_PASSWORD, or the variables the config's alert_channels name), never from flags,
// which other users can read in the process list.
func runDetect(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("detect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the SLO config file (YAML)")
	dsn := fs.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the log tables (default $DATABASE_URL)")
	schema := fs.String("schema", store.DefaultSchema, "the plugin schema for rollups, alert state and incidents")
	interval := fs.Duration("interval", detector.DefaultInterval, "time between detection cycles")
	slackChannel := fs.String("slack-channel", os.Getenv("SLACK_CHANNEL"), "channel the bot token posts to (default $SLACK_CHANNEL)")
	pdEndpoint := fs.String("pagerduty-endpoint", os.Getenv("PAGERDUTY_ENDPOINT"), "PagerDuty Events API base URL (default: US region)")
	smtpHost := fs.String("smtp-host", os.Getenv("SMTP_HOST"), "SMTP server (default $SMTP_HOST)")
	smtpPort := fs.Int("smtp-port", envInt("SMTP_PORT"), "SMTP port (default $SMTP_PORT, else by TLS mode)")
	smtpTLS := fs.String("smtp-tls", os.Getenv("SMTP_TLS"), "starttls, starttls_opportunistic, tls or none (default $SMTP_TLS, else starttls)")
	smtpUser := fs.String("smtp-user", os.Getenv("SMTP_USER"), "SMTP user; the password is $SMTP_PASSWORD")
	smtpFrom := fs.String("smtp-from", os.Getenv("SMTP_FROM"), "sender address (default $SMTP_FROM)")
	smtpTo := fs.String("smtp-to", os.Getenv("SMTP_TO"), "comma-separated recipients (default $SMTP_TO)")
	dashboard := fs.String("dashboard-url", os.Getenv("SLOGUARD_DASHBOARD_URL"), "dashboard linked from notifications")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *path == "" || *dsn == "" || fs.NArg() > 0 || *interval <= 0 {
		fmt.Fprintln(stderr, detectUsage)
		return exitError
	}
	if err := store.ValidateSchema(*schema); err != nil {
		fmt.Fprintf(stderr, "--schema %q: %v\n", *schema, err)
		return exitError
	}
	cfg, diags, ok := loadConfig(*path, stderr)
	if !ok {
		return exitError
	}
	if diags.HasErrors() {
		fmt.Fprintf(stderr, "%s: %d errors: fix them before running the detector\n", *path, len(diags.Errors()))
		return exitInvalid
	}

	settings := plugin.Settings{
		Secrets: plugin.Secrets{
			SlackWebhookURL:     envOr("SLACK_WEBHOOK_URL", slackWebhookEnv(cfg.Channels)),
			SlackBotToken:       os.Getenv("SLACK_BOT_TOKEN"),
			PagerDutyRoutingKey: envOr("PAGERDUTY_ROUTING_KEY", pagerKeyEnv(cfg.Channels)),
			SMTPPassword:        os.Getenv("SMTP_PASSWORD"),
		},
		Notify: plugin.NotifySettings{
			SlackChannel: *slackChannel, PagerDutyEndpoint: *pdEndpoint,
			SMTPHost: *smtpHost, SMTPPort: *smtpPort, SMTPTLS: *smtpTLS, SMTPUser: *smtpUser, SMTPFrom: *smtpFrom,
			SMTPRecipients: splitList(*smtpTo),
		},
	}
	notifiers, active, problems := plugin.BuildNotifiers(settings, cfg.Channels)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "detect:", p)
		}
		return exitError
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	pool, err := store.OpenURL(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "detect:", err)
		return exitError
	}
	defer pool.Close()
	if _, err := store.Migrate(ctx, pool, *schema); err != nil {
		fmt.Fprintln(stderr, "detect:", err)
		return exitError
	}
	var tables slo.Tables
	if cfg.Tables != nil {
		tables = *cfg.Tables
	}
	det, err := detector.New(detector.Options{
		Pool: pool, Schema: *schema, Config: cfg, Tables: tables.WithDefaults(), Notifiers: notifiers,
		Interval: *interval, Logger: logger, DashboardURL: *dashboard,
	})
	if err != nil {
		fmt.Fprintln(stderr, "detect:", err)
		return exitError
	}
	logger.Info("detect: running", "schema", *schema, "interval", interval.String(), "slos", len(cfg.SLOs()),
		"notifiers", strings.Join(active, ","))
	if err := det.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "detect:", err)
		return exitError
	}
	st := det.Status()
	logger.Info("detect: stopped", "last_cycle", st.LastCycle.Format(time.RFC3339))
	return exitOK
}

// envOr returns $name, else the variable the config names (alert_channels), else "".
func envOr(name, configured string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if configured != "" {
		return os.Getenv(configured)
	}
	return ""
}

func slackWebhookEnv(ch slo.Channels) string {
	if ch.Slack == nil {
		return ""
	}
	return ch.Slack.WebhookURLEnv
}

func pagerKeyEnv(ch slo.Channels) string {
	if ch.Pager == nil {
		return ""
	}
	return ch.Pager.RoutingKeyEnv
}

// envInt is $name as an int; 0 when unset or not a number (--smtp-port then reports nothing
// and the TLS mode's default port applies).
func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
