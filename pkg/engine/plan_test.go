package engine

import (
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

var base = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return base.Add(d) }

func TestPlanSplitsRangesIntoWholeMinutesAndEdges(t *testing.T) {
	const m, s = time.Minute, time.Second
	cases := []struct {
		name      string
		ranges    []store.Range
		bounds    int
		edges     []store.Range
		wantParts []part
	}{
		{"ranges on whole minutes need no raw edge",
			[]store.Range{{From: at(0), To: at(5 * m)}, {From: at(3 * m), To: at(5 * m)}}, 3, nil,
			[]part{{0, 2, [2]int{-1, -1}}, {1, 2, [2]int{-1, -1}}}},
		{"windows ending at the same instant share its partial minute",
			[]store.Range{{From: at(10 * s), To: at(5*m + 20*s)}, {From: at(2*m + 10*s), To: at(5*m + 20*s)}}, 3,
			[]store.Range{{From: at(10 * s), To: at(m)}, {From: at(5 * m), To: at(5*m + 20*s)}, {From: at(2*m + 10*s), To: at(3 * m)}},
			[]part{{0, 2, [2]int{0, 1}}, {1, 2, [2]int{2, 1}}}},
		{"a range within one minute is one edge",
			[]store.Range{{From: at(10 * s), To: at(50 * s)}}, 0, []store.Range{{From: at(10 * s), To: at(50 * s)}},
			[]part{{0, 0, [2]int{0, -1}}}},
		{"a range across one minute boundary is one edge",
			[]store.Range{{From: at(50 * s), To: at(m + 10*s)}}, 0, []store.Range{{From: at(50 * s), To: at(m + 10*s)}},
			[]part{{0, 0, [2]int{0, -1}}}},
		{"an empty range counts nothing",
			[]store.Range{{From: at(m), To: at(m)}, {From: at(2 * m), To: at(m)}}, 0, nil,
			[]part{{0, 0, [2]int{-1, -1}}, {0, 0, [2]int{-1, -1}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPlan(c.ranges)
			if len(p.bounds) != c.bounds {
				t.Errorf("bounds = %v, want %d", p.bounds, c.bounds)
			}
			if len(p.edges) != len(c.edges) {
				t.Fatalf("edges = %v, want %v", p.edges, c.edges)
			}
			for i, e := range c.edges {
				if !p.edges[i].From.Equal(e.From) || !p.edges[i].To.Equal(e.To) {
					t.Errorf("edge %d = %v, want %v", i, p.edges[i], e)
				}
			}
			for i, w := range c.wantParts {
				if p.parts[i] != w {
					t.Errorf("part %d = %+v, want %+v", i, p.parts[i], w)
				}
			}
		})
	}
}

func TestPlanResolvesByPrefixSums(t *testing.T) {
	const m = time.Minute
	p := newPlan([]store.Range{
		{From: at(0), To: at(3 * m)},
		{From: at(m), To: at(3*m + 30*time.Second)},
		{From: at(2 * m), To: at(2 * m)},
	})
	// bounds 0, 1m, 3m: segments [0, 1m) and [1m, 3m); one edge [3m, 3m30s)
	segs := []slo.Counts{{Good: 1, Valid: 2}, {Good: 3, Valid: 4}}
	edges := []slo.Counts{{Good: 7, Valid: 8}}
	got := p.resolve(segs, edges)
	want := []slo.Counts{{Good: 4, Valid: 6}, {Good: 10, Valid: 12}, {}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("range %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
