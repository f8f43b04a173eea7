package plugin

import (
	"context"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func TestContractBurnRateIsNumericForAlertingAndInstant(t *testing.T) {
	_, db := contractSetup(t)
	insertSeriesFixture(t, db)
	pc := healthyContext(t, db)
	fromAlert := map[string]string{backend.FromAlertHeaderName: "true"}
	windows := []string{"5m", "1h"}

	tests := []struct {
		name    string
		headers map[string]string
		query   map[string]any
		want    data.FrameType
	}{
		{"Grafana alerting (header FromAlert) gets numbers", fromAlert, map[string]any{"queryType": "burn_rate", "windows": windows}, data.FrameTypeNumericWide},
		{"instant: true gets numbers", nil, map[string]any{"queryType": "burn_rate", "windows": windows, "instant": true}, data.FrameTypeNumericWide},
		{"a panel gets series", nil, map[string]any{"queryType": "burn_rate", "windows": windows}, data.FrameTypeTimeSeriesMulti},
		{"FromAlert: false is a panel", map[string]string{backend.FromAlertHeaderName: "false"}, map[string]any{"queryType": "burn_rate", "windows": windows}, data.FrameTypeTimeSeriesMulti},
		{"error_budget stays a series for alerting (a rule reduces it)", fromAlert, map[string]any{"queryType": "error_budget"}, data.FrameTypeTimeSeriesMulti},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames := mustAnswer(t, tt.name, queryAll(t, pc, tt.headers, seriesQuery(t, "A", tt.query))["A"])
			for i, f := range frames {
				if f.Meta == nil || f.Meta.Type != tt.want || f.Meta.TypeVersion != frameTypeVersion {
					t.Fatalf("frame %d meta %+v, want %s %s", i, f.Meta, tt.want, frameTypeVersion)
				}
			}
			if tt.want == data.FrameTypeNumericWide {
				if len(frames) != 1 {
					t.Fatalf("%d frames, want one numeric frame", len(frames))
				}
				if n, _ := frames[0].RowLen(); n != 1 || len(frames[0].Fields) != 4*len(windows) {
					t.Errorf("%d rows of %d fields, want 1 row of one field per SLO and window (%d)", n, len(frames[0].Fields), 4*len(windows))
				}
			}
		})
	}
}

// TestContractAlertsAndGraphsAgree: the number an alert rule reads at the range's end is
// the value the graph shows at its last point, when the range ends on a point.
func TestContractAlertsAndGraphsAgree(t *testing.T) {
	_, db := contractSetup(t)
	insertSeriesFixture(t, db)
	pc := healthyContext(t, db)
	end := fixtureAt(10, 15)
	q := func(refID string, fields map[string]any) backend.DataQuery {
		dq := seriesQuery(t, refID, fields)
		dq.TimeRange.To = end
		return dq
	}
	resp := queryAll(t, pc, map[string]string{backend.FromAlertHeaderName: "true"},
		q("numbers", map[string]any{"queryType": "burn_rate"}))
	graph := queryAll(t, pc, nil, q("series", map[string]any{"queryType": "burn_rate"}))
	numbers := mustAnswer(t, "numbers", resp["numbers"])
	series := mustAnswer(t, "series", graph["series"])
	if len(numbers[0].Fields) != len(series) || len(series) != 4*len(defaultBurnRateWindows) {
		t.Fatalf("%d numbers and %d series, want one per SLO and default window", len(numbers[0].Fields), len(series))
	}
	for _, f := range numbers[0].Fields {
		checkValue(t, seriesKey(f), valueAt(t, series, seriesKey(f), end), f.At(0).(*float64))
	}
}

func TestContractSeriesAreBoundedByMaxDataPoints(t *testing.T) {
	_, db := contractSetup(t)
	insertSeriesFixture(t, db)
	pc := healthyContext(t, db)
	week := backend.TimeRange{From: seriesTo.Add(-7 * 24 * time.Hour), To: seriesTo}
	tests := []struct {
		name          string
		rng           backend.TimeRange
		interval      time.Duration
		maxDataPoints int64
		wantStep      time.Duration
		wantPoints    int
	}{
		// 10,080 minutes in 99 steps: at least 101.8 min, rounded up to 102; the week's
		// start is not a multiple of 102 min, so 98 whole steps fit after the first point.
		{"7 days at maxDataPoints 100 grow the step, not the points", week, time.Minute, 100, 102 * time.Minute, 99},
		{"the interval is rounded up to whole minutes", backend.TimeRange{From: seriesFrom, To: seriesFrom.Add(time.Hour)}, 90 * time.Second, 1000, 2 * time.Minute, 31},
		{"the step is at least a minute", backend.TimeRange{From: seriesFrom, To: seriesFrom.Add(10 * time.Minute)}, time.Second, 1000, time.Minute, 11},
		{"no maxDataPoints takes the default", week, 0, 0, 11 * time.Minute, 917},
		{"maxDataPoints 1 is the last point", backend.TimeRange{From: seriesFrom, To: seriesTo}, time.Minute, 1, 3 * time.Hour, 1},
	}
	kinds := []map[string]any{
		{"queryType": "error_budget", "service": "payment_service", "slo": "latency"},
		{"queryType": "burn_rate", "service": "payment_service", "slo": "latency", "windows": []string{"5m"}},
		{"queryType": "sli", "service": "payment_service", "slo": "latency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var queries []backend.DataQuery
			for _, k := range kinds {
				dq := seriesQuery(t, k["queryType"].(string), k)
				dq.TimeRange, dq.Interval, dq.MaxDataPoints = tt.rng, tt.interval, tt.maxDataPoints
				queries = append(queries, dq)
			}
			resp := queryAll(t, pc, nil, queries...)
			for _, dq := range queries {
				frames := mustAnswer(t, dq.RefID, resp[dq.RefID])
				if want := map[string]int{"sli": 4}[dq.RefID]; want > 0 && len(frames) != want {
					t.Errorf("%s: %d frames, want the SLI and 3 percentiles", dq.RefID, len(frames))
				}
				for _, f := range frames {
					checkGrid(t, dq.RefID+" "+seriesKey(f.Fields[1]), f, tt.rng, tt.wantStep, tt.wantPoints)
				}
			}
		})
	}
}

// checkGrid checks a series' points: n of them, step apart, multiples of the step, inside
// the range, and the step in the time field's config.
func checkGrid(t *testing.T, what string, f *data.Frame, rng backend.TimeRange, step time.Duration, n int) {
	t.Helper()
	tf := f.Fields[0]
	if tf.Len() != n {
		t.Errorf("%s: %d points, want %d", what, tf.Len(), n)
		return
	}
	if cfg := tf.Config; cfg == nil || cfg.Interval != float64(step.Milliseconds()) {
		t.Errorf("%s: time field config %+v, want interval %d ms", what, cfg, step.Milliseconds())
	}
	for i := range n {
		p := tf.At(i).(time.Time)
		if p.Before(rng.From) || p.After(rng.To) || !p.Equal(p.Truncate(step)) {
			t.Errorf("%s: point %s is outside the range or not a multiple of %s", what, p, step)
		}
		if i > 0 && p.Sub(tf.At(i-1).(time.Time)) != step {
			t.Errorf("%s: points %d and %d are not %s apart", what, i-1, i, step)
		}
	}
}

func TestContractSeriesErrorsNameTheField(t *testing.T) {
	_, db := contractSetup(t)
	pc := healthyContext(t, db)
	tests := []struct {
		name  string
		query map[string]any
		want  string
	}{
		{"a bad burn-rate window names windows", map[string]any{"queryType": "burn_rate", "windows": []string{"5m", "7x"}}, `windows: "7x" is not a window: unknown unit "x"`},
		{"an empty burn-rate window names windows", map[string]any{"queryType": "burn_rate", "windows": []string{""}, "instant": true}, `windows: "" is not a window`},
		{"windows must be a list", map[string]any{"queryType": "burn_rate", "windows": "5m"}, `query.windows: must be a []string`},
		{"too many windows are refused", map[string]any{"queryType": "burn_rate", "windows": strings.Split("1m,2m,3m,4m,5m,6m,7m,8m,9m,10m,11m,12m,13m", ",")}, `windows: 13 windows, at most 12`},
		{"a bad SLI window names window", map[string]any{"queryType": "sli", "window": "0m"}, `window: "0m" is not a window: must be > 0`},
		{"instant must be a boolean", map[string]any{"queryType": "burn_rate", "instant": "yes"}, `query.instant: must be a bool`},
		{"an SLI window over a day is refused", map[string]any{"queryType": "sli", "window": "30d"}, `window: at most 1d, got 30d`},
		{"an unknown percentile names percentiles", map[string]any{"queryType": "sli", "percentiles": []string{"p90"}}, `percentiles: unknown percentile "p90"`},
		{"an unknown annotation kind names show", map[string]any{"queryType": "annotations", "show": "pages"}, `show: "pages" is not one of all, incidents, alerts`},
	}
	queries := []backend.DataQuery{seriesQuery(t, "good", map[string]any{"queryType": "sli"})}
	for i, tt := range tests {
		queries = append(queries, seriesQuery(t, fmt.Sprintf("R%d", i), tt.query))
	}
	resp := queryAll(t, pc, nil, queries...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resp[fmt.Sprintf("R%d", i)]
			if r.Error == nil || !strings.Contains(r.Error.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", r.Error, tt.want)
			}
			if r.Status != backend.StatusBadRequest {
				t.Errorf("status = %v, want bad request", r.Status)
			}
		})
	}
	t.Run("the other queries of the request still answer", func(t *testing.T) {
		mustAnswer(t, "good", resp["good"])
	})
}

func TestContractSeriesDatabaseErrorsAreDownstream(t *testing.T) {
	_, db := contractSetup(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	js := healthyJSONData(db)
	js["port"] = closedPort
	pc := pluginContext(t, js, map[string]string{"password": db.Conn.Password})
	resp := queryAll(t, pc, nil,
		seriesQuery(t, "error_budget", map[string]any{"queryType": "error_budget"}),
		seriesQuery(t, "burn_rate", map[string]any{"queryType": "burn_rate"}),
		seriesQuery(t, "instant", map[string]any{"queryType": "burn_rate", "instant": true}),
		seriesQuery(t, "sli", map[string]any{"queryType": "sli"}),
	)
	for refID, r := range resp {
		t.Run(refID, func(t *testing.T) {
			if r.Error == nil || r.ErrorSource != backend.ErrorSourceDownstream || r.Status != backend.StatusBadGateway {
				t.Errorf("error %v, source %q, status %v; want a downstream bad gateway", r.Error, r.ErrorSource, r.Status)
			}
			if r.Error != nil {
				assertNoSecrets(t, "series error", r.Error.Error(), db.Conn.Password)
			}
		})
	}
}

// TestContractSeriesConcurrentRequests sends 50 requests at once (run with -race): every
// answer equals the one a lone request gets.
func TestContractSeriesConcurrentRequests(t *testing.T) {
	_, db := contractSetup(t)
	insertSeriesFixture(t, db)
	pc := healthyContext(t, db)
	queries := []backend.DataQuery{
		seriesQuery(t, "error_budget", map[string]any{"queryType": "error_budget"}),
		seriesQuery(t, "burn_rate", map[string]any{"queryType": "burn_rate", "windows": []string{"5m", "1h"}}),
		seriesQuery(t, "instant", map[string]any{"queryType": "burn_rate", "instant": true}),
		seriesQuery(t, "sli", map[string]any{"queryType": "sli"}),
	}
	want := queryAll(t, pc, nil, queries...)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := served.Client.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: queries})
			if err != nil {
				errs <- err
				return
			}
			for refID, w := range want {
				got := resp.Responses[refID]
				if got.Error != nil {
					errs <- fmt.Errorf("%s: %w", refID, got.Error)
					continue
				}
				a, _ := w.MarshalJSON()
				b, _ := got.MarshalJSON()
				if string(a) != string(b) {
					errs <- fmt.Errorf("%s differs from a lone request's answer", refID)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestContractTableQueriesFromAlertingAreRefused(t *testing.T) {
	_, db := contractSetup(t)
	pc := healthyContext(t, db)
	alerting := map[string]string{backend.FromAlertHeaderName: "true"}
	for _, qt := range []string{"slo_status", "alerts", "incidents", "annotations"} {
		t.Run(qt, func(t *testing.T) {
			r := queryAll(t, pc, alerting, seriesQuery(t, "A", map[string]any{"queryType": qt}))["A"]
			if r.Error == nil || !strings.Contains(r.Error.Error(), "queryType: "+qt+" answers a table, which alert rules cannot read") {
				t.Fatalf("error = %v, want a refusal naming queryType", r.Error)
			}
			if r.Status != backend.StatusBadRequest {
				t.Errorf("status = %v, want bad request", r.Status)
			}
		})
	}
}

// The percentiles field picks which response-time series a latency SLO's sli query returns.
func TestContractSLIPercentilesPickTheSeries(t *testing.T) {
	_, db := contractSetup(t)
	insertSeriesFixture(t, db)
	pc := healthyContext(t, db)
	latency := map[string]any{"queryType": "sli", "service": "payment_service", "slo": "latency"}
	with := func(p []string) map[string]any {
		q := maps.Clone(latency)
		q["percentiles"] = p
		return q
	}
	resp := queryAll(t, pc, nil, seriesQuery(t, "all", latency), seriesQuery(t, "p95", with([]string{"p95"})),
		seriesQuery(t, "p99p50", with([]string{"p99", "p50"})))
	for ref, want := range map[string][]string{"all": {"p50", "p95", "p99"}, "p95": {"p95"}, "p99p50": {"p50", "p99"}} {
		r := resp[ref]
		mustAnswer(t, ref, r)
		var got []string
		for _, f := range r.Frames {
			if f.Fields[1].Name == "response_time" {
				got = append(got, f.Fields[1].Labels["percentile"])
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: percentile series %q, want %q", ref, got, want)
		}
	}
}
