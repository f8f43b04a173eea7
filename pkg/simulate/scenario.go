package simulate

import (
	"math"
	"time"
)

// Scenario is a parsed scenario: the services and journeys whose traffic is simulated and the
// incidents that disturb it. Build one with ParseScenario or LoadScenario.
type Scenario struct {
	// Start anchors the incidents' relative `at:` times; zero means the start of the backfill
	// (or of live mode).
	Start time.Time
	// Duration is how long the scenario is meant to run from Start (its natural backfill
	// range); 0 when not given.
	Duration  time.Duration
	Services  []Service
	Journeys  []Journey
	Incidents []Incident
}

// Service is one service of the request log.
type Service struct {
	Name string
	// Endpoints are the routes requests are spread over evenly; none leaves route NULL.
	Endpoints []string
	// RatePerMinute is the mean request rate before seasonality.
	RatePerMinute float64
	Seasonality   Seasonality
	// ErrorRatio is the base share of 5xx answers, ClientErrorRatio the share of 4xx.
	ErrorRatio       float64
	ClientErrorRatio float64
	Latency          Latency
}

// Seasonality modulates a rate: DailyAmplitude a sine over the UTC day peaking at 12:00 and
// lowest at 00:00; WeeklyAmplitude lowers Saturdays and Sundays by that fraction.
type Seasonality struct {
	DailyAmplitude  float64
	WeeklyAmplitude float64
}

// Factor is the rate multiplier at t: (1 + daily*sin(2π(h-6)/24)) * (1 - weekly on weekends).
func (s Seasonality) Factor(t time.Time) float64 {
	t = t.UTC()
	hours := float64(t.Hour()) + float64(t.Minute())/60
	f := 1 + s.DailyAmplitude*math.Sin(2*math.Pi*(hours-6)/24)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		f *= 1 - s.WeeklyAmplitude
	}
	return f
}

// Latency is a log-normal distribution given by its median and 95th percentile.
type Latency struct {
	P50MS, P95MS float64
}

// z95 is the standard normal 95th percentile: a log-normal's p95 = p50 * exp(z95 * sigma).
const z95 = 1.6448536269514722

// mu and sigma are the log-normal parameters fitted to P50MS and P95MS.
func (l Latency) params() (mu, sigma float64) {
	return math.Log(l.P50MS), (math.Log(l.P95MS) - math.Log(l.P50MS)) / z95
}

// Journey is one user journey: runs start at RatePerMinute (seasonality applies) and walk
// the steps in order; a failed step ends the run, so later steps have no rows (drop-off).
type Journey struct {
	Name          string
	RatePerMinute float64
	Seasonality   Seasonality
	Steps         []Step
}

// Step is one step of a journey.
type Step struct {
	Name string
	// FailureRatio is the base share of runs that fail at this step.
	FailureRatio float64
	Latency      Latency
}

// Incident is a disturbance of one service's traffic or of one journey step. Start is
// absolute when set; otherwise the incident begins At after the scenario's anchor. With Every
// it repeats every Every from then on.
type Incident struct {
	Name string
	// Service names a service, or Journey and Step a journey step: exactly one target.
	Service, Journey, Step string
	Start                  time.Time
	At                     time.Duration
	Duration               time.Duration
	Every                  time.Duration
	// ErrorRatio replaces the base 5xx ratio (for a journey incident: the step's failure
	// ratio) when > 0; LatencyMultiplier scales latencies (step durations); TrafficFactor
	// scales the rate (0 stops traffic). Neutral values: 0, 1, 1.
	ErrorRatio        float64
	LatencyMultiplier float64
	TrafficFactor     float64
}

// Kind is the label kind of the incident: journey_step for a journey incident, otherwise the
// first effect of error_spike, latency, traffic_drop.
func (in Incident) Kind() string {
	switch {
	case in.Journey != "":
		return KindJourneyStep
	case in.ErrorRatio > 0:
		return KindErrorSpike
	case in.LatencyMultiplier != 1:
		return KindLatency
	default:
		return KindTrafficDrop
	}
}
