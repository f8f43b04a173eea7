package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// PercentileLabels returns the labels of the latency percentiles Status and PercentileSeries
// report ("p50", "p95", "p99"), in increasing order.
func PercentileLabels() []string {
	out := make([]string, len(percentiles))
	for i, p := range percentiles {
		out[i] = p.label
	}
	return out
}

// PercentilePoint is a latency SLO's response-time percentiles at one point of a
// PercentileSeries.
type PercentilePoint struct {
	At time.Time
	// Values holds every PercentileLabels label, in milliseconds; nil without data (no valid
	// request in the point's window).
	Values map[string]float64
}

// PercentileSeries returns the response-time percentiles of the latency SLO s at the points
// Series would return for from, to and step: at each point At, over the valid requests in
// the rolling window [At - window, At), computed as Status.Percentiles are (percentile_cont).
// They are display only, like Status.Percentiles: the budget uses the threshold ratio. The
// cost is one statement reading the raw rows inside the points' windows (see
// store.PercentileRanges): a window longer than step reads rows more than once.
func (e *Engine) PercentileSeries(ctx context.Context, s slo.SLO, from, to time.Time, step, window time.Duration) ([]PercentilePoint, error) {
	if s.Type != slo.Latency {
		return nil, fmt.Errorf("percentile series of %s: %w: %s", s.ID(), ErrType, s.Type)
	}
	first, n, err := seriesPoints("percentile series of "+s.ID(), from, to, step)
	if err != nil {
		return nil, err
	}
	if window <= 0 {
		return nil, fmt.Errorf("percentile series of %s: %w: %s", s.ID(), ErrWindow, window)
	}
	if n == 0 {
		return nil, nil
	}
	def, err := e.SeriesOf(s)
	if err != nil {
		return nil, err
	}
	ranges := make([]store.Range, n)
	out := make([]PercentilePoint, n)
	for i := range n {
		at := first.Add(time.Duration(i) * step)
		ranges[i] = store.Range{From: at.Add(-window), To: at}
		out[i].At = at
	}
	fractions := make([]float64, len(percentiles))
	for i, p := range percentiles {
		fractions[i] = p.fraction
	}
	values, err := store.PercentileRanges(ctx, e.db, def, ranges, fractions)
	if err != nil {
		return nil, fmt.Errorf("percentile series of %s: %w", s.ID(), err)
	}
	for i, v := range values {
		if v == nil {
			continue
		}
		out[i].Values = make(map[string]float64, len(percentiles))
		for j, p := range percentiles {
			out[i].Values[p.label] = v[j]
		}
	}
	return out, nil
}
