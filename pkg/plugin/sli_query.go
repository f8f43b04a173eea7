package plugin

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

func init() {
	queryHandlers["sli"] = sliQuery
}

// sliQuery answers sli: for every selected SLO, the SLI over a rolling window (the query's
// `window`, default 5m) ending at each point, good/valid of [t - window, t) counted exactly
// (engine.Counts: rollups for whole minutes, raw rows at the edges), null without valid
// events: field sli, labels service, slo, window, percentunit. A latency SLO also gets
// its response-time percentiles p50, p95 and p99 in ms over the same windows (field
// response_time, one more label percentile), percentile_cont over the valid requests of each
// point's window (engine.PercentileSeries); display only, the SLI is the threshold ratio.
// All timeseries-multi, in SLO order, each SLO's SLI before its percentiles.
func sliQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	window := defaultSLIWindow
	if r.model.Window != "" {
		w, err := parseWindow("window", r.model.Window)
		if err != nil {
			return badRequest(err.Error())
		}
		if w > maxSLIWindow {
			return badRequest(fmt.Sprintf("window: at most %s, got %s (latency percentiles read every point's window from raw rows)", slo.FormatWindow(maxSLIWindow), r.model.Window))
		}
		window = w
	}
	percentiles, err := parsePercentiles(r.model.Percentiles)
	if err != nil {
		return badRequest(err.Error())
	}
	windowLabel := slo.FormatWindow(window)
	return perSLOSeries(ctx, d, r, r.slos, func(ctx context.Context, eng *engine.Engine, g grid, s slo.SLO) (data.Frames, error) {
		perWindow, err := windowCounts(ctx, eng, g, s, []time.Duration{window})
		if err != nil {
			return nil, fmt.Errorf("SLI of %s: %w", s.ID(), err)
		}
		counts := perWindow[0]
		values := make([]*float64, len(counts))
		for j, c := range counts {
			values[j] = floatPtr(slo.SLI(c))
		}
		frames := data.Frames{seriesFrame("sli", sloLabels(s, labelWindow, windowLabel), unitRatio, g, values)}
		if s.Type != slo.Latency {
			return frames, nil
		}
		pcts, err := percentileFrames(ctx, eng, s, g, window, windowLabel, percentiles)
		return append(frames, pcts...), err
	})
}

// parsePercentiles checks sli's percentiles field: labels among engine.PercentileLabels,
// returned in that order without duplicates; empty texts give them all.
func parsePercentiles(texts []string) ([]string, error) {
	known := engine.PercentileLabels()
	if len(texts) == 0 {
		return known, nil
	}
	var out []string
	for _, label := range known {
		if slices.Contains(texts, label) {
			out = append(out, label)
		}
	}
	for _, t := range texts {
		if !slices.Contains(known, t) {
			return nil, fmt.Errorf("percentiles: unknown percentile %q, want some of %s", t, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// percentileFrames are the response-time percentile series of the latency SLO s, one frame
// per label of labels (engine.PercentileLabels).
func percentileFrames(ctx context.Context, eng *engine.Engine, s slo.SLO, g grid, window time.Duration, windowLabel string, labels []string) (data.Frames, error) {
	pts, err := eng.PercentileSeries(ctx, s, g.first, g.last, g.step, window)
	if err != nil {
		return nil, fmt.Errorf("response-time percentiles of %s: %w", s.ID(), err)
	}
	if len(pts) != g.n {
		return nil, fmt.Errorf("response-time percentiles of %s: %d points for a grid of %d", s.ID(), len(pts), g.n)
	}
	var frames data.Frames
	for _, label := range labels {
		values := make([]*float64, len(pts))
		for j, p := range pts {
			if v, ok := p.Values[label]; ok {
				values[j] = &v
			}
		}
		frames = append(frames, seriesFrame("response_time", sloLabels(s, labelWindow, windowLabel, labelPercentile, label), unitMS, g, values))
	}
	return frames, nil
}
