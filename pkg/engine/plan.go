package engine

import (
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// plan splits time ranges into what the store counts: the whole minutes inside each range,
// as segments between sorted minute bounds (summed by prefix sums here), and the partial
// minutes at its edges, counted from raw rows. Ranges sharing an edge (every Status window
// ends at the same instant) share its count; ranges on whole minutes have no edge at all.
type plan struct {
	bounds []time.Time   // ascending distinct whole minutes
	edges  []store.Range // distinct partial-minute ranges
	parts  []part        // one per planned range
}

// part is how one range is answered: segments [lo, hi) of the bounds (lo == hi: none), plus
// the listed edges.
type part struct {
	lo, hi int
	edges  [2]int // indices into plan.edges; -1 = none
}

// newPlan plans ranges; an empty range (From >= To) counts nothing. A Series plans up to
// MaxSeriesPoints x 8 ranges, so bounds are handled as Unix minutes (int64), not time.Time.
func newPlan(ranges []store.Range) plan {
	var p plan
	edgeIndex := map[[2]int64]int{}
	addEdge := func(from, to time.Time) int {
		k := [2]int64{from.UnixMicro(), to.UnixMicro()}
		if i, ok := edgeIndex[k]; ok {
			return i
		}
		edgeIndex[k] = len(p.edges)
		p.edges = append(p.edges, store.Range{From: from, To: to})
		return len(p.edges) - 1
	}
	type whole struct{ from, to int64 } // Unix minutes; from == to: none
	wholes := make([]whole, len(ranges))
	keys := make([]int64, 0, 2*len(ranges))
	p.parts = make([]part, len(ranges))
	for i, r := range ranges {
		pt := part{edges: [2]int{-1, -1}}
		from, to := ceilMinute(r.From), store.FloorMinute(r.To)
		switch {
		case !r.From.Before(r.To):
		case from.Before(to):
			w := whole{unixMinute(from), unixMinute(to)}
			wholes[i] = w
			keys = append(keys, w.from, w.to)
			if r.From.Before(from) {
				pt.edges[0] = addEdge(r.From, from)
			}
			if to.Before(r.To) {
				pt.edges[1] = addEdge(to, r.To)
			}
		default: // within one minute, or across one minute boundary only
			pt.edges[0] = addEdge(r.From, r.To)
		}
		p.parts[i] = pt
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	p.bounds = make([]time.Time, len(keys))
	for i, k := range keys {
		p.bounds[i] = time.Unix(k*60, 0).UTC()
	}
	for i, w := range wholes {
		if w.from == w.to {
			continue
		}
		lo, _ := slices.BinarySearch(keys, w.from)
		hi, _ := slices.BinarySearch(keys, w.to)
		p.parts[i].lo, p.parts[i].hi = lo, hi
	}
	return p
}

// unixMinute is the whole minute t as minutes since the Unix epoch.
func unixMinute(t time.Time) int64 { return t.Unix() / 60 }

// resolve returns the counts of every planned range from the store's answer: segs[i] counts
// [bounds[i], bounds[i+1]), edges[i] counts p.edges[i].
func (p plan) resolve(segs, edges []slo.Counts) []slo.Counts {
	prefix := make([]slo.Counts, len(p.bounds)+1)
	for i, c := range segs {
		prefix[i+1] = prefix[i].Add(c)
	}
	out := make([]slo.Counts, len(p.parts))
	for i, pt := range p.parts {
		c := prefix[pt.hi].Sub(prefix[pt.lo])
		for _, e := range pt.edges {
			if e >= 0 {
				c = c.Add(edges[e])
			}
		}
		out[i] = c
	}
	return out
}

// ceilMinute is the first minute boundary at or after t, in UTC.
func ceilMinute(t time.Time) time.Time {
	f := store.FloorMinute(t)
	if f.Equal(t) {
		return f
	}
	return f.Add(time.Minute)
}
