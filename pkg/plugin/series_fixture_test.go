package plugin

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// seriesFrom and seriesTo are the fixed time range of the series tests: [09:00, 12:00] UTC,
// with the data of insertSeriesFixture in it.
var (
	seriesFrom = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	seriesTo   = seriesFrom.Add(3 * time.Hour)
)

// fixtureAt is the instant h:m on the fixture's day.
func fixtureAt(h, m int) time.Time { return time.Date(2026, 11, 1, h, m, 0, 0, time.UTC) }

// insertSeriesFixture writes the series tests' data: payment_service requests, 100 a minute
// from 09:00 to 11:59 (18,000), request k (0-99) of minute m at m + k*0.6 s, taking k+1 ms.
//
//   - Errors: from 10:05 to 10:15 request k = 0 of each minute is a 503: 10 bad requests
//     for availability; not valid for latency (excluded).
//   - Slow: from 11:05 to 11:15 requests k >= 95 take 300 ms (over the 200 ms threshold):
//     50 bad requests for latency.
//
// user_api has no rows at all: its series have no data.
func insertSeriesFixture(t *testing.T, db *storetest.DB) {
	t.Helper()
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + (i / 100 * 60000 + i % 100 * 600) * interval '1 millisecond',
		       'payment_service',
		       CASE WHEN i % 100 = 0 AND i / 100 BETWEEN 65 AND 74 THEN 503 ELSE 200 END,
		       CASE WHEN i % 100 >= 95 AND i / 100 BETWEEN 125 AND 134 THEN 300 ELSE i % 100 + 1 END
		FROM generate_series(0, 17999) AS i`, seriesFrom)
}

// seriesQuery is a DataQuery over the fixture's range at a 15-minute interval (13 points,
// 09:00 to 12:00) with the given JSON fields.
func seriesQuery(t *testing.T, refID string, fields map[string]any) backend.DataQuery {
	t.Helper()
	return backend.DataQuery{
		RefID: refID, QueryType: fields["queryType"].(string),
		TimeRange: backend.TimeRange{From: seriesFrom, To: seriesTo},
		Interval:  15 * time.Minute, MaxDataPoints: 100,
		JSON: queryJSON(t, fields),
	}
}

// queryAll sends the queries in one QueryData request over gRPC and returns the responses.
func queryAll(t *testing.T, pc backend.PluginContext, headers map[string]string, queries ...backend.DataQuery) map[string]backend.DataResponse {
	t.Helper()
	resp, err := served.Client.QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: pc, Headers: headers, Queries: queries,
	})
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	for _, q := range queries {
		if _, ok := resp.Responses[q.RefID]; !ok {
			t.Fatalf("no response for %s", q.RefID)
		}
	}
	return resp.Responses
}

// mustAnswer returns the frames of a response that must not be an error.
func mustAnswer(t *testing.T, what string, r backend.DataResponse) data.Frames {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("%s: %v", what, r.Error)
	}
	return r.Frames
}

// seriesKey names a series by its value field and labels: `sli{service=..., ...}`.
func seriesKey(f *data.Field) string { return f.Name + f.Labels.String() }

// valueAt returns, from timeseries-multi frames, the value of the series named key at the
// point t, failing the test when there is no such series or point.
func valueAt(t *testing.T, frames data.Frames, key string, when time.Time) *float64 {
	t.Helper()
	for _, f := range frames {
		if len(f.Fields) != 2 || seriesKey(f.Fields[1]) != key {
			continue
		}
		for i := range f.Fields[0].Len() {
			if f.Fields[0].At(i).(time.Time).Equal(when) {
				return f.Fields[1].At(i).(*float64)
			}
		}
		t.Fatalf("series %s has no point at %s", key, when.Format("15:04"))
	}
	t.Fatalf("no series %s in %d frames", key, len(frames))
	return nil
}

// numericValueOf returns, from a numeric-wide frame, the value of the field named key.
func numericValueOf(t *testing.T, frames data.Frames, key string) *float64 {
	t.Helper()
	for _, f := range frames[0].Fields {
		if seriesKey(f) == key {
			return f.At(0).(*float64)
		}
	}
	t.Fatalf("no value %s", key)
	return nil
}

// checkValue compares an optional value with the expected one (nil: no data) within 1e-9.
func checkValue(t *testing.T, what string, got, want *float64) {
	t.Helper()
	switch {
	case want == nil && got == nil:
	case want == nil || got == nil:
		t.Errorf("%s = %s, want %s", what, fmtValue(got), fmtValue(want))
	case math.Abs(*got-*want) > 1e-9*math.Max(1, math.Abs(*want)):
		t.Errorf("%s = %v, want %v", what, *got, *want)
	}
}

func fmtValue(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// f64 is a *float64 for expected values.
func f64(v float64) *float64 { return &v }

// labelsKey is the seriesKey of a value field name and labels.
func labelsKey(name string, labels map[string]string) string {
	return name + data.Labels(labels).String()
}
