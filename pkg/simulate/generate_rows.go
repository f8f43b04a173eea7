package simulate

import (
	"slices"
	"strconv"
	"time"
)

// Status codes of generated requests.
var (
	serverErrors = [...]int16{500, 502, 503, 504}
	clientErrors = [...]int16{400, 404, 409, 429}
)

// requests appends the request rows of minute (every service) with timestamps in [lo, hi).
// The whole minute is drawn either way, so the rows kept do not depend on lo and hi.
func (g *generator) requests(dst []requestRow, minute, lo, hi time.Time) []requestRow {
	var active []*occurrence
	for i := range g.sc.Services {
		s := &g.sc.Services[i]
		first := len(dst)
		g.reseed(minute, streamRequests, i)
		active = g.activeOn(active, minute, minute.Add(time.Minute), func(in *Incident) bool { return in.Service == s.Name })
		peak := maxTraffic(active)
		mu, sigma := s.Latency.params()
		n := g.poisson(s.RatePerMinute * s.Seasonality.Factor(minute) * peak)
		for range n {
			ts := g.rowTime(minute)
			thin, u, lat := g.rng.Float64(), g.rng.Float64(), g.rng.NormFloat64()
			var route any
			if len(s.Endpoints) > 0 {
				route = s.Endpoints[g.rng.IntN(len(s.Endpoints))]
			}
			if ts.Before(lo) || !ts.Before(hi) {
				continue
			}
			e := effects{errorRatio: s.ErrorRatio, latency: 1, traffic: 1}
			if len(active) > 0 {
				e = effectsAt(ts, active, s.ErrorRatio)
				if thin*peak >= e.traffic {
					continue
				}
			}
			status := int16(200)
			switch {
			case u < e.errorRatio:
				status = serverErrors[int(u/e.errorRatio*float64(len(serverErrors)))%len(serverErrors)]
			case u < e.errorRatio+s.ClientErrorRatio:
				status = clientErrors[int((u-e.errorRatio)/s.ClientErrorRatio*float64(len(clientErrors)))%len(clientErrors)]
			}
			dst = append(dst, requestRow{
				ts: ts, service: s.Name, route: route, status: status,
				latencyMS: roundMS(expNormal(mu, sigma, lat) * e.latency),
			})
		}
		// In time order a minute's rows land next to each other in the (service, timestamp)
		// index: PostgreSQL takes them over twice as fast as in random order.
		slices.SortFunc(dst[first:], func(a, b requestRow) int { return a.ts.Compare(b.ts) })
	}
	return dst
}

// journeys appends the step rows of the journey runs that start in minute within [lo, hi).
// Runs take the incidents active when they start; a failed step ends the run.
func (g *generator) journeys(dst []journeyRow, minute, lo, hi time.Time) []journeyRow {
	var active []*occurrence
	for ji := range g.sc.Journeys {
		j := &g.sc.Journeys[ji]
		g.reseed(minute, streamJourneys, ji)
		active = g.activeOn(active, minute, minute.Add(time.Minute), func(in *Incident) bool { return in.Journey == j.Name })
		// Per step, what every run of the minute shares: the latency distribution and the
		// incidents that disturb the step.
		steps := make([]minuteStep, len(j.Steps))
		for si := range j.Steps {
			st := &steps[si]
			st.mu, st.sigma = j.Steps[si].Latency.params()
			st.active = stepOccurrences(active, j.Steps[si].Name)
		}
		n := g.poisson(j.RatePerMinute * j.Seasonality.Factor(minute))
		for run := range n {
			start := g.rowTime(minute)
			keep := !start.Before(lo) && start.Before(hi)
			var id string
			if keep {
				id = g.journeyID(minute, ji, run)
			}
			ts := start
			for si := range j.Steps {
				st := &j.Steps[si]
				u, lat := g.rng.Float64(), g.rng.NormFloat64()
				ms := &steps[si]
				e := effects{errorRatio: st.FailureRatio, latency: 1}
				if len(ms.active) > 0 {
					e = effectsAt(start, ms.active, st.FailureRatio)
				}
				dur := roundMS(expNormal(ms.mu, ms.sigma, lat) * e.latency)
				ok := u >= e.errorRatio
				if keep {
					dst = append(dst, journeyRow{
						ts: ts, id: id, journey: j.Name, step: st.Name, order: int32(si + 1), success: ok, durationMS: dur,
					})
				}
				if !ok {
					break
				}
				ts = ts.Add(time.Duration(dur * float64(time.Millisecond))).Truncate(time.Microsecond)
			}
		}
	}
	return dst
}

// minuteStep is a journey step's part of one minute's runs: its latency distribution's
// parameters and the incident runs that disturb it.
type minuteStep struct {
	mu, sigma float64
	active    []*occurrence
}

// stepOccurrences keeps the runs of active that disturb step.
func stepOccurrences(active []*occurrence, step string) []*occurrence {
	var out []*occurrence
	for _, o := range active {
		if o.in.Step == step {
			out = append(out, o)
		}
	}
	return out
}

// journeyID is unique per seed, minute, journey and run: "<seed>-<minute>-<journey>-<run>"
// in base 36.
func (g *generator) journeyID(minute time.Time, ji, run int) string {
	b := make([]byte, 0, 32)
	b = append(b, g.idPrefix...)
	b = append(b, '-')
	b = strconv.AppendInt(b, minute.Unix()/60, 36)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(ji), 36)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(run), 36)
	return string(b)
}
