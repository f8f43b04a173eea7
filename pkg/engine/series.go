package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// MaxSeriesPoints bounds one Series call (a month at one point a minute is 44,640).
const MaxSeriesPoints = 100_000

// SeriesPoint is an SLO's condition at one point of a Series; its fields mean what Status's
// fields of the same names mean.
type SeriesPoint struct {
	At                              time.Time
	Window                          slo.Counts
	SLI                             *float64
	BudgetConsumed, BudgetRemaining *float64
	State                           slo.State
	BurnRates                       map[time.Duration]*float64
	BurnCounts                      map[time.Duration]slo.Counts
}

// Series returns s's condition at every point from the first whole minute at or after from
// to to (inclusive), step apart: the SLO window and each of windows ending at the point
// (windows may be empty). step must be a whole number of minutes, at least one. The points
// equal Status at the same instants, but are computed in one pass: one minute-bounded count
// over [first point - longest window, last point) and prefix sums, never a query per point.
func (e *Engine) Series(ctx context.Context, s slo.SLO, from, to time.Time, step time.Duration, windows []time.Duration) ([]SeriesPoint, error) {
	first, n, err := seriesPoints("series of "+s.ID(), from, to, step)
	if err != nil {
		return nil, err
	}
	ws, err := burnWindows(s, windows)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	per := 1 + len(ws)
	ranges := make([]store.Range, 0, n*per)
	for i := range n {
		at := first.Add(time.Duration(i) * step)
		ranges = append(ranges, store.Range{From: at.Add(-s.Window), To: at})
		for _, w := range ws {
			ranges = append(ranges, store.Range{From: at.Add(-w), To: at})
		}
	}
	counts, _, err := e.counts(ctx, s, ranges, nil)
	if err != nil {
		return nil, fmt.Errorf("series of %s: %w", s.ID(), err)
	}
	out := make([]SeriesPoint, n)
	for i := range out {
		c := counts[i*per : (i+1)*per]
		out[i] = evaluate(s, first.Add(time.Duration(i)*step), c[0], ws, c[1:])
	}
	return out, nil
}

// seriesPoints checks a series' from, to and step (what names the series in errors) and
// returns its first point, the first whole minute at or after from, and how many points
// step apart fall at or before to (0: none), at most MaxSeriesPoints.
func seriesPoints(what string, from, to time.Time, step time.Duration) (time.Time, int, error) {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return time.Time{}, 0, fmt.Errorf("%s: %w: %s to %s", what, ErrRange, from, to)
	}
	if step < time.Minute || step%time.Minute != 0 {
		return time.Time{}, 0, fmt.Errorf("%s: %w: %s is not a whole number of minutes", what, ErrStep, step)
	}
	first, last := ceilMinute(instant(from)), instant(to)
	if last.Before(first) {
		return first, 0, nil
	}
	n := int(last.Sub(first)/step) + 1
	if n > MaxSeriesPoints {
		return time.Time{}, 0, fmt.Errorf("%s: %w: %d points, at most %d; use a longer step", what, ErrStep, n, MaxSeriesPoints)
	}
	return first, n, nil
}
