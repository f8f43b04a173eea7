package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/store"
)

// queryOne sends one query through gRPC and returns its response.
func queryOne(t *testing.T, pc backend.PluginContext, q backend.DataQuery) backend.DataResponse {
	t.Helper()
	if q.RefID == "" {
		q.RefID = "A"
	}
	resp, err := served.Client.QueryData(context.Background(), &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{q}})
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	r, ok := resp.Responses[q.RefID]
	if !ok {
		t.Fatal("no response for the query")
	}
	return r
}

func TestContractQueryDataJourneySteps(t *testing.T) {
	_, db := contractSetup(t)
	insertPanelsFixture(t, db)
	pc := healthyContext(t, db)
	rng := backend.TimeRange{From: panelsFrom, To: panelsTo}

	t.Run("the table lists every configured step, also one nobody reached", func(t *testing.T) {
		r := queryOne(t, pc, backend.DataQuery{TimeRange: rng, JSON: queryJSON(t, map[string]any{"queryType": "journey_steps", "service": "user_api"})})
		if r.Error != nil {
			t.Fatal(r.Error)
		}
		if len(r.Frames) != 1 || r.Frames[0].Meta == nil || r.Frames[0].Meta.Type != data.FrameTypeTable {
			t.Fatalf("frames %v, want one table", r.Frames)
		}
		f := r.Frames[0]
		steps, _ := f.FieldByName("step")
		journeys, _ := f.FieldByName("journeys")
		drop, _ := f.FieldByName("drop_off")
		if steps == nil || steps.Len() != 4 || steps.At(3) != "first_login" || journeys.At(3) != int64(0) || drop.At(3) != int64(2) {
			t.Errorf("table:\n%s", frameText(f))
		}
	})

	t.Run("timeseries frames are typed, labelled and within maxDataPoints", func(t *testing.T) {
		day := backend.TimeRange{From: panelsTo.Add(-24 * time.Hour), To: panelsTo}
		r := queryOne(t, pc, backend.DataQuery{TimeRange: day, Interval: time.Minute, MaxDataPoints: 100,
			JSON: queryJSON(t, map[string]any{"queryType": "journey_steps", "mode": "timeseries"})})
		if r.Error != nil {
			t.Fatal(r.Error)
		}
		if len(r.Frames) != 4 {
			t.Fatalf("got %d frames, want one per step (4)", len(r.Frames))
		}
		for _, f := range r.Frames {
			if f.Meta == nil || f.Meta.Type != data.FrameTypeTimeSeriesMulti || f.Meta.TypeVersion != (data.FrameTypeVersion{0, 1}) {
				t.Errorf("frame meta %+v, want timeseries-multi 0.1", f.Meta)
			}
			if len(f.Fields) != 2 || f.Fields[0].Type() != data.FieldTypeTime || f.Fields[1].Type() != data.FieldTypeNullableFloat64 {
				t.Fatalf("fields of %s: want a time and a nullable float64 field", f.Name)
			}
			l := f.Fields[1].Labels
			if l["service"] != "user_api" || l["slo"] != "user_journey" || l["journey"] != "user_registration" || l["step"] == "" {
				t.Errorf("labels %v", l)
			}
			n := f.Fields[0].Len()
			if n == 0 || n > 100 {
				t.Errorf("%s: %d points, want 1 to 100", l["step"], n)
			}
			// A day at 100 points: a step of ceil(24h/99) = 14m33s, rounded up to 15m.
			if n > 1 {
				first, second := f.Fields[0].At(0).(time.Time), f.Fields[0].At(1).(time.Time)
				if step := second.Sub(first); step != 15*time.Minute {
					t.Errorf("step %s, want 15m", step)
				}
			}
		}
	})

	tests := []struct {
		name      string
		query     map[string]any
		wantType  data.FrameType
		wantError string
	}{
		{"a selection without journey SLOs is an empty table, not an error", map[string]any{"queryType": "journey_steps", "service": "payment_service"}, data.FrameTypeTable, ""},
		{"and an empty timeseries in timeseries mode", map[string]any{"queryType": "journey_steps", "service": "payment_service", "mode": "timeseries"}, data.FrameTypeTimeSeriesMulti, ""},
		{"an unknown mode names the field", map[string]any{"queryType": "journey_steps", "mode": "funnel"}, "", `mode: must be "table" or "timeseries", got "funnel"`},
		{"a mode of the wrong type names the field", map[string]any{"queryType": "journey_steps", "mode": 3}, "", "query.mode: must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := queryOne(t, pc, backend.DataQuery{TimeRange: rng, Interval: time.Minute, MaxDataPoints: 100, JSON: queryJSON(t, tt.query)})
			if tt.wantError != "" {
				if r.Error == nil || !strings.Contains(r.Error.Error(), tt.wantError) || r.Status != backend.StatusBadRequest {
					t.Errorf("got %v (%v), want a bad request containing %q", r.Error, r.Status, tt.wantError)
				}
				return
			}
			if r.Error != nil {
				t.Fatal(r.Error)
			}
			if len(r.Frames) != 1 || r.Frames[0].Meta == nil || r.Frames[0].Meta.Type != tt.wantType {
				t.Fatalf("frames %v, want one %s frame", r.Frames, tt.wantType)
			}
			if n, _ := r.Frames[0].RowLen(); n != 0 {
				t.Errorf("%d rows, want none", n)
			}
		})
	}
}

func TestContractQueryDataDetectionTypesAreTypedEmptyTables(t *testing.T) {
	_, db := contractSetup(t)
	pc := healthyContext(t, db)
	rng := backend.TimeRange{From: panelsFrom, To: panelsTo}
	tests := []struct {
		queryType string
		columns   int
	}{
		{"alerts", 14},
		{"incidents", 10},
		{"annotations", 5},
	}
	for _, tt := range tests {
		for _, sel := range []map[string]any{{}, {"service": "payment_service", "slo": "availability"}} {
			t.Run(fmt.Sprintf("%s %v", tt.queryType, sel), func(t *testing.T) {
				q := map[string]any{"queryType": tt.queryType}
				for k, v := range sel {
					q[k] = v
				}
				r := queryOne(t, pc, backend.DataQuery{QueryType: tt.queryType, TimeRange: rng, JSON: queryJSON(t, q)})
				if r.Error != nil {
					t.Fatal(r.Error)
				}
				if len(r.Frames) != 1 || r.Frames[0].Meta == nil || r.Frames[0].Meta.Type != data.FrameTypeTable {
					t.Fatalf("frames %v, want one table", r.Frames)
				}
				if len(r.Frames[0].Fields) != tt.columns {
					t.Errorf("%d columns, want %d", len(r.Frames[0].Fields), tt.columns)
				}
			})
		}
	}
	t.Run("an unknown SLO is still an error naming it", func(t *testing.T) {
		r := queryOne(t, pc, backend.DataQuery{TimeRange: rng, JSON: queryJSON(t, map[string]any{"queryType": "alerts", "slo": "ghost"})})
		if r.Error == nil || !strings.Contains(r.Error.Error(), `slo: no SLO "ghost"`) {
			t.Errorf("error %v", r.Error)
		}
	})
}

// An annotation query arrives as Grafana's front end sends it: refId Anno, the query type in
// both the query and its JSON, the dashboard's range, maxDataPoints the window width.
func TestContractAnnotationQueryAsGrafanaSendsIt(t *testing.T) {
	_, db := contractSetup(t)
	pc := healthyContext(t, db)
	r := queryOne(t, pc, backend.DataQuery{
		RefID: "Anno", QueryType: "annotations", MaxDataPoints: 1920, Interval: 2 * time.Second,
		TimeRange: backend.TimeRange{From: panelsFrom, To: panelsTo},
		JSON:      json.RawMessage(`{"refId":"Anno","queryType":"annotations","datasource":{"type":"sloguard-slo-datasource","uid":"x"}}`),
	})
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	if len(r.Frames) != 1 {
		t.Fatalf("%d frames", len(r.Frames))
	}
	for _, name := range []string{"time", "timeEnd", "title", "text", "tags"} {
		if f, _ := r.Frames[0].FieldByName(name); f == nil {
			t.Errorf("no %s field", name)
		}
	}
	if r.Frames[0].Meta != nil && r.Frames[0].Meta.DataTopic != "" {
		t.Errorf("data topic %q: Grafana's annotation runner drops frames of the annotations topic", r.Frames[0].Meta.DataTopic)
	}
}

func TestContractStatusResource(t *testing.T) {
	_, db := contractSetup(t)
	get := func(t *testing.T, pc backend.PluginContext) *backend.CallResourceResponse {
		t.Helper()
		got := callResource(t, pc, http.MethodGet, "status", "")
		assertNoSecrets(t, "status body", string(got.Body), db.Conn.Password)
		return got
	}
	tests := []struct {
		name       string
		edit       func(js map[string]any)
		wantStatus int
		want       string // the whole JSON body for 200s, a part of it otherwise
	}{
		// A running loop is covered by TestDetectionLoopFiresAlertsAndStopsOnDispose.
		{"reports detection off, the schema version and the SLO count", nil, 200,
			fmt.Sprintf(`{"detection":{"enabled":false,"running":false,"leader":false,"reason":"detectionEnabled is off"},"schemaVersion":%d,"slos":4}`, store.LatestVersion())},
		{"an invalid SLO is not counted", func(js map[string]any) {
			js["sloConfig"] = strings.Replace(contractConfig, "target: 99.9", "target: -1", 1)
		}, 200, fmt.Sprintf(`{"detection":{"enabled":false,"running":false,"leader":false,"reason":"detectionEnabled is off"},"schemaVersion":%d,"slos":3}`, store.LatestVersion())},
		{"no SLO config is a 503 saying where to set one", func(js map[string]any) { delete(js, "sloConfig") }, 503, "no SLO config: set jsonData.sloConfig"},
		{"invalid settings are a 503 naming the field", func(js map[string]any) { js["sslMode"] = "sometimes" }, 503, "jsonData.sslMode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js := healthyJSONData(db)
			if tt.edit != nil {
				tt.edit(js)
			}
			got := get(t, pluginContext(t, js, map[string]string{"password": db.Conn.Password}))
			if got.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d (body %s)", got.Status, tt.wantStatus, got.Body)
			}
			if tt.wantStatus == 200 {
				var gotJSON, wantJSON any
				if err := json.Unmarshal(got.Body, &gotJSON); err != nil {
					t.Fatal(err)
				}
				_ = json.Unmarshal([]byte(tt.want), &wantJSON)
				if fmt.Sprint(gotJSON) != fmt.Sprint(wantJSON) {
					t.Errorf("body %s, want %s", got.Body, tt.want)
				}
				return
			}
			if !strings.Contains(string(got.Body), tt.want) || !strings.Contains(string(got.Body), `"error"`) {
				t.Errorf("body %s, want a JSON error containing %q", got.Body, tt.want)
			}
		})
	}
}

// frameText is a frame as a table, for failure messages.
func frameText(f *data.Frame) string {
	s, err := f.StringTable(-1, -1)
	if err != nil {
		return err.Error()
	}
	return s
}
