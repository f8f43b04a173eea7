package plugin

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

func init() {
	queryHandlers["error_budget"] = errorBudgetQuery
}

// errorBudgetQuery answers error_budget: the burn-down of every selected SLO over the
// panel's time range, one timeseries-multi frame per SLO whose field budget_remaining
// (labels service, slo; percentunit) is the budget left over the SLO window ending at each
// point: 1 untouched, 0 spent, negative when breached (not clamped), null without data.
// Each SLO is one engine.Series call, which counts every point's window in one pass.
func errorBudgetQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	return perSLOSeries(ctx, d, r, r.slos, func(ctx context.Context, eng *engine.Engine, g grid, s slo.SLO) (data.Frames, error) {
		pts, err := gridSeries(ctx, eng, g, s)
		if err != nil {
			return nil, err
		}
		values := make([]*float64, len(pts))
		for j, p := range pts {
			values[j] = p.BudgetRemaining
		}
		return data.Frames{seriesFrame("budget_remaining", sloLabels(s), unitRatio, g, values)}, nil
	})
}
