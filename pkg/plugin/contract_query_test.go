package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// queryJSON builds DataQuery.JSON the way the query editor does.
func queryJSON(t *testing.T, fields map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestContractQueryDataErrorsNameTheField(t *testing.T) {
	tp, db := contractSetup(t)
	pc := healthyContext(t, db)

	tests := []struct {
		name  string
		query json.RawMessage
		want  string
	}{
		{"an unknown query type names queryType", queryJSON(t, map[string]any{"queryType": "nonsense"}), `queryType: unknown query type "nonsense"`},
		{"an unknown service names service", queryJSON(t, map[string]any{"queryType": "slo_status", "service": "ghost"}), `service: no service "ghost"`},
		{"an unknown SLO names slo", queryJSON(t, map[string]any{"queryType": "slo_status", "service": "payment_service", "slo": "ghost"}), `slo: no SLO "ghost" in the SLO config for service "payment_service"`},
		{"a field of the wrong type is named", queryJSON(t, map[string]any{"queryType": "slo_status", "service": 7}), `query.service: must be a string`},
		{"malformed JSON says so", json.RawMessage(`{"queryType":`), `query: not valid JSON`},
	}
	req := &backend.QueryDataRequest{PluginContext: pc}
	for i, tt := range tests {
		req.Queries = append(req.Queries, backend.DataQuery{RefID: fmt.Sprintf("R%d", i), JSON: tt.query})
	}
	resp, err := tp.Client.QueryData(context.Background(), req)
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := resp.Responses[fmt.Sprintf("R%d", i)]
			if !ok {
				t.Fatal("no response for the query")
			}
			if r.Error == nil || !strings.Contains(r.Error.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", r.Error, tt.want)
			}
			if r.Status != backend.StatusBadRequest {
				t.Errorf("status = %v, want bad request", r.Status)
			}
			assertNoSecrets(t, "query error", r.Error.Error())
		})
	}
}

func TestContractQueryDataSLOStatus(t *testing.T) {
	tp, db := contractSetup(t)
	to := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	// 1,000 payment requests in the hour before `to`, one every 3.6 s: every 100th is a 503,
	// every 10th of the others takes 250 ms (over the 200 ms latency threshold).
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz - make_interval(secs => i * 3.6),
		       'payment_service',
		       CASE WHEN i % 100 = 0 THEN 503 ELSE 200 END,
		       CASE WHEN i % 10 = 5 THEN 250 ELSE 50 END
		FROM generate_series(1, 1000) AS i`, to)
	pc := healthyContext(t, db)

	resp, err := tp.Client.QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: pc,
		Queries: []backend.DataQuery{{
			RefID: "A", QueryType: "slo_status", TimeRange: backend.TimeRange{From: to.Add(-time.Hour), To: to},
			JSON: queryJSON(t, map[string]any{"queryType": "slo_status"}),
		}},
	})
	if err != nil {
		t.Fatalf("QueryData: %v", err)
	}
	r := resp.Responses["A"]
	if r.Error != nil {
		t.Fatalf("slo_status: %v", r.Error)
	}
	if len(r.Frames) != 1 {
		t.Fatalf("got %d frames, want 1", len(r.Frames))
	}
	f := r.Frames[0]
	if f.Meta == nil || f.Meta.Type != data.FrameTypeTable {
		t.Errorf("frame type = %+v, want table", f.Meta)
	}
	if n, _ := f.RowLen(); n != 4 {
		t.Fatalf("got %d rows, want one per SLO (4)", n)
	}
	row := func(i int) map[string]any {
		out := map[string]any{}
		for _, field := range f.Fields {
			if v, ok := field.ConcreteAt(i); ok {
				out[field.Name] = v
			} else {
				out[field.Name] = nil
			}
		}
		return out
	}
	// 1,000 valid, 10 bad: SLI 0.99; budget 0.001*1000 = 1 bad request, 10 spent: consumed
	// 10, remaining -9 (not clamped), breached; 1 h burn rate 0.01/0.001 = 10.
	availability := row(0)
	// Latency: 990 valid (5xx excluded); the 100 slow ones (i = 5, 15, ... 995) are all 200s:
	// good 890; error ratio 100/990 over an allowed 0.05: consumed 2.0202.
	latency := row(1)
	journey := row(3)
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"availability names its service and SLO", availability["service"].(string) + "/" + availability["slo"].(string), "payment_service/availability"},
		{"availability counts every request as valid", availability["valid"], int64(1000)},
		{"availability counts 5xx as bad", availability["good"], int64(990)},
		{"availability SLI is good/valid", availability["sli"], 0.99},
		{"availability objective is a ratio", availability["objective"], 0.999},
		{"availability budget remaining is not clamped", availability["budget_remaining"], -9.0},
		{"availability 1h burn rate is error ratio over allowed", availability["burn_rate_1h"], 10.0},
		{"availability is breached", availability["state"], "breached"},
		{"latency excludes 5xx from valid", latency["valid"], int64(990)},
		{"latency counts requests within 200 ms as good", latency["good"], int64(890)},
		{"latency budget consumed is bad over allowed", latency["budget_consumed"], (100.0 / 990) / 0.05},
		{"a journey without rows has no data", journey["state"], "no_data"},
		{"no data has a null SLI", journey["sli"], nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g, ok := tt.got.(float64); ok {
				if w, ok := tt.want.(float64); !ok || math.Abs(g-w) > 1e-9 {
					t.Errorf("got %v, want %v", tt.got, tt.want)
				}
				return
			}
			if tt.got != tt.want {
				t.Errorf("got %v (%T), want %v (%T)", tt.got, tt.got, tt.want, tt.want)
			}
		})
	}
}
