package plugin

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
)

// panelsGoldenDir holds the golden frames of these tests. Set SLOGUARD_UPDATE_GOLDEN=1 to
// rewrite them after a deliberate change, then review the diff.
const panelsGoldenDir = "testdata"

func panelsGoldenUpdate() bool { return os.Getenv("SLOGUARD_UPDATE_GOLDEN") != "" }

// TestGoldenPanelFrames pins, through gRPC, the frames panels receive for the fixed data
// set of insertPanelsFixture over [10:00, 11:00).
//
// journey_steps, table (testdata/journey_steps_table.jsonc), one frame for
// user_api/user_journey; the journeys of the range are r1, r2, r3, r4, r6:
//
//	step            order journeys success rate  p50   p95   max   over drop
//	submit_form     1     5        4       0.8   800   2300  2000  1    0
//	verify_email    2     4        3       0.75  3000  5700  5000  1    1 (r4)
//	create_profile  3     2        2       1     1750  2425  3000  0    2 (r2, r6)
//	first_login     4     0        0       null  null  null  2000  0    2 (configured, nobody)
//
// Percentiles are percentile_cont (linear): submit_form durations 300 500 800 1500 2500,
// p50 = 800, p95 at rank 0.95*4 = 3.8: 1500 + 0.8*1000 = 2300; verify_email 1000 2000 4000
// 6000, p50 at 1.5: 3000, p95 at 2.85: 4000 + 0.85*2000 = 5700 (5699.999999999999 in
// float8, as PostgreSQL computes it); create_profile 1000 2500, p50 1750, p95 1000 +
// 0.95*1500 = 2425. Over budget: r2's submit_form (2500 > 2000) and r3's verify_email
// (6000 > 5000). first_login is in the config but nobody reached it: 0 journeys, its limit,
// order 4 (its position), and everyone who created a profile dropped out before it.
//
// journey_steps, timeseries (testdata/journey_steps_timeseries.jsonc), interval 15m: the
// points of the other series types, 10:00 to 11:00 (inclusive), each over the journeys that
// started in the 15 minutes before it: 10:00 r5 (09:58), 10:15 r1 and r2, 10:30 r3, 10:45 r4,
// 11:00 r6 (its verify_email row, logged after the range, is read all the same). One frame
// per step:
//
//	                10:00 10:15 10:30 10:45 11:00
//	submit_form     1     1     1     0     1
//	verify_email    1     0.5   1     null  1
//	create_profile  null  1     1     null  null
//	first_login     null  null  null  null  null
//
// alerts, incidents, annotations: typed empty tables with their columns (the fixture has no
// detection records; TestGoldenDetectionFramesWithRows pins how rows look).
func TestGoldenPanelFrames(t *testing.T) {
	tp, db := contractSetup(t)
	insertPanelsFixture(t, db)
	pc := healthyContext(t, db)
	rng := backend.TimeRange{From: panelsFrom, To: panelsTo}
	tests := []struct {
		golden string
		query  map[string]any
	}{
		{"journey_steps_table", map[string]any{"queryType": "journey_steps"}},
		{"journey_steps_timeseries", map[string]any{"queryType": "journey_steps", "mode": "timeseries"}},
		{"alerts", map[string]any{"queryType": "alerts"}},
		{"incidents", map[string]any{"queryType": "incidents"}},
		{"annotations", map[string]any{"queryType": "annotations"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			resp, err := tp.Client.QueryData(context.Background(), &backend.QueryDataRequest{
				PluginContext: pc,
				Queries: []backend.DataQuery{{
					RefID: "A", QueryType: tt.query["queryType"].(string), TimeRange: rng,
					Interval: 15 * time.Minute, MaxDataPoints: 1000, JSON: queryJSON(t, tt.query),
				}},
			})
			if err != nil {
				t.Fatalf("QueryData: %v", err)
			}
			dr := resp.Responses["A"]
			if dr.Error != nil {
				t.Fatalf("%s: %v", tt.golden, dr.Error)
			}
			experimental.CheckGoldenJSONResponse(t, panelsGoldenDir, tt.golden, &dr, panelsGoldenUpdate())
		})
	}
}
