package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// JourneyFunnel is JourneySteps with every step the journey's config lists
// (Options.Config, `journeys:`) that no journey of the window reached added, so a funnel shows
// where everybody dropped out: such a step has Reached 0, no success rate or durations, its
// configured limit, order its 1-based position in the config (the step_order convention of
// the journey logs) and DropOff the Reached of the step before it (everybody who got that far
// dropped out). A logged step right after such a step gets DropOff 0: nobody reached the
// step before it. See mergeSteps for where added steps go.
func (e *Engine) JourneyFunnel(ctx context.Context, s slo.SLO, from, to time.Time) ([]StepStats, error) {
	seen, err := e.JourneySteps(ctx, s, from, to)
	if err != nil {
		return nil, err
	}
	keys := make([]stepKey, len(seen))
	for i, st := range seen {
		keys[i] = stepKey{Name: st.Step, Order: st.Order}
	}
	configured := e.configuredSteps(s)
	merged := mergeSteps(keys, configured)
	out := make([]StepStats, len(merged))
	for i, m := range merged {
		if m.Seen >= 0 {
			out[i] = seen[m.Seen]
			if i > 0 && merged[i-1].Seen < 0 {
				out[i].DropOff = 0
			}
			continue
		}
		out[i] = StepStats{Step: m.Name, Order: m.Order, MaxDurationMS: strictestLimit(configured, m.Name)}
		if i > 0 {
			out[i].DropOff = out[i-1].Reached
		}
	}
	return out, nil
}

// StepSeries is one journey step's success over time (JourneyStepSeries).
type StepSeries struct {
	// Step is the step name; Order its smallest logged step_order in the range, or its
	// 1-based position in the config for a step nobody reached (see JourneyFunnel).
	Step   string
	Order  int64
	Points []StepPoint
}

// StepPoint is a step's outcome over the journeys that started in [At-step, At): the step
// ending at the point, as Series' windows end at theirs.
type StepPoint struct {
	At                 time.Time
	Reached, Succeeded int64
	// SuccessRate is Succeeded/Reached; nil when no journey of the step before At reached
	// the step.
	SuccessRate *float64
}

// JourneyStepSeries returns, for the user_journey SLO s, every step's success rate at the
// points of Series (the first whole minute at or after first, then every step up to last;
// none when last comes before that minute), each over the journeys that started in the step
// before the point, [p-step, p) (so the first point also counts journeys that started
// before first). step must be a whole number of minutes, at least one. Steps are
// ordered as in JourneyFunnel, configured steps nobody reached included (every point empty).
// One query, whatever the number of points.
func (e *Engine) JourneyStepSeries(ctx context.Context, s slo.SLO, first, last time.Time, step time.Duration) ([]StepSeries, error) {
	if s.Type != slo.UserJourney {
		return nil, fmt.Errorf("journey step series of %s: %w: %s", s.ID(), ErrType, s.Type)
	}
	first, n, err := seriesPoints("journey step series of "+s.ID(), first, last, step)
	if err != nil || n == 0 {
		return nil, err
	}
	def, err := e.SeriesOf(s)
	if err != nil {
		return nil, err
	}
	// Bucket k, [first-step + k*step, first + k*step), is point k's.
	lastPoint := first.Add(time.Duration(n-1) * step)
	buckets, err := store.JourneyStepBuckets(ctx, e.db, e.opts.Schema, def, first.Add(-step), lastPoint, step, e.opts.Grace)
	if err != nil {
		return nil, fmt.Errorf("journey step series of %s: %w", s.ID(), err)
	}

	// The steps in funnel order: logged ones by their smallest order over all points.
	orders := map[string]int64{}
	for _, b := range buckets {
		if o, ok := orders[b.Step]; !ok || b.Order < o {
			orders[b.Step] = b.Order
		}
	}
	keys := make([]stepKey, 0, len(orders))
	for name, o := range orders {
		keys = append(keys, stepKey{Name: name, Order: o})
	}
	slices.SortFunc(keys, func(a, b stepKey) int { return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Name, b.Name)) })
	merged := mergeSteps(keys, e.configuredSteps(s))

	out := make([]StepSeries, len(merged))
	index := make(map[string]int, len(merged))
	for i, m := range merged {
		pts := make([]StepPoint, n)
		for k := range pts {
			pts[k].At = first.Add(time.Duration(k) * step)
		}
		out[i] = StepSeries{Step: m.Name, Order: m.Order, Points: pts}
		index[m.Name] = i
	}
	for _, b := range buckets {
		k := int(b.Start.Sub(first.Add(-step)) / step)
		if k < 0 || k >= n {
			return nil, fmt.Errorf("journey step series of %s: bucket %s outside the points", s.ID(), b.Start)
		}
		p := &out[index[b.Step]].Points[k]
		p.Reached, p.Succeeded = b.Reached, b.Succeeded
		r := float64(b.Succeeded) / float64(b.Reached)
		p.SuccessRate = &r
	}
	return out, nil
}

// configuredSteps are the steps s's journey lists in the config, if any.
func (e *Engine) configuredSteps(s slo.SLO) []slo.JourneyStep {
	if e.opts.Config == nil {
		return nil
	}
	return e.opts.Config.Journey(s.Journey).Steps
}

// stepKey is a step in funnel order: Seen is its index among the logged steps, -1 for a
// configured step nobody reached.
type stepKey struct {
	Name  string
	Order int64
	Seen  int
}

// mergeSteps returns the logged steps (in their order: step order, then name) with the
// configured steps missing from them inserted. A missing step at config position p (1-based)
// takes order p and goes before the first step whose (order, config position) is greater
// than (p, p), a step that is not configured counting as last among equal orders; so, when
// the logs number steps by their config position, the result is the config's order. Logged
// steps keep their relative order. A step configured twice counts once, at its first place.
func mergeSteps(logged []stepKey, configured []slo.JourneyStep) []stepKey {
	out := make([]stepKey, len(logged))
	for i, k := range logged {
		out[i] = stepKey{Name: k.Name, Order: k.Order, Seen: i}
	}
	pos := map[string]int64{}
	for i, c := range configured {
		if _, dup := pos[c.Name]; !dup {
			pos[c.Name] = int64(i + 1)
		}
	}
	posOf := func(name string) int64 {
		if p, ok := pos[name]; ok {
			return p
		}
		return math.MaxInt64
	}
	have := map[string]bool{}
	for _, k := range logged {
		have[k.Name] = true
	}
	for _, c := range configured {
		if have[c.Name] {
			continue
		}
		have[c.Name] = true
		p := pos[c.Name]
		at := len(out)
		for i, k := range out {
			if k.Order > p || (k.Order == p && posOf(k.Name) > p) {
				at = i
				break
			}
		}
		out = slices.Insert(out, at, stepKey{Name: c.Name, Order: p, Seen: -1})
	}
	return out
}

// strictestLimit is the smallest positive limit configured for step, 0 for none (as
// store.NewSeries keeps it).
func strictestLimit(configured []slo.JourneyStep, step string) float64 {
	var best float64
	for _, c := range configured {
		if c.Name == step && c.MaxDurationMS > 0 && (best == 0 || c.MaxDurationMS < best) {
			best = c.MaxDurationMS
		}
	}
	return best
}
