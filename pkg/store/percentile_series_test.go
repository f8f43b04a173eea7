package store_test

import (
	"context"
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

func TestPercentileRangesEqualAPlainPercentileQueryPerRange(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	db.CreateLogTables(t)
	ctx := context.Background()
	base := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	// Two hours of api requests, one every 7 s, response time cycling over 0..96 ms; every
	// 9th a 503 (not valid for latency), every 11th on route /b (filtered out); and other
	// services' rows in the same minutes.
	db.Exec(t, `INSERT INTO request_logs ("timestamp", service, route, status_code, response_time_ms)
		SELECT $1::timestamptz + make_interval(secs => i * 7), CASE WHEN i % 5 = 0 THEN 'web' ELSE 'api' END,
		       CASE WHEN i % 11 = 0 THEN '/b' ELSE '/a' END, CASE WHEN i % 9 = 0 THEN 503 ELSE 200 END, (i * 37) % 97
		FROM generate_series(0, 1028) AS i`, base)
	s := slo.SLO{Service: "api", LogService: "api", Name: "latency", Type: slo.Latency, Objective: 0.95, Window: time.Hour,
		ThresholdMS: 50, Filters: []slo.Filter{{Column: "route", Values: []string{"/a"}}}}
	def, err := store.NewSeries(s, slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(11))
	ranges := []store.Range{
		{From: base.Add(-time.Hour), To: base},                             // before the data: no data
		{From: base.Add(30 * time.Second), To: base.Add(31 * time.Second)}, // no row inside
		{From: base, To: base.Add(3 * time.Hour)},                          // everything
	}
	for range 20 {
		from := base.Add(time.Duration(r.Int63n(int64(2 * time.Hour))))
		ranges = append(ranges, store.Range{From: from, To: from.Add(time.Duration(1 + r.Int63n(int64(40*time.Minute))))})
	}
	fractions := []float64{0, 0.5, 0.95, 0.99, 1}
	got, err := store.PercentileRanges(ctx, db.Pool, def, ranges, fractions)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ranges) {
		t.Fatalf("got %d answers for %d ranges", len(got), len(ranges))
	}
	for i, rg := range ranges {
		var want []float64
		if err := db.Pool.QueryRow(ctx, `SELECT percentile_cont($1::float8[]) WITHIN GROUP (ORDER BY response_time_ms)
			FROM request_logs WHERE service = 'api' AND route = '/a' AND status_code < 500 AND "timestamp" >= $2 AND "timestamp" < $3`,
			fractions, rg.From, rg.To).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if (got[i] == nil) != (want == nil) {
			t.Fatalf("range %d %s..%s: got %v, want %v", i, rg.From, rg.To, got[i], want)
		}
		for j := range want {
			if math.Abs(got[i][j]-want[j]) > 1e-9 {
				t.Errorf("range %d fraction %v: got %v, want %v", i, fractions[j], got[i][j], want[j])
			}
		}
	}
	if got[0] != nil || got[1] != nil || got[2] == nil {
		t.Errorf("no-data ranges: %v %v, all data: %v", got[0], got[1], got[2])
	}
}

func TestPercentileRangesRefusesWhatItCannotCompute(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	avail, err := store.NewSeries(slo.SLO{Service: "api", LogService: "api", Name: "a", Type: slo.SuccessRate, Objective: 0.99, Window: time.Hour},
		slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	lat, err := store.NewSeries(slo.SLO{Service: "api", LogService: "api", Name: "l", Type: slo.Latency, Objective: 0.95, Window: time.Hour, ThresholdMS: 1},
		slo.Tables{}, slo.Journey{})
	if err != nil {
		t.Fatal(err)
	}
	rg := []store.Range{{From: time.Unix(0, 0), To: time.Unix(60, 0)}}
	tests := []struct {
		name      string
		def       store.Series
		fractions []float64
	}{
		{"a success-rate series has no response times", avail, []float64{0.5}},
		{"no fractions is a caller's mistake", lat, nil},
		{"a fraction above 1 is refused", lat, []float64{95}},
		{"NaN is refused", lat, []float64{math.NaN()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := store.PercentileRanges(context.Background(), db.Pool, tt.def, rg, tt.fractions); err == nil {
				t.Error("no error")
			}
		})
	}
}
