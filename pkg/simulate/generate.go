package simulate

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Generation is deterministic per minute: the rows of one service (or journey) in one UTC
// minute come from a PCG seeded with the scenario seed and (minute, kind, index) only, and
// every row takes the same random draws whatever its effects, so any range, backfilled at
// once or written by live mode in pieces, holds exactly the same rows for the same seed.

// Stream kinds in the per-minute seed.
const (
	streamRequests = 0
	streamJourneys = 1
)

// requestRow is one row of the request log.
type requestRow struct {
	ts        time.Time
	service   string
	route     any // string, or nil when the service has no endpoints
	status    int16
	latencyMS float64
}

// journeyRow is one step of one journey run.
type journeyRow struct {
	ts         time.Time
	id         string
	journey    string
	step       string
	order      int32
	success    bool
	durationMS float64
}

// generator makes one scenario's rows.
type generator struct {
	sc   *Scenario
	seed uint64
	pcg  *rand.PCG
	rng  *rand.Rand
	// occ are the incident runs overlapping the minutes being generated.
	occ []occurrence
	// idPrefix starts every journey id: the seed, so that runs of two seeds do not collide.
	idPrefix []byte
}

func newGenerator(sc *Scenario, seed int64) *generator {
	pcg := rand.NewPCG(0, 0)
	return &generator{
		sc: sc, seed: splitmix(uint64(seed)), pcg: pcg, rng: rand.New(pcg),
		idPrefix: strconv.AppendUint(nil, uint64(seed), 36),
	}
}

// splitmix is SplitMix64's finalizer: it spreads nearby seeds over the whole state space.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// reseed starts the stream of one (minute, kind, index).
func (g *generator) reseed(minute time.Time, kind, idx int) {
	m := uint64(minute.Unix() / 60)
	g.pcg.Seed(g.seed, splitmix(m<<20|uint64(kind)<<19|uint64(idx)))
}

// effects are the incident effects on one target at one instant.
type effects struct {
	errorRatio, latency, traffic float64
}

// effectsAt combines the base error ratio with the incidents active at t on the target
// (service, or journey and step): the highest error ratio wins, latency multipliers and
// traffic factors multiply.
func effectsAt(t time.Time, active []*occurrence, base float64) effects {
	e := effects{errorRatio: base, latency: 1, traffic: 1}
	for _, o := range active {
		if t.Before(o.start) || !t.Before(o.end) {
			continue
		}
		e.errorRatio = max(e.errorRatio, o.in.ErrorRatio)
		e.latency *= o.in.LatencyMultiplier
		e.traffic *= o.in.TrafficFactor
	}
	return e
}

// activeOn returns the incident runs on target that overlap [lo, hi).
func (g *generator) activeOn(dst []*occurrence, lo, hi time.Time, match func(*Incident) bool) []*occurrence {
	dst = dst[:0]
	for i := range g.occ {
		o := &g.occ[i]
		if o.start.Before(hi) && o.end.After(lo) && match(o.in) {
			dst = append(dst, o)
		}
	}
	return dst
}

// rowTime spreads a row over its minute, to the microsecond PostgreSQL stores.
func (g *generator) rowTime(minute time.Time) time.Time {
	return minute.Add(time.Duration(g.rng.Int64N(int64(time.Minute/time.Microsecond))) * time.Microsecond)
}

// poisson draws a Poisson count with mean lambda: Knuth's product of uniforms below 30, the
// normal approximation above (its error there is far below the seasonality's effect).
func (g *generator) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda < 30 {
		limit, prod, n := math.Exp(-lambda), g.rng.Float64(), 0
		for prod > limit {
			prod *= g.rng.Float64()
			n++
		}
		return n
	}
	return max(0, int(math.Round(lambda+math.Sqrt(lambda)*g.rng.NormFloat64())))
}

// expNormal turns a standard normal draw z into a log-normal value.
func expNormal(mu, sigma, z float64) float64 { return math.Exp(mu + sigma*z) }

// roundMS rounds a duration in milliseconds to 0.01 ms.
func roundMS(ms float64) float64 { return math.Round(ms*100) / 100 }

// maxTraffic is the highest traffic factor of the runs in active: the rate Poisson counts are
// drawn at before thinning.
func maxTraffic(active []*occurrence) float64 {
	f := 1.0
	for _, o := range active {
		f *= max(1, o.in.TrafficFactor)
	}
	return f
}
