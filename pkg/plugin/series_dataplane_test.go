package plugin

import (
	"testing"
	"time"

	"github.com/grafana/dataplane/sdata"
	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// sseView is what Grafana's server-side expressions (pkg/expr/dataplane.go, the path of
// every Grafana-managed alert rule) make of a response: its kind, and the labels of each
// series or number, one alert instance each; noData for the typed "no data" answer.
type sseView struct {
	kind   data.FrameTypeKind
	labels []data.Labels
	noData bool
}

// readLikeSSE reads frames the way server-side expressions do: the type from frames[0]'s
// meta (reader.CanReadBasedOnMeta; any error there, a version warning included, would send
// them down the legacy conversion instead), then the kind's dataplane collection reader.
// It fails the test on any error or warning, and on ignored frames or fields (extra value
// fields, say): every field must be part of a series.
func readLikeSSE(t *testing.T, frames data.Frames) sseView {
	t.Helper()
	ft, err := reader.CanReadBasedOnMeta(frames)
	if err != nil {
		t.Fatalf("not read as dataplane data: %v", err)
	}
	v := sseView{kind: ft.Kind()}
	switch ft.Kind() {
	case data.KindTimeSeries:
		r, err := timeseries.CollectionReaderFromFrames(frames)
		if err != nil {
			t.Fatalf("timeseries reader: %v", err)
		}
		// validateData: also sorted times and no duplicate series, which SSE does not check.
		c, err := r.GetCollection(true)
		if err != nil {
			t.Fatalf("timeseries collection: %v", err)
		}
		checkCollectionClean(t, c.Warning, c.RemainderIndices)
		v.noData = c.NoData()
		for _, ref := range c.Refs {
			if ref.ValueField.Type() != data.FieldTypeNullableFloat64 {
				t.Errorf("series %s is %s, want nullable float64", seriesKey(ref.ValueField), ref.ValueField.Type())
			}
			v.labels = append(v.labels, ref.GetLabels())
		}
		if !v.noData {
			for i, f := range frames {
				if n := len(f.TypeIndices(sdata.ValidValueFields()...)); n != 1 || len(f.Fields) != 2 {
					t.Errorf("frame %d: %d value fields of %d, want one time and one value field", i, n, len(f.Fields))
				}
			}
		}
	case data.KindNumeric:
		r, err := numeric.CollectionReaderFromFrames(frames)
		if err != nil {
			t.Fatalf("numeric reader: %v", err)
		}
		c, err := r.GetCollection(false) // as SSE; the numeric readers implement no data validation
		if err != nil {
			t.Fatalf("numeric collection: %v", err)
		}
		checkCollectionClean(t, c.Warning, c.RemainderIndices)
		v.noData = c.NoData()
		for _, ref := range c.Refs {
			if _, empty, err := ref.NullableFloat64Value(); err != nil || empty {
				t.Errorf("number %s: empty %v, error %v (SSE fails on an empty number)", seriesKey(ref.ValueField), empty, err)
			}
			v.labels = append(v.labels, ref.GetLabels())
		}
	default:
		t.Fatalf("kind %s: server-side expressions read only timeseries and numeric", ft.Kind())
	}
	seen := map[string]bool{}
	for _, l := range v.labels {
		if seen[l.String()] {
			t.Errorf("two instances with labels %s: alerting refuses duplicates", l)
		}
		seen[l.String()] = true
	}
	return v
}

func checkCollectionClean(t *testing.T, warning error, ignored []sdata.FrameFieldIndex) {
	t.Helper()
	if warning != nil { // a *sdata.VersionWarning, say
		t.Errorf("warning: %v", warning)
	}
	if len(ignored) > 0 {
		t.Errorf("ignored frames or fields: %+v", ignored)
	}
}

func TestSeriesFramesPassServerSideExpressionTypeChecks(t *testing.T) {
	_, db := contractSetup(t)
	insertSeriesFixture(t, db)
	pc := healthyContext(t, db)

	// The contract config has 4 SLOs, one of them latency; the default windows are 6.
	const slos, latencySLOs, windows = 4, 1, 6
	tooShort := seriesQuery(t, "too_short", map[string]any{"queryType": "error_budget"})
	tooShort.TimeRange = backend.TimeRange{From: fixtureAt(9, 0).Add(10 * time.Second), To: fixtureAt(9, 0).Add(50 * time.Second)}
	resp := queryAll(t, pc, nil,
		seriesQuery(t, "error_budget", map[string]any{"queryType": "error_budget"}),
		seriesQuery(t, "burn_rate", map[string]any{"queryType": "burn_rate"}),
		seriesQuery(t, "sli", map[string]any{"queryType": "sli"}),
		seriesQuery(t, "instant", map[string]any{"queryType": "burn_rate", "instant": true}),
		tooShort,
	)
	alerting := queryAll(t, pc, map[string]string{backend.FromAlertHeaderName: "true"},
		seriesQuery(t, "alert", map[string]any{"queryType": "burn_rate"}))

	tests := []struct {
		name      string
		frames    data.Frames
		kind      data.FrameTypeKind
		instances int
		labels    []string
	}{
		{"error_budget is one series per SLO", mustAnswer(t, "error_budget", resp["error_budget"]), data.KindTimeSeries, slos, []string{"service", "slo"}},
		{"burn_rate is one series per SLO and window", mustAnswer(t, "burn_rate", resp["burn_rate"]), data.KindTimeSeries, slos * windows, []string{"service", "slo", "window"}},
		{"sli is one series per SLO, and three percentiles per latency SLO", mustAnswer(t, "sli", resp["sli"]), data.KindTimeSeries, slos + 3*latencySLOs, []string{"service", "slo", "window"}},
		{"instant burn_rate is one number per SLO and window", mustAnswer(t, "instant", resp["instant"]), data.KindNumeric, slos * windows, []string{"service", "slo", "window"}},
		{"burn_rate for alerting is one number per SLO and window", mustAnswer(t, "alert", alerting["alert"]), data.KindNumeric, slos * windows, []string{"service", "slo", "window"}},
		{"a range without a point is typed no data", mustAnswer(t, "too_short", resp["too_short"]), data.KindTimeSeries, 0, nil},
		{"numbers without any SLO are typed no data", data.Frames{numericWideFrame("burn_rate", "", nil)}, data.KindNumeric, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := readLikeSSE(t, tt.frames)
			if v.kind != tt.kind {
				t.Errorf("kind %s, want %s", v.kind, tt.kind)
			}
			if len(v.labels) != tt.instances {
				t.Errorf("%d instances, want %d", len(v.labels), tt.instances)
			}
			if v.noData != (tt.instances == 0) {
				t.Errorf("no data = %v with %d instances", v.noData, tt.instances)
			}
			if tt.instances == 0 && (len(tt.frames) != 1 || len(tt.frames[0].Fields) != 0) {
				t.Errorf("no data as %d frames, want one frame without fields", len(tt.frames))
			}
			for _, l := range v.labels {
				for _, name := range tt.labels {
					if l[name] == "" {
						t.Errorf("instance %s has no label %s", l, name)
					}
				}
			}
		})
	}
}
