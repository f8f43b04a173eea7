// Package plugin is the Grafana SDK glue of SLOGuard: the instance factory, settings, the
// query-type mux and frames, resources, health checks and Dispose. The SLO logic lives in
// pkg/slo, pkg/store and pkg/engine.
package plugin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/detector"
	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/notify/email"
	"github.com/sloguard/sloguard/pkg/notify/pagerduty"
	"github.com/sloguard/sloguard/pkg/notify/slack"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// ID is the plugin id, as in plugin.json.
const ID = "sloguard-slo-datasource"

// Datasource is one configured SLOGuard data source.
type Datasource struct {
	settings    Settings
	settingsErr error
	pool        *pgxpool.Pool
	config      *configSource
	logger      log.Logger
	resources   backend.CallResourceHandler

	// schemaSem serializes migrations (a one-slot semaphore, so that a waiting request
	// still honours its context); schemaVersion is the migrated version, 0 until one
	// succeeded.
	schemaSem     chan struct{}
	schemaVersion int32

	// detection is the built-in detection loop of this instance; nil when detectionEnabled
	// is off or the settings are invalid.
	detection *detection
}

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// NewDatasource is the instance factory. Invalid settings do not fail the factory: the
// instance keeps the error and reports it from CheckHealth and every query, so the user sees
// what to fix instead of a generic plugin failure.
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	d := &Datasource{logger: log.DefaultLogger.With("datasource", s.UID), schemaSem: make(chan struct{}, 1)}
	d.settings, d.settingsErr = LoadSettings(s)
	d.config = newConfigSource(d.settings.SLOConfig, d.settings.SLOConfigPath)
	mux := http.NewServeMux()
	d.routes(mux)
	d.resources = httpadapter.New(mux)
	if d.settingsErr != nil {
		d.logger.Warn("Invalid data source settings", "error", d.settingsErr.Error())
		return d, nil
	}
	pool, err := store.NewPool(ctx, d.settings.DB)
	if err != nil {
		d.settingsErr = err
		return d, nil
	}
	d.pool = pool
	startCtx, cancel := context.WithTimeout(ctx, d.settings.DB.ConnectTimeout)
	defer cancel()
	if _, err := d.ensureSchema(startCtx); err != nil {
		d.logger.Warn("Plugin schema not migrated yet; will retry", "schema", d.settings.Schema, "error", err.Error())
	}
	if d.settings.DetectionEnabled {
		d.detection = d.startDetection()
	}
	return d, nil
}

// ensureSchema migrates the plugin schema once per instance; a failed attempt (database
// down at start) is retried by the next caller.
func (d *Datasource) ensureSchema(ctx context.Context) (int32, error) {
	select {
	case d.schemaSem <- struct{}{}:
	case <-ctx.Done():
		return 0, fmt.Errorf("migrate plugin schema %s: %w", d.settings.Schema, ctx.Err())
	}
	defer func() { <-d.schemaSem }()
	if d.schemaVersion > 0 {
		return d.schemaVersion, nil
	}
	v, err := store.Migrate(ctx, d.pool, d.settings.Schema)
	if err != nil {
		return 0, fmt.Errorf("migrate plugin schema %s: %w", d.settings.Schema, err)
	}
	d.schemaVersion = v
	return v, nil
}

// tables is the effective log-table mapping for a config: jsonData fields first, then the
// config's `tables:` section, then the defaults.
func (d *Datasource) tables(cfg *slo.Config) slo.Tables {
	t := d.settings.Tables
	if cfg != nil && cfg.Tables != nil {
		t = t.Or(*cfg.Tables)
	}
	return t.WithDefaults()
}

// CallResource serves the resources (services, slos, validate) through net/http handlers.
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(ctx, req, sender)
}

// Dispose stops the detection loop and waits for it, then closes the pool. The SDK calls it
// when the settings change or the instance is evicted, not at process shutdown.
func (d *Datasource) Dispose() {
	d.detection.stop()
	if d.pool != nil {
		d.pool.Close()
	}
}

// detection is an instance's detection loop: the detector (nil when it could not be
// created: startErr says why), the notifier channels it sends to, and the goroutine that
// runs it with a context of its own (not the factory's request context).
//
// The loop evaluates the SLO config as loaded when the instance was created: a config file
// edited later is picked up by the next instance (Grafana creates one when the data source's
// settings are saved), not by the running loop.
type detection struct {
	det       *detector.Detector
	startErr  error
	notifiers []string // active channels, by name
	problems  []string // channels configured but unusable, without secrets
	cancel    context.CancelFunc
	done      chan struct{}
}

// startDetection builds the notifiers and the detector and starts the loop. A problem is
// kept for CheckHealth and GET status, never a failure of the factory.
func (d *Datasource) startDetection() *detection {
	loaded := d.config.load()
	notifiers, active, problems := BuildNotifiers(d.settings, loadedChannels(loaded.cfg))
	det := &detection{notifiers: active, problems: problems}
	for _, p := range problems {
		d.logger.Warn("Notification channel not usable", "problem", p)
	}
	if loaded.cfg == nil {
		det.startErr = errors.New("no usable SLO config")
		if loaded.err != nil {
			det.startErr = loaded.err
		}
		d.logger.Warn("Detection loop not started", "error", det.startErr.Error())
		return det
	}
	det.det, det.startErr = detector.New(detector.Options{
		Pool: d.pool, Schema: d.settings.Schema, Config: loaded.cfg, Tables: d.tables(loaded.cfg),
		Notifiers: notifiers, Interval: d.settings.DetectionInterval, Logger: d.logger,
		DashboardURL: d.settings.DashboardURL,
	})
	if det.startErr != nil {
		d.logger.Warn("Detection loop not started", "error", det.startErr.Error())
		return det
	}
	ctx, cancel := context.WithCancel(context.Background())
	det.cancel, det.done = cancel, make(chan struct{})
	d.logger.Info("Detection loop started", "interval", d.settings.DetectionInterval.String(),
		"notifiers", strings.Join(active, ","), "slos", len(loaded.cfg.SLOs()))
	go func() {
		defer close(det.done)
		// The detector needs the plugin schema: retry the migration every interval until
		// it succeeds (the database may be down when the instance starts).
		for {
			_, err := d.ensureSchema(ctx)
			if err == nil {
				break
			}
			d.logger.Warn("Detection waits for the plugin schema", "error", err.Error())
			select {
			case <-ctx.Done():
				return
			case <-time.After(d.settings.DetectionInterval):
			}
		}
		if err := det.det.Run(ctx); err != nil {
			d.logger.Error("Detection loop ended", "error", err.Error())
		}
	}()
	return det
}

// stop cancels the loop and waits for it to return (it releases the leader lock).
func (det *detection) stop() {
	if det == nil || det.cancel == nil {
		return
	}
	det.cancel()
	<-det.done
}

func loadedChannels(cfg *slo.Config) slo.Channels {
	if cfg == nil {
		return slo.Channels{}
	}
	return cfg.Channels
}

// BuildNotifiers builds the notifiers of the channels that are configured, by channel name
// (slack, pager, email), with the names of the active channels and the problems of the
// configured but unusable ones: the secrets from secureJsonData, the other settings from
// jsonData (`sloguard detect` fills Settings from its flags and environment), falling back to the SLO config's
// alert_channels (slack.channel, email.smtp_server/from/recipients). An unconfigured channel
// is skipped (its notifications fail as undeliverable); a configured one that is invalid is
// a problem, described without secrets.
func BuildNotifiers(s Settings, ch slo.Channels) (map[string]notify.Notifier, []string, []string) {
	out := map[string]notify.Notifier{}
	var problems []string
	sec, n := s.Secrets, s.Notify
	redact := func(err error) string {
		return notify.RedactString(err.Error(), notify.Secret(sec.SlackWebhookURL), notify.Secret(sec.SlackBotToken),
			notify.Secret(sec.PagerDutyRoutingKey), notify.Secret(sec.SMTPPassword))
	}

	channel := n.SlackChannel
	if channel == "" && ch.Slack != nil {
		channel = ch.Slack.Channel
	}
	var slackCfg *slack.Config
	switch {
	case sec.SlackBotToken != "" && channel != "":
		slackCfg = &slack.Config{Token: notify.Secret(sec.SlackBotToken), Channel: channel}
	case sec.SlackWebhookURL != "":
		slackCfg = &slack.Config{WebhookURL: notify.Secret(sec.SlackWebhookURL)}
	case sec.SlackBotToken != "":
		problems = append(problems, "slack: jsonData.slackChannel (or alert_channels.slack.channel) is required with slackBotToken")
	}
	if slackCfg != nil {
		if nt, err := slack.New(*slackCfg); err != nil {
			problems = append(problems, redact(err))
		} else {
			out["slack"] = nt
		}
	}

	if sec.PagerDutyRoutingKey != "" {
		nt, err := pagerduty.New(pagerduty.Config{RoutingKey: notify.Secret(sec.PagerDutyRoutingKey), Endpoint: n.PagerDutyEndpoint})
		if err != nil {
			problems = append(problems, redact(err))
		} else {
			out["pager"] = nt
		}
	}

	ec := email.Config{Host: n.SMTPHost, Port: n.SMTPPort, TLS: email.TLSMode(n.SMTPTLS), Username: n.SMTPUser,
		Password: notify.Secret(sec.SMTPPassword), From: n.SMTPFrom, To: n.SMTPRecipients}
	if ch.Email != nil {
		if ec.Host == "" && ch.Email.SMTPServer != "" {
			ec.Host = ch.Email.SMTPServer
			if host, port, err := net.SplitHostPort(ch.Email.SMTPServer); err == nil {
				ec.Host = host
				if p, err := strconv.Atoi(port); err == nil && ec.Port == 0 {
					ec.Port = p
				}
			}
		}
		if ec.From == "" {
			ec.From = ch.Email.From
		}
		if len(ec.To) == 0 {
			ec.To = ch.Email.Recipients
		}
	}
	if ec.Host != "" {
		if nt, err := email.New(ec); err != nil {
			problems = append(problems, redact(err))
		} else {
			out["email"] = nt
		}
	}

	active := make([]string, 0, len(out))
	for name := range out {
		active = append(active, name)
	}
	slices.Sort(active)
	return out, active, problems
}
