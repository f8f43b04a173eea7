package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// TestConcurrentQueryDataAnswersLikeSerialQueries sends 50 QueryData requests at once through
// gRPC to one new data source instance (so instance creation, the schema migration and the
// first rollup refreshes race too), each with a different mix of query types, and requires
// every answer to equal the answer the same query gets alone, afterwards, from another
// instance. Run under -race. Every registered query type takes part, with its defaults.
func TestConcurrentQueryDataAnswersLikeSerialQueries(t *testing.T) {
	_, db := contractSetup(t)
	insertPanelsFixture(t, db)
	rng := backend.TimeRange{From: panelsFrom, To: panelsTo}

	var variants []map[string]any
	for _, qt := range queryTypes() {
		variants = append(variants, map[string]any{"queryType": qt}, map[string]any{"queryType": qt, "service": "user_api"})
	}
	variants = append(variants,
		map[string]any{"queryType": "journey_steps", "mode": "timeseries"},
		map[string]any{"queryType": "slo_status", "service": "payment_service", "slo": "latency"},
	)
	query := func(v int) backend.DataQuery {
		qt := variants[v]["queryType"].(string)
		return backend.DataQuery{
			RefID: fmt.Sprintf("V%d", v), QueryType: qt, TimeRange: rng, Interval: 5 * time.Minute, MaxDataPoints: 500,
			JSON: queryJSON(t, variants[v]),
		}
	}

	const requests = 50
	parallel := pluginContext(t, healthyJSONData(db), map[string]string{"password": db.Conn.Password})
	answers := make([]*backend.QueryDataResponse, requests)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Request i asks for 4 variants starting at i, so every variant is asked often and
			// next to different others.
			req := &backend.QueryDataRequest{PluginContext: parallel}
			for k := range 4 {
				req.Queries = append(req.Queries, query((i+k*3)%len(variants)))
			}
			<-start
			resp, err := served.Client.QueryData(context.Background(), req)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			answers[i] = resp
		}()
	}
	close(start)
	wg.Wait()

	serial := pluginContext(t, healthyJSONData(db), map[string]string{"password": db.Conn.Password})
	want := make([]string, len(variants))
	for v := range variants {
		r := queryOne(t, serial, query(v))
		if r.Error != nil && slices.Contains([]string{"slo_status", "journey_steps", "alerts", "incidents", "annotations"}, variants[v]["queryType"].(string)) {
			t.Errorf("%v: %v", variants[v], r.Error)
		}
		want[v] = responseJSON(t, r)
	}
	checkSerialAnswers(t, want, variants)

	for i, resp := range answers {
		if resp == nil {
			continue
		}
		if len(resp.Responses) != 4 {
			t.Errorf("request %d: %d responses, want 4", i, len(resp.Responses))
		}
		for k := range 4 {
			v := (i + k*3) % len(variants)
			r, ok := resp.Responses[fmt.Sprintf("V%d", v)]
			if !ok {
				t.Errorf("request %d: no answer to %v", i, variants[v])
				continue
			}
			if got := responseJSON(t, r); got != want[v] {
				t.Errorf("request %d, %v: concurrent answer differs from the serial one\n got: %s\nwant: %s", i, variants[v], got, want[v])
			}
		}
	}
}

// checkSerialAnswers checks the serial answers themselves against the fixture's numbers, so
// the concurrent ones are compared with correct answers.
func checkSerialAnswers(t *testing.T, want []string, variants []map[string]any) {
	t.Helper()
	for v, w := range want {
		var r struct {
			Frames []struct {
				Schema struct{ Fields []struct{ Name string } }
				Data   struct{ Values [][]any }
			}
		}
		if err := json.Unmarshal([]byte(w), &r); err != nil {
			t.Fatal(err)
		}
		col := func(name string) []any {
			if len(r.Frames) == 0 {
				return nil
			}
			for i, f := range r.Frames[0].Schema.Fields {
				if f.Name == name {
					return r.Frames[0].Data.Values[i]
				}
			}
			return nil
		}
		switch {
		case variants[v]["queryType"] == "slo_status" && variants[v]["service"] == nil:
			// Rows: payment availability, payment latency, user_api availability, user_api
			// journey. 100 payment requests, 5 of them 503s; latency drops the 503s and the 10
			// slow ones are bad; user_api has no requests; the journey SLO's 7-day window holds
			// r1-r6 (r7 starts at 11:05), of which r1, r5 and r6 are good (r2 and r4 failed a
			// step, r3's verify_email took 6000 ms of 5000).
			if got := fmt.Sprint(col("good"), col("valid")); got != "[95 85 0 3] [100 95 0 6]" {
				t.Errorf("slo_status good, valid = %s", got)
			}
		case variants[v]["queryType"] == "journey_steps" && variants[v]["mode"] == nil:
			if got := fmt.Sprint(col("journeys")); got != "[5 4 2 0]" {
				t.Errorf("journey_steps journeys = %s", got)
			}
		}
	}
}

func responseJSON(t *testing.T, r backend.DataResponse) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
