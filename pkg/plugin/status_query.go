package plugin

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

func init() {
	queryHandlers["slo_status"] = sloStatusQuery
}

// engineFor returns an engine over the data source's pool for one loaded config (its tables
// section and journeys), after making sure the plugin schema that holds the rollups exists.
func (d *Datasource) engineFor(ctx context.Context, cfg *slo.Config) (*engine.Engine, error) {
	if _, err := d.ensureSchema(ctx); err != nil {
		return nil, err
	}
	return engine.New(d.pool, engine.Options{
		Schema: d.settings.Schema,
		Tables: d.tables(cfg),
		Config: cfg,
		OnRefreshError: func(s slo.SLO, err error) {
			d.logger.Warn("Rollup refresh failed; counting from raw rows", "slo", s.ID(), "error", err.Error())
		},
	})
}

// sloStatusQuery answers slo_status: one table frame, a row per selected SLO, at the end of
// the query's time range.
func sloStatusQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	eng, err := d.engineFor(ctx, r.config)
	if err != nil {
		return failed(err)
	}
	at := r.query.TimeRange.To
	statuses := make([]engine.Status, 0, len(r.slos))
	for _, s := range r.slos {
		st, err := eng.Status(ctx, s, at)
		if err != nil {
			return failed(fmt.Errorf("status of %s: %w", s.ID(), err))
		}
		statuses = append(statuses, st)
	}
	return backend.DataResponse{Frames: data.Frames{statusFrame(statuses)}}
}

// statusFrame is the slo_status table. Ratios carry the percentunit unit, durations s; a
// value without data is null.
func statusFrame(statuses []engine.Status) *data.Frame {
	n := len(statuses)
	col := func(name string, values any, unit string) *data.Field {
		f := data.NewField(name, nil, values)
		if unit != "" {
			f.SetConfig(&data.FieldConfig{Unit: unit})
		}
		return f
	}
	service, name, sliType, window, state := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	objective := make([]float64, n)
	good, valid := make([]int64, n), make([]int64, n)
	sli, remaining, consumed, br1h, br6h, tte := make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n)
	for i, st := range statuses {
		service[i], name[i], sliType[i], window[i] = st.SLO.Service, st.SLO.Name, string(st.SLO.Type), st.SLO.WindowText
		objective[i], good[i], valid[i] = st.SLO.Objective, st.Window.Good, st.Window.Valid
		sli[i], remaining[i], consumed[i] = st.SLI, st.BudgetRemaining, st.BudgetConsumed
		br1h[i], br6h[i] = st.BurnRates[time.Hour], st.BurnRates[6*time.Hour]
		if st.TimeToExhaustion != nil {
			secs := st.TimeToExhaustion.Seconds()
			tte[i] = &secs
		}
		state[i] = string(st.State)
	}
	frame := data.NewFrame("slo_status",
		col("service", service, ""),
		col("slo", name, ""),
		col("sli_type", sliType, ""),
		col("objective", objective, "percentunit"),
		col("window", window, ""),
		col("sli", sli, "percentunit"),
		col("good", good, ""),
		col("valid", valid, ""),
		col("budget_remaining", remaining, "percentunit"),
		col("budget_consumed", consumed, "percentunit"),
		col("burn_rate_1h", br1h, ""),
		col("burn_rate_6h", br6h, ""),
		col("time_to_exhaustion", tte, "s"),
		col("state", state, ""),
	)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: data.FrameTypeVersion{0, 1}}
	return frame
}
