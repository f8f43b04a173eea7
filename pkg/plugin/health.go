package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// healthCheck is one line of the health report; JSONDetails carries them all.
type healthCheck struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// CheckHealth tells the user what works and exactly what to fix: the settings, the
// PostgreSQL connection (and its version), the plugin schema's migration, the SLO config
// (counts, or every error with its path) and the log tables (every missing table or
// column). It never reports a secret.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.settingsErr != nil {
		return healthResult([]healthCheck{{Name: "settings", Message: "Invalid settings: " + oneLine(d.settingsErr)}}), nil
	}
	loaded := d.config.load()
	checks := []healthCheck{configCheck(loaded)}
	checks = append(checks, d.databaseChecks(ctx, loaded.cfg)...)
	if d.settings.DetectionEnabled {
		checks = append(checks, d.detectionStatus(ctx).healthCheck())
	}
	return healthResult(checks), nil
}

func healthResult(checks []healthCheck) *backend.CheckHealthResult {
	status, parts := backend.HealthStatusOk, make([]string, 0, len(checks))
	var failed []string
	for _, c := range checks {
		parts = append(parts, c.Message)
		if !c.OK {
			status = backend.HealthStatusError
			failed = append(failed, c.Message)
		}
	}
	message := strings.Join(parts, "; ")
	if status == backend.HealthStatusError {
		message = strings.Join(failed, "; ")
	}
	details, _ := json.Marshal(map[string]any{
		"message":        message,
		"verboseMessage": strings.Join(parts, "\n"),
		"checks":         checks,
	})
	return &backend.CheckHealthResult{Status: status, Message: message, JSONDetails: details}
}

func configCheck(l loadedConfig) healthCheck {
	c := healthCheck{Name: "slo_config"}
	if l.err != nil {
		c.Message = l.err.Error()
		return c
	}
	if errs := l.diags.Errors(); len(errs) > 0 {
		c.Message = fmt.Sprintf("SLO config has %d %s: %s", len(errs), plural(len(errs), "error", "errors"), joinDiags(errs))
		return c
	}
	services, slos := 0, 0
	if l.cfg != nil {
		services, slos = len(l.cfg.Services), len(l.cfg.SLOs())
	}
	c.OK = true
	c.Message = fmt.Sprintf("SLO config: %d %s, %d %s", services, plural(services, "service", "services"), slos, plural(slos, "SLO", "SLOs"))
	if w := l.diags.Warnings(); len(w) > 0 {
		c.Message += fmt.Sprintf(" (%d %s: %s)", len(w), plural(len(w), "warning", "warnings"), joinDiags(w))
	}
	return c
}

// databaseChecks reaches PostgreSQL, migrates the plugin schema and checks the log tables.
// An unreachable database ends the list: the later checks cannot run.
func (d *Datasource) databaseChecks(ctx context.Context, cfg *slo.Config) []healthCheck {
	conn := healthCheck{Name: "postgres"}
	var version string
	if err := d.pool.QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&version); err != nil {
		conn.Message = d.connectionProblem(err)
		return []healthCheck{conn}
	}
	conn.OK = true
	conn.Message = fmt.Sprintf("PostgreSQL %s at %s:%d/%s", version, d.settings.DB.Host, d.settings.DB.Port, d.settings.DB.Database)

	schema := healthCheck{Name: "plugin_schema"}
	if v, err := d.ensureSchema(ctx); err != nil {
		schema.Message = fmt.Sprintf("Plugin schema %s could not be migrated: %s", d.settings.Schema, oneLine(err))
	} else {
		schema.OK = true
		schema.Message = fmt.Sprintf("plugin schema %s at version %d of %d", d.settings.Schema, v, store.LatestVersion())
	}

	tables := healthCheck{Name: "log_tables"}
	needRequests, needJourneys := cfg.ReadsTables()
	t := d.tables(cfg)
	problems, err := store.CheckLogTables(ctx, d.pool, t, needRequests, needJourneys)
	switch {
	case err != nil:
		tables.Message = "Could not check the log tables: " + oneLine(err)
	case len(problems) > 0:
		tables.Message = "Log tables: " + strings.Join(problems, "; ")
	default:
		tables.OK = true
		tables.Message = "log tables " + checkedTables(t, needRequests, needJourneys) + " have the configured columns"
	}
	return []healthCheck{conn, schema, tables}
}

func checkedTables(t slo.Tables, requests, journeys bool) string {
	var names []string
	if requests {
		names = append(names, t.Requests.Table)
	}
	if journeys {
		names = append(names, t.Journeys.Table)
	}
	return strings.Join(names, " and ")
}

// connectionProblem explains a failed connection in words a user can act on. pgconn's
// messages name host, user and database but never the password.
func (d *Datasource) connectionProblem(err error) string {
	db := d.settings.DB
	where := fmt.Sprintf("%s:%d database %q as user %q", db.Host, db.Port, db.Database, db.User)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01":
			return fmt.Sprintf("PostgreSQL at %s rejected the password: check the password", where)
		case "28000":
			return fmt.Sprintf("PostgreSQL at %s refused the login: %s", where, pgErr.Message)
		case "3D000":
			return fmt.Sprintf("PostgreSQL at %s:%d has no database %q", db.Host, db.Port, db.Database)
		}
	}
	return fmt.Sprintf("Cannot reach PostgreSQL at %s: %s", where, oneLine(err))
}

func joinDiags(ds slo.Diagnostics) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return strings.Join(s, "; ")
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
