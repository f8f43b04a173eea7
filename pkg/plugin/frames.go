package plugin

import (
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/slo"
)

// The frames of the series query types, in the shapes of the data plane contract (the SDK's
// data/contract_docs) that Grafana's server-side expressions, and so Grafana alerting, read:
// frames[0].Meta.Type with TypeVersion {0, 1}.
//
//   - timeseries-multi (seriesFrame): one frame per series, a time field (ascending) and one
//     nullable float64 value field whose labels name the series. Series of one response may
//     differ in name and unit (sli: the SLI ratio and the percentiles in ms).
//   - numeric-wide (numericWideFrame): one frame of one row, one nullable float64 field per
//     value, each with its labels, no time field. An alert rule gets one instance per field.
//
// A value without data (no valid event in its window) is null, never 0. A response without
// any series is one frame with Meta.Type set and no fields (noDataFrame), which both Grafana's
// panels and its expressions read as "no data".

// frameTypeVersion is the data plane version of every typed frame here.
var frameTypeVersion = data.FrameTypeVersion{0, 1}

// Units of the value fields (Grafana unit ids).
const (
	unitRatio = "percentunit" // a ratio, shown as a percentage: 0.999 -> 99.9 %
	unitMS    = "ms"
)

// Label names of the series.
const (
	labelService    = "service"
	labelSLO        = "slo"
	labelWindow     = "window"
	labelPercentile = "percentile"
)

// sloLabels are the labels of a series of s: service and slo, then the name/value pairs of
// extra.
func sloLabels(s slo.SLO, extra ...string) data.Labels {
	l := data.Labels{labelService: s.Service, labelSLO: s.Name}
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}

// seriesFrame is one timeseries-multi series: the grid's points and values (parallel to
// them; nil = no data) in a field named name with labels and unit. The time field carries
// the step as its interval, for panels that draw bars or gaps.
func seriesFrame(name string, labels data.Labels, unit string, g grid, values []*float64) *data.Frame {
	t := data.NewField("time", nil, g.times())
	t.SetConfig(&data.FieldConfig{Interval: float64(g.step.Milliseconds())})
	v := data.NewField(name, labels, values)
	if unit != "" {
		v.SetConfig(&data.FieldConfig{Unit: unit})
	}
	f := data.NewFrame("", t, v)
	f.Meta = &data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: frameTypeVersion}
	return f
}

// numericValue is one value of a numeric frame and the labels of its series.
type numericValue struct {
	labels data.Labels
	value  *float64
}

// numericWideFrame is the numeric-wide frame of values, each a field named name with its
// labels and unit; without values it is the typed no-data frame.
func numericWideFrame(name, unit string, values []numericValue) *data.Frame {
	f := noDataFrame(data.FrameTypeNumericWide)
	for _, nv := range values {
		v := data.NewField(name, nv.labels, []*float64{nv.value})
		if unit != "" {
			v.SetConfig(&data.FieldConfig{Unit: unit})
		}
		f.Fields = append(f.Fields, v)
	}
	return f
}

// noDataFrame is the data plane's "no data" of a frame type: a single frame with the type
// set and no fields.
func noDataFrame(t data.FrameType) *data.Frame {
	f := data.NewFrame("")
	f.Meta = &data.FrameMeta{Type: t, TypeVersion: frameTypeVersion}
	return f
}

// seriesResponse answers a timeseries query with its frames, or the typed no-data frame
// when there are none.
func seriesResponse(frames data.Frames) backend.DataResponse {
	if len(frames) == 0 {
		frames = data.Frames{noDataFrame(data.FrameTypeTimeSeriesMulti)}
	}
	return backend.DataResponse{Frames: frames}
}

// floatPtr returns v as a pointer when ok, else nil (no data).
func floatPtr(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}
