package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

// TestWorkedExampleThroughTheDatabase is docs/slo-math.md's worked example scaled down by
// 300 (99.9 %, 1 d instead of 30 d, 100 valid requests a minute instead of 1,000): a budget
// of 144 bad requests a day. The 14.4x page rule needs > 86.4 bad in the last hour (864 at
// full scale) and > 7.2 in the last 5 minutes (72); the last hour here holds 90 and the
// last 5 minutes 8.
func TestWorkedExampleThroughTheDatabase(t *testing.T) {
	e := newEnv(t, nil, engine.Options{})
	at := t0.Add(24 * time.Hour)
	start := at.Add(-24 * time.Hour)
	// bad requests per minute of the day: 82 over minutes -60..-6, then 2,2,2,1,1.
	bad := make([]int32, 1440)
	for m := 1380; m < 1435; m++ {
		bad[m] = 1
		if m < 1380+27 {
			bad[m] = 2
		}
	}
	copy(bad[1435:], []int32{2, 2, 2, 1, 1})
	e.db.Exec(t, `
		INSERT INTO request_logs ("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + m * interval '1 minute' + k * interval '600 milliseconds', 'checkout',
		       CASE WHEN k < ($2::int[])[m + 1] THEN 500 ELSE 200 END, 20
		FROM generate_series(0, 1439) AS m CROSS JOIN generate_series(0, 99) AS k`, start, bad)

	s := requestSLO("availability", "checkout", slo.SuccessRate, 0.999, 0, 24*time.Hour)
	st, err := e.eng.Status(context.Background(), s, at)
	if err != nil {
		t.Fatal(err)
	}
	if st.Window != (slo.Counts{Good: 144000 - 90, Valid: 144000}) {
		t.Fatalf("window = %+v", st.Window)
	}
	budget := slo.AllowedBad(st.Window.Valid, s.Objective) // (1 - 0.999) * 144,000
	checks := []struct {
		name      string
		got, want float64
	}{
		{"budget in bad requests", budget, 144},
		{"budget consumed", *st.BudgetConsumed, 90.0 / 144},
		{"budget remaining", *st.BudgetRemaining, 1 - 90.0/144},
		{"1h burn rate = (90/6000)/0.001", *st.BurnRates[time.Hour], 15},
		{"5m burn rate = (8/500)/0.001", *st.BurnRates[5*time.Minute], 16},
		{"1d burn rate = consumed fraction", *st.BurnRates[24*time.Hour], 0.625},
		{"14.4x over 1h needs more than 86.4 bad", slo.BadEventsAtBurn(st.BurnCounts[time.Hour].Valid, s.Objective, 14.4), 86.4},
		{"14.4x over 5m needs more than 7.2 bad", slo.BadEventsAtBurn(st.BurnCounts[5*time.Minute].Valid, s.Objective, 14.4), 7.2},
		{"time to exhaustion = remaining * T / BR(1h), minutes", st.TimeToExhaustion.Minutes(), 36},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if b := st.BurnCounts[time.Hour].Bad(); b != 90 {
		t.Errorf("bad in the last hour = %d, want 90", b)
	}
	if b := st.BurnCounts[5*time.Minute].Bad(); b != 8 {
		t.Errorf("bad in the last 5 minutes = %d, want 8", b)
	}
	if st.State != slo.StateOK {
		t.Errorf("state = %s, want ok", st.State)
	}

	// Half a minute later the day has lost the first 50 requests of its first minute.
	later, err := e.eng.Status(context.Background(), s, at.Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if later.Window != (slo.Counts{Good: 143950 - 90, Valid: 143950}) {
		t.Errorf("window 30 s later = %+v", later.Window)
	}
}
