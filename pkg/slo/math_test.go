package slo

import (
	"math"
	"testing"
	"time"
)

// The worked example of docs/slo-math.md: 99.9 %, 30 d, 1,000 valid requests a minute.
func TestWorkedExampleFromSLOMath(t *testing.T) {
	const objective = 0.999
	period := 30 * Day
	perMinute := int64(1000)
	month := Counts{Valid: perMinute * int64(period/time.Minute)}
	month.Good = month.Valid

	t.Run("the budget of a period of 43.2 M requests is 43,200 bad requests", func(t *testing.T) {
		if month.Valid != 43_200_000 {
			t.Fatalf("valid = %d", month.Valid)
		}
		assertApprox(t, "AllowedBad", AllowedBad(month.Valid, objective), 43_200, 1e-9)
	})
	t.Run("a 14.4x burn means more than 864 bad requests in the hour and 72 in five minutes", func(t *testing.T) {
		assertApprox(t, "bad in 1h", BadEventsAtBurn(60*perMinute, objective, 14.4), 864, 1e-9)
		assertApprox(t, "bad in 5m", BadEventsAtBurn(5*perMinute, objective, 14.4), 72, 1e-9)
		hour := Counts{Valid: 60_000, Good: 60_000 - 864}
		br, _ := BurnRate(hour, objective)
		assertApprox(t, "burn rate at exactly 864 bad", br, 14.4, 1e-9)
		hour.Good--
		if br, _ := BurnRate(hour, objective); br <= 14.4 {
			t.Errorf("865 bad in an hour burns at %v, want > 14.4", br)
		}
	})
	t.Run("at a constant 14.4x the whole budget lasts 50 hours", func(t *testing.T) {
		d, ok := TimeToExhaustion(1.0, 14.4, period)
		if !ok || !approx(d.Hours(), 50, 1e-9) {
			t.Errorf("TimeToExhaustion = %v, %v; want 50h", d, ok)
		}
	})
	t.Run("the fast_burn threshold for the period is 14.4", func(t *testing.T) {
		assertApprox(t, "threshold", DefaultRules()["fast_burn"].Threshold(period), 14.4, 1e-12)
	})
}

func TestRatios(t *testing.T) {
	tests := []struct {
		name      string
		c         Counts
		objective float64
		sli, err  float64
		burn      float64
		consumed  float64
		state     State
	}{
		{"a window with only good events has SLI 1 and burns nothing", Counts{Good: 1000, Valid: 1000}, 0.999, 1, 0, 0, 0, StateOK},
		{"one bad event in a thousand at 99.9 % burns at exactly 1x", Counts{Good: 999, Valid: 1000}, 0.999, 0.999, 0.001, 1, 1, StateOK},
		{"a total outage at 90 % burns at 10x", Counts{Good: 0, Valid: 50}, 0.9, 0, 1, 10, 10, StateBreached},
		{"a latency SLO at 95 % with 10 % slow requests burns at 2x", Counts{Good: 90, Valid: 100}, 0.95, 0.9, 0.1, 2, 2, StateBreached},
		{"just under the budget is still ok", Counts{Good: 9_990_001, Valid: 10_000_000}, 0.999, 0.9990001, 0.0009999, 0.9999, 0.9999, StateOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sli, ok := SLI(tt.c)
			if !ok {
				t.Fatal("SLI reported no data")
			}
			assertApprox(t, "SLI", sli, tt.sli, 1e-12)
			e, _ := ErrorRatio(tt.c)
			assertApprox(t, "ErrorRatio", e, tt.err, 1e-12)
			br, _ := BurnRate(tt.c, tt.objective)
			assertApprox(t, "BurnRate", br, tt.burn, 1e-9)
			consumed, _ := BudgetConsumed(tt.c, tt.objective)
			assertApprox(t, "BudgetConsumed", consumed, tt.consumed, 1e-9)
			rem, _ := BudgetRemaining(tt.c, tt.objective)
			assertApprox(t, "BudgetRemaining", rem, 1-tt.consumed, 1e-9)
			if got := StateOf(tt.c, tt.objective); got != tt.state {
				t.Errorf("StateOf = %s, want %s", got, tt.state)
			}
		})
	}
}

func TestNoDataIsItsOwnState(t *testing.T) {
	empty := Counts{}
	if _, ok := SLI(empty); ok {
		t.Error("SLI of an empty window reported data")
	}
	if _, ok := ErrorRatio(empty); ok {
		t.Error("ErrorRatio of an empty window reported data")
	}
	if _, ok := BurnRate(empty, 0.999); ok {
		t.Error("BurnRate of an empty window reported data")
	}
	if _, ok := BudgetConsumed(empty, 0.999); ok {
		t.Error("BudgetConsumed of an empty window reported data")
	}
	if _, ok := BudgetRemaining(empty, 0.999); ok {
		t.Error("BudgetRemaining of an empty window reported data")
	}
	if got := StateOf(empty, 0.999); got != StateNoData {
		t.Errorf("StateOf = %s, want %s", got, StateNoData)
	}
	if empty.HasData() {
		t.Error("HasData = true")
	}
}

func TestRemainingBudgetIsNotClamped(t *testing.T) {
	// 3x the budget spent over the window: remaining -2, shown as such (slo-math.md).
	window := Counts{Good: 997, Valid: 1000}
	rem, ok := BudgetRemaining(window, 0.999)
	if !ok {
		t.Fatal("no data")
	}
	assertApprox(t, "remaining", rem, -2, 1e-9)
	if StateOf(window, 0.999) != StateBreached {
		t.Error("a window past its budget is not breached")
	}
}

func TestObjectivesOutsideTheOpenUnitIntervalReportNoValue(t *testing.T) {
	c := Counts{Good: 9, Valid: 10}
	for _, o := range []float64{0, 1, -0.5, 99.9, math.NaN()} {
		if _, ok := BurnRate(c, o); ok {
			t.Errorf("BurnRate(objective %v) reported a value", o)
		}
		if _, ok := BudgetConsumed(c, o); ok {
			t.Errorf("BudgetConsumed(objective %v) reported a value", o)
		}
	}
}

func TestCountsArithmetic(t *testing.T) {
	a, b := Counts{Good: 90, Valid: 100}, Counts{Good: 5, Valid: 10}
	if got := a.Add(b); got != (Counts{Good: 95, Valid: 110}) {
		t.Errorf("Add = %+v", got)
	}
	if got := a.Sub(b); got != (Counts{Good: 85, Valid: 90}) {
		t.Errorf("Sub = %+v", got)
	}
	if a.Bad() != 10 {
		t.Errorf("Bad = %d", a.Bad())
	}
}

func TestTimeToExhaustion(t *testing.T) {
	period := 30 * Day
	tests := []struct {
		name      string
		remaining float64
		burn      float64
		want      time.Duration
		ok        bool
	}{
		{"half the budget at 1x lasts half the period", 0.5, 1, 15 * Day, true},
		{"the whole budget at 6x lasts 5 days", 1, 6, 5 * Day, true},
		{"nothing remaining is exhausted now", -0.3, 14.4, 0, true},
		{"no burn never exhausts", 0.5, 0, 0, false},
		{"a negative burn never exhausts", 0.5, -1, 0, false},
		{"a tiny burn saturates instead of overflowing", 1, 1e-300, time.Duration(math.MaxInt64), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := TimeToExhaustion(tt.remaining, tt.burn, period)
			if ok != tt.ok || !approx(float64(got), float64(tt.want), 1e-9) {
				t.Errorf("TimeToExhaustion = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
