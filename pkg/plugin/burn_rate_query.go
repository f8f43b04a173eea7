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
	queryHandlers["burn_rate"] = burnRateQuery
}

// burnRateQuery answers burn_rate: for every selected SLO and window (the query's
// `windows`, default defaultBurnRateWindows) the burn rate over [t - window, t), the error
// ratio over the SLO's allowed one (docs/slo-math.md), null when the window holds no valid
// event. The field is burn_rate with labels service, slo and window (the window written as
// slo.FormatWindow does: "1h", "1d").
//
// As a graph, one timeseries-multi frame per SLO and window over the panel's time range. With
// `instant: true`, or for Grafana alerting (header FromAlert), one value per SLO and window
// at the range's end instead, in ONE numeric-wide frame: Grafana's server-side expressions
// read numeric-wide, -multi and -long alike (dataplane numeric.CollectionReaderFromFrames),
// and each field becomes one alert instance labelled service, slo, window, so a threshold
// needs no Reduce step. Wide keeps the answer one frame of one row, whatever the number of
// series; multi would be one frame per value. A series without data is a null value, which
// Grafana alerting evaluates as NoData for that instance alone; the instance is not dropped.
func burnRateQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	windows, err := parseWindows("windows", r.model.Windows, defaultBurnRateWindows)
	if err != nil {
		return badRequest(err.Error())
	}
	if r.model.Instant || r.fromAlert {
		return burnRateInstant(ctx, d, r, windows)
	}
	return perSLOSeries(ctx, d, r, r.slos, func(ctx context.Context, eng *engine.Engine, g grid, s slo.SLO) (data.Frames, error) {
		perWindow, err := windowCounts(ctx, eng, g, s, windows)
		if err != nil {
			return nil, fmt.Errorf("burn rates of %s: %w", s.ID(), err)
		}
		frames := make(data.Frames, 0, len(windows))
		for i, w := range windows {
			values := make([]*float64, g.n)
			for j, c := range perWindow[i] {
				values[j] = floatPtr(slo.BurnRate(c, s.Objective))
			}
			frames = append(frames, seriesFrame("burn_rate", sloLabels(s, labelWindow, slo.FormatWindow(w)), "", g, values))
		}
		return frames, nil
	})
}

// burnRateInstant is burn_rate's numeric answer: every SLO's burn rate over each window
// ending at the range's end, counted exactly as Status counts them (engine.Counts and
// slo.BurnRate; windowCounts at the one point at), in one numeric-wide frame.
func burnRateInstant(ctx context.Context, d *Datasource, r queryRequest, windows []time.Duration) backend.DataResponse {
	at := r.query.TimeRange.To
	if at.IsZero() {
		return badRequest("timeRange: to must be set")
	}
	if len(r.slos) == 0 {
		return backend.DataResponse{Frames: data.Frames{numericWideFrame("burn_rate", "", nil)}}
	}
	eng, err := d.engineFor(ctx, r.config)
	if err != nil {
		return failed(err)
	}
	perSLO := make([][]numericValue, len(r.slos))
	err = eachSLO(ctx, r.slos, func(ctx context.Context, i int, s slo.SLO) error {
		perWindow, err := windowCounts(ctx, eng, grid{first: at, last: at, n: 1}, s, windows)
		if err != nil {
			return fmt.Errorf("burn rates of %s: %w", s.ID(), err)
		}
		for j, w := range windows {
			perSLO[i] = append(perSLO[i], numericValue{
				labels: sloLabels(s, labelWindow, slo.FormatWindow(w)),
				value:  floatPtr(slo.BurnRate(perWindow[j][0], s.Objective)),
			})
		}
		return nil
	})
	if err != nil {
		return failed(err)
	}
	var values []numericValue
	for _, vs := range perSLO {
		values = append(values, vs...)
	}
	return backend.DataResponse{Frames: data.Frames{numericWideFrame("burn_rate", "", values)}}
}
