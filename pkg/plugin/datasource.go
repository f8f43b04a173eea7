// Package plugin is the Grafana SDK glue of SLOGuard: the instance factory, settings, the
// query-type mux and frames, resources, health checks and Dispose. The SLO logic lives in
// pkg/slo, pkg/store and pkg/engine.
package plugin

import (
	"context"
	"fmt"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/jackc/pgx/v5/pgxpool"

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

// Dispose closes the pool. The SDK calls it when the settings change or the instance is
// evicted, not at process shutdown.
func (d *Datasource) Dispose() {
	if d.pool != nil {
		d.pool.Close()
	}
}
