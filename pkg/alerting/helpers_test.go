package alerting

import (
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// The slo-math.md worked example: 99.9 %, 30 d, 1,000 valid requests a minute.
const (
	perMinute = 1000
	tolerance = 1e-9
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func exampleSLO() slo.SLO {
	return slo.SLO{Service: "checkout", Name: "availability", Type: slo.SuccessRate,
		Objective: 0.999, Window: 30 * slo.Day, WindowText: "30d"}
}

func rule(name string) slo.Rule { return slo.DefaultRules()[name] }

// bad returns the counts of a window of minutes at perMinute valid requests holding n bad ones.
func bad(minutes, n int64) slo.Counts {
	return slo.Counts{Valid: minutes * perMinute, Good: minutes*perMinute - n}
}

// fastObs is an observation of the fast_burn windows with longBad and shortBad bad requests.
func fastObs(at time.Time, longBad, shortBad int64) Observation {
	return Observation{At: at, Burn: map[time.Duration]slo.Counts{
		time.Hour: bad(60, longBad), 5 * time.Minute: bad(5, shortBad),
	}}
}

func ptr(f float64) *float64 { return &f }

// result is a Result of rule r with status st, as Evaluate would return it.
func result(r slo.Rule, st Status) Result {
	s := exampleSLO()
	return Result{AlertID: AlertID(s.ID(), r.Name), SLOID: s.ID(), Rule: r, Status: st}
}
