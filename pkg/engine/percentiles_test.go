package engine_test

import (
	"context"
	"errors"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

func TestPercentileLabelsAreP50P95P99(t *testing.T) {
	if got := engine.PercentileLabels(); !slices.Equal(got, []string{"p50", "p95", "p99"}) {
		t.Errorf("labels = %v", got)
	}
}

func TestPercentileSeriesEqualsStatusPercentilesAtEveryPoint(t *testing.T) {
	e := newEnv(t, &slo.Config{}, engine.Options{})
	lat := requestSLO("latency", "pay", slo.Latency, 0.95, 200, 24*time.Hour)
	// Three hours of requests at random instants; 5xx (not valid for latency) and other
	// services mixed in, so the percentiles must keep to the SLO's valid rows. A quiet hour
	// in the middle leaves points without data.
	r := rand.New(rand.NewSource(3))
	var rows []request
	for i := range 3000 {
		at := t0.Add(time.Duration(r.Int63n(int64(3 * time.Hour))))
		if at.After(t0.Add(time.Hour)) && at.Before(t0.Add(2*time.Hour+10*time.Minute)) {
			continue
		}
		service, status := "pay", 200
		switch {
		case i%13 == 0:
			service = "web"
		case i%7 == 0:
			status = 503
		}
		rows = append(rows, request{ts: at, service: service, route: "/a", status: status, rtMS: float64(r.Intn(400))})
	}
	e.insertRequests(t, rows)

	ctx := context.Background()
	from, to := t0.Add(10*time.Second), t0.Add(3*time.Hour+30*time.Second)
	step := 10 * time.Minute
	pts, err := e.eng.PercentileSeries(ctx, lat, from, to, step, engine.PercentileWindow)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 18 { // t0+1m, t0+11m, ... t0+2h51m (t0+3h1m is after to)
		t.Fatalf("got %d points, want 18", len(pts))
	}
	var empty int
	for i, p := range pts {
		if want := t0.Add(time.Minute + time.Duration(i)*step); !p.At.Equal(want) {
			t.Fatalf("point %d at %s, want %s", i, p.At, want)
		}
		st, err := e.eng.Status(ctx, lat, p.At)
		if err != nil {
			t.Fatal(err)
		}
		if (p.Values == nil) != (st.Percentiles == nil) {
			t.Fatalf("at %s: series %v, status %v", p.At, p.Values, st.Percentiles)
		}
		if p.Values == nil {
			empty++
			continue
		}
		for _, l := range engine.PercentileLabels() {
			if !near(p.Values[l], st.Percentiles[l]) {
				t.Errorf("at %s %s: series %v, status %v", p.At, l, p.Values[l], st.Percentiles[l])
			}
		}
	}
	if empty == 0 || empty == len(pts) {
		t.Errorf("%d of %d points without data; want some, not all (the quiet hour)", empty, len(pts))
	}
}

func TestPercentileSeriesRejectsWhatItCannotCompute(t *testing.T) {
	e := newEnv(t, &slo.Config{}, engine.Options{})
	lat := requestSLO("latency", "pay", slo.Latency, 0.95, 200, 24*time.Hour)
	avail := requestSLO("availability", "pay", slo.SuccessRate, 0.999, 0, 24*time.Hour)
	tests := []struct {
		name   string
		s      slo.SLO
		from   time.Time
		step   time.Duration
		window time.Duration
		want   error
	}{
		{"a success-rate SLO has no response-time percentiles", avail, t0, time.Minute, time.Minute, engine.ErrType},
		{"a step of a fraction of a minute is refused", lat, t0, 90 * time.Second, time.Minute, engine.ErrStep},
		{"a window of zero is refused", lat, t0, time.Minute, 0, engine.ErrWindow},
		{"a range that ends before it starts is refused", lat, t0.Add(time.Hour), time.Minute, time.Minute, engine.ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.eng.PercentileSeries(context.Background(), tt.s, tt.from, t0.Add(time.Minute), tt.step, tt.window)
			if !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
}
