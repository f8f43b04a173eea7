package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/plugin"
	"github.com/sloguard/sloguard/pkg/slo"
)

// dashboardJourneys is how many sign-up journeys (four steps each) the dashboard figure
// spreads over the 30 days.
const dashboardJourneys = 100_000

// dashboardConfig is the dashboard figure's SLO config: 10 SLOs, eight success-rate and one
// latency SLO over the generated services and one journey SLO, on the bench schema's tables.
func dashboardConfig(schema string) string {
	var b strings.Builder
	b.WriteString("services:\n")
	for i := range benchServices - 2 {
		fmt.Fprintf(&b, "  svc_%d:\n    availability: {sli_type: success_rate, target: 99.9, window: 30d}\n", i)
		if i == 0 {
			b.WriteString("    latency: {sli_type: latency, target: 200, percentile: 95, window: 30d}\n")
		}
	}
	b.WriteString("  web:\n    signup: {sli_type: user_journey, target: 99.5, window: 7d, journey_name: signup}\n")
	b.WriteString("journeys:\n  signup:\n    steps:\n")
	for _, step := range []string{"form", "verify", "profile", "login"} {
		fmt.Fprintf(&b, "      - {step: %s, max_duration_ms: 2000}\n", step)
	}
	fmt.Fprintf(&b, "tables:\n  requests: {table: %s.request_logs}\n  journeys: {table: %s.user_journey_logs}\n", schema, schema)
	return b.String()
}

// dashboardQueryTypes are the query types of the dashboard figure, in panel order.
var dashboardQueryTypes = []string{"slo_status", "error_budget", "burn_rate", "sli", "journey_steps"}

// dashboardFigure is the dashboard refresh's durations: as Grafana sends it (one request per
// panel, all at once), as one request holding every panel's query, per query type alone,
// and the journey steps' time series alone (a panel of the provisioned dashboard).
type dashboardFigure struct {
	refresh, oneRequest, stepSeries []time.Duration
	perType                         map[string][]time.Duration
}

// benchDashboard measures one dashboard refresh through the plugin's QueryData, as Grafana
// sends it: the status table, the error budget, burn rate and SLI series and the journey
// table for all 10 SLOs over the 7 days before `at` at maxDataPoints 1000, each panel its own
// request (Grafana's front end queries every panel of a dashboard at once, one
// /api/ds/query each) and the refresh done when the last panel has its answer; then the
// same queries in one request, and each query type alone. The rollups are refreshed first,
// as the detection loop keeps them, and vacuumed, as autovacuum keeps them in production (it
// is off on some bench machines): an index-only probe of a page not yet marked all-visible
// also reads the heap.
func benchDashboard(ctx context.Context, pool *pgxpool.Pool, dsn, schema string, at time.Time, runs int, log io.Writer) (dashboardFigure, error) {
	var fig dashboardFigure
	if err := loadJourneys(ctx, pool, schema, at); err != nil {
		return fig, err
	}
	yaml := dashboardConfig(schema)
	cfg, diags := slo.Parse([]byte(yaml))
	if diags.HasErrors() {
		return fig, fmt.Errorf("dashboard config: %v", diags.Err())
	}
	eng, err := engine.New(pool, engine.Options{Schema: schema, Tables: *cfg.Tables, Config: cfg})
	if err != nil {
		return fig, err
	}
	for _, s := range cfg.SLOs() {
		if err := eng.Refresh(ctx, s, at.Truncate(time.Minute)); err != nil {
			return fig, err
		}
	}
	rollups := pgx.Identifier{schema, "sli_rollup"}.Sanitize() + ", " + pgx.Identifier{schema, "sli_rollup_state"}.Sanitize()
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE "+rollups); err != nil {
		return fig, err
	}
	settings, err := dashboardSettings(dsn, schema, yaml)
	if err != nil {
		return fig, err
	}
	inst, err := plugin.NewDatasource(ctx, settings)
	if err != nil {
		return fig, err
	}
	ds := inst.(*plugin.Datasource)
	defer ds.Dispose()

	request := func(types ...string) *backend.QueryDataRequest {
		req := &backend.QueryDataRequest{PluginContext: backend.PluginContext{DataSourceInstanceSettings: &settings}}
		for _, qt := range types {
			req.Queries = append(req.Queries, backend.DataQuery{
				RefID: qt, QueryType: qt, MaxDataPoints: 1000, Interval: time.Minute,
				TimeRange: backend.TimeRange{From: at.Add(-7 * slo.Day), To: at},
				JSON:      json.RawMessage(`{"queryType":"` + qt + `"}`),
			})
		}
		return req
	}
	// measure times runs refreshes, each sending reqs at once and waiting for every answer.
	measure := func(reqs ...*backend.QueryDataRequest) ([]time.Duration, error) {
		var took []time.Duration
		for range runs {
			t0 := time.Now()
			var g errgroup.Group
			for _, req := range reqs {
				g.Go(func() error {
					resp, err := ds.QueryData(ctx, req)
					if err != nil {
						return err
					}
					for ref, r := range resp.Responses {
						if r.Error != nil {
							return fmt.Errorf("dashboard query %s: %w", ref, r.Error)
						}
					}
					return nil
				})
			}
			if err := g.Wait(); err != nil {
				return nil, err
			}
			took = append(took, time.Since(t0))
		}
		return took, nil
	}
	panels := make([]*backend.QueryDataRequest, len(dashboardQueryTypes))
	for i, qt := range dashboardQueryTypes {
		panels[i] = request(qt)
	}
	if fig.refresh, err = measure(panels...); err != nil {
		return fig, err
	}
	if fig.oneRequest, err = measure(request(dashboardQueryTypes...)); err != nil {
		return fig, err
	}
	fig.perType = map[string][]time.Duration{}
	for i, qt := range dashboardQueryTypes {
		if fig.perType[qt], err = measure(panels[i]); err != nil {
			return fig, err
		}
	}
	stepSeries := request("journey_steps")
	stepSeries.Queries[0].JSON = json.RawMessage(`{"queryType":"journey_steps","mode":"timeseries"}`)
	if fig.stepSeries, err = measure(stepSeries); err != nil {
		return fig, err
	}
	fmt.Fprintf(log, "bench %s: dashboard of %d SLOs measured\n", schema, len(cfg.SLOs()))
	return fig, nil
}

// dashboardSettings are data source settings that reach the bench database.
func dashboardSettings(dsn, schema, yaml string) (backend.DataSourceInstanceSettings, error) {
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return backend.DataSourceInstanceSettings{}, err
	}
	sslMode := "disable"
	if cc.TLSConfig != nil {
		sslMode = "require"
	}
	js, err := json.Marshal(map[string]any{
		"host": cc.Host, "port": cc.Port, "database": cc.Database, "user": cc.User, "sslMode": sslMode,
		"schema": schema, "sloConfig": yaml,
	})
	return backend.DataSourceInstanceSettings{
		UID: "bench", Name: "bench", JSONData: js,
		DecryptedSecureJSONData: map[string]string{"password": cc.Password},
	}, err
}

// loadJourneys inserts dashboardJourneys four-step sign-up journeys over the 30 days before
// at: 1 % fail their verify step, 2 % are slow at it (over its 2 s limit), 3 % stop after it.
func loadJourneys(ctx context.Context, pool *pgxpool.Pool, schema string, at time.Time) error {
	table := pgx.Identifier{schema, "user_journey_logs"}.Sanitize()
	// A kept schema (--keep) gets the same journeys again, not twice as many.
	if _, err := pool.Exec(ctx, "TRUNCATE "+table); err != nil {
		return err
	}
	_, err := pool.Exec(ctx, `INSERT INTO `+table+`
		("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms)
		SELECT $1::timestamptz - make_interval(secs => j * 2592000.0 / $2) + make_interval(secs => s.o * 5),
		       'j' || j, 'signup', s.name, s.o,
		       NOT (s.name = 'verify' AND j % 100 = 0),
		       CASE WHEN s.name = 'verify' AND j % 50 = 1 THEN 2500 ELSE 300 + (j % 7) * 100 END
		FROM generate_series(1, $2) AS j
		CROSS JOIN (VALUES (1, 'form'), (2, 'verify'), (3, 'profile'), (4, 'login')) AS s(o, name)
		WHERE s.o <= 2 OR j % 100 >= 3`, at, dashboardJourneys)
	if err != nil {
		return fmt.Errorf("load journeys: %w", err)
	}
	_, err = pool.Exec(ctx, "VACUUM ANALYZE "+table)
	return err
}
