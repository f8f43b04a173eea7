package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

func init() {
	queryHandlers["journey_steps"] = journeyStepsQuery
}

// The modes of journey_steps (DataQuery.JSON `mode`).
const (
	journeyModeTable      = "table"
	journeyModeTimeseries = "timeseries"
)

// journeyQueryModel is what journey_steps reads from DataQuery.JSON beyond queryModel.
type journeyQueryModel struct {
	// Mode is "table" (the default): a funnel table per journey SLO; or "timeseries": each
	// step's success rate over time.
	Mode string `json:"mode"`
}

// journeyStepsQuery answers journey_steps for the user_journey SLOs the query selects (others
// are skipped; none is a typed empty frame, not an error): in table mode one table frame per
// SLO, its journey's steps over the journeys that started in the query's time range
// (engine.JourneyFunnel); in timeseries mode one timeseries-multi frame per SLO and step
// (journeySeriesResponse).
func journeyStepsQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	var m journeyQueryModel
	if err := json.Unmarshal(r.query.JSON, &m); err != nil {
		return badRequest(fieldError("query", err).Error())
	}
	switch m.Mode {
	case "", journeyModeTable, journeyModeTimeseries:
	default:
		return badRequest(fmt.Sprintf("mode: must be %q or %q, got %q", journeyModeTable, journeyModeTimeseries, m.Mode))
	}
	var journeys []slo.SLO
	for _, s := range r.slos {
		if s.Type == slo.UserJourney {
			journeys = append(journeys, s)
		}
	}
	if m.Mode == journeyModeTimeseries {
		return journeySeriesResponse(ctx, d, r, journeys)
	}
	from, to := r.query.TimeRange.From, r.query.TimeRange.To
	if !from.Before(to) {
		return badRequest(fmt.Sprintf("timeRange: from %s is not before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339)))
	}
	if len(journeys) == 0 {
		return backend.DataResponse{Frames: data.Frames{journeyTableFrame("journey_steps", nil)}}
	}
	eng, err := d.engineFor(ctx, r.config)
	if err != nil {
		return failed(err)
	}
	frames := make(data.Frames, 0, len(journeys))
	for _, s := range journeys {
		steps, err := eng.JourneyFunnel(ctx, s, from, to)
		if err != nil {
			return failed(err)
		}
		frames = append(frames, journeyTableFrame(s.ID()+" "+s.Journey, steps))
	}
	return backend.DataResponse{Frames: frames}
}

// journeySeriesResponse is the timeseries mode: the points of the other series types
// (gridFor: the interval, at least a minute, grown to fit maxDataPoints), each step's success
// rate at a point over the journeys that started in the step before it
// (engine.JourneyStepSeries), one timeseries-multi frame per SLO and journey step, labelled
// service, slo, journey and step.
func journeySeriesResponse(ctx context.Context, d *Datasource, r queryRequest, journeys []slo.SLO) backend.DataResponse {
	return perSLOSeries(ctx, d, r, journeys, func(ctx context.Context, eng *engine.Engine, g grid, s slo.SLO) (data.Frames, error) {
		series, err := eng.JourneyStepSeries(ctx, s, g.first, g.last, g.step)
		if err != nil {
			return nil, err
		}
		frames := make(data.Frames, 0, len(series))
		for _, st := range series {
			values := make([]*float64, len(st.Points))
			for i, p := range st.Points {
				values[i] = p.SuccessRate
			}
			labels := sloLabels(s, labelJourney, s.Journey, labelStep, st.Step)
			frames = append(frames, seriesFrame("success_rate", labels, unitRatio, g, values))
		}
		return frames, nil
	})
}

// Labels of the journey step series, besides service and slo.
const (
	labelJourney = "journey"
	labelStep    = "step"
)

// journeyTableFrame is the funnel table of one journey SLO: a row per step in funnel order.
// success_rate is a ratio (percentunit) and null when nobody reached the step; p50_ms and
// p95_ms are null when no row of the step has a duration; max_duration_ms is null for a step
// without a limit.
func journeyTableFrame(name string, steps []engine.StepStats) *data.Frame {
	n := len(steps)
	step, order := make([]string, n), make([]int64, n)
	reached, succeeded, over, drop := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	rate, p50, p95, limit := make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n)
	for i, s := range steps {
		step[i], order[i] = s.Step, s.Order
		reached[i], succeeded[i], over[i], drop[i] = s.Reached, s.Succeeded, s.OverBudget, s.DropOff
		rate[i], p50[i], p95[i] = s.SuccessRate, s.P50DurationMS, s.P95DurationMS
		if s.MaxDurationMS > 0 {
			ms := s.MaxDurationMS
			limit[i] = &ms
		}
	}
	frame := data.NewFrame(name,
		unitField("step", step, ""),
		unitField("step_order", order, ""),
		unitField("journeys", reached, ""),
		unitField("success", succeeded, ""),
		unitField("success_rate", rate, unitRatio),
		unitField("p50_ms", p50, unitMS),
		unitField("p95_ms", p95, unitMS),
		unitField("max_duration_ms", limit, unitMS),
		unitField("over_budget", over, ""),
		unitField("drop_off", drop, ""),
	)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: frameTypeVersion}
	return frame
}

// unitField is a column of a table frame with an optional unit.
func unitField(name string, values any, unit string) *data.Field {
	f := data.NewField(name, nil, values)
	if unit != "" {
		f.SetConfig(&data.FieldConfig{Unit: unit})
	}
	return f
}
