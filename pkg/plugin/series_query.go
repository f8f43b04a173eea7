package plugin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
)

// What the series query types (error_budget, burn_rate, sli) share: the points a panel
// gets, window parameters, and running the SLOs side by side.

const (
	// minStep is the finest step of a series: the engine counts whole minutes at the
	// points' windows' edges and rollups hold minutes, so finer points cost more and show
	// nothing new (SLO windows are minutes to days long).
	minStep = time.Minute
	// defaultMaxDataPoints bounds a series query that asks no maxDataPoints (a call to the
	// API, say); Grafana panels send their width in pixels.
	defaultMaxDataPoints = 1000
	// seriesParallelism is how many SLOs one query computes at once. Each holds one pool
	// connection at a time, so a query leaves room for others in the pool (10 by default).
	seriesParallelism = 4
	// maxWindows bounds burn_rate's windows: each one is one more count per point.
	maxWindows = 12
)

// defaultBurnRateWindows are the windows burn_rate shows when the query names none: the
// short and long windows of the default page rules (5m/1h, 30m/6h) and the long windows of
// the ticket rules (1d, 3d), docs/slo-math.md.
var defaultBurnRateWindows = []time.Duration{
	5 * time.Minute, 30 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour,
}

// defaultSLIWindow is sli's rolling window when the query names none; maxSLIWindow bounds
// it, since latency percentiles read each point's window from raw rows.
const (
	defaultSLIWindow = 5 * time.Minute
	maxSLIWindow     = 24 * time.Hour
)

// grid is the points of a series over a query's time range: n points from first to last,
// step apart. n is 0 when no point falls in the range.
type grid struct {
	first, last time.Time
	step        time.Duration
	n           int
}

// gridFor returns the points of a series for q. The step is the query's interval, at least
// a minute and rounded up to whole minutes, grown until the points fit in maxDataPoints:
// the step grows instead of returning more points. Points are multiples of the step (from
// the zero time, so whole minutes, hours and days for steps that divide them), so a panel
// refreshed a little later gets the same points, plus new ones. The last point is the last
// multiple at or before the range's end.
func gridFor(q backend.DataQuery) (grid, error) {
	from, to := q.TimeRange.From.UTC(), q.TimeRange.To.UTC()
	if q.TimeRange.From.IsZero() || q.TimeRange.To.IsZero() {
		return grid{}, errors.New("timeRange: from and to must be set")
	}
	if to.Before(from) {
		return grid{}, fmt.Errorf("timeRange: from %s is after to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	maxPoints := q.MaxDataPoints
	if maxPoints <= 0 {
		maxPoints = defaultMaxDataPoints
	}
	maxPoints = min(maxPoints, engine.MaxSeriesPoints)
	// n points span n-1 steps: the step is at least span/(maxPoints-1), rounded up; one
	// point is a step as long as the range.
	step, span := ceilMinutes(max(q.Interval, minStep)), to.Sub(from)
	if maxPoints > 1 {
		step = max(step, ceilMinutes((span+time.Duration(maxPoints-2))/time.Duration(maxPoints-1)))
	} else {
		step = max(step, ceilMinutes(span))
	}
	first := from.Truncate(step)
	if first.Before(from) {
		first = first.Add(step)
	}
	if first.After(to) {
		return grid{step: step}, nil
	}
	n := int(to.Sub(first)/step) + 1
	if int64(n) > maxPoints { // one point, and the range is exactly a step long: keep the last
		first = first.Add(time.Duration(int64(n)-maxPoints) * step)
		n = int(maxPoints)
	}
	return grid{first: first, last: first.Add(time.Duration(n-1) * step), step: step, n: n}, nil
}

// ceilMinutes rounds d up to whole minutes.
func ceilMinutes(d time.Duration) time.Duration {
	if r := d % time.Minute; r != 0 {
		d += time.Minute - r
	}
	return d
}

// times returns the grid's points.
func (g grid) times() []time.Time {
	out := make([]time.Time, g.n)
	for i := range out {
		out[i] = g.first.Add(time.Duration(i) * g.step)
	}
	return out
}

// parseWindows parses the windows of the query field named field; empty texts give def.
// Windows equal once parsed ("60m" and "1h") are kept once.
func parseWindows(field string, texts []string, def []time.Duration) ([]time.Duration, error) {
	if len(texts) == 0 {
		return def, nil
	}
	if len(texts) > maxWindows {
		return nil, fmt.Errorf("%s: %d windows, at most %d", field, len(texts), maxWindows)
	}
	out := make([]time.Duration, 0, len(texts))
	for _, text := range texts {
		w, err := parseWindow(field, text)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out, nil
}

// parseWindow parses one window of the query field named field, naming the field in its
// error: `windows: "7x" is not a window: unknown unit "x"; ...`.
func parseWindow(field, text string) (time.Duration, error) {
	w, err := slo.ParseWindow(text)
	if err != nil {
		reason := strings.TrimPrefix(err.Error(), fmt.Sprintf("window %q: ", text))
		return 0, fmt.Errorf("%s: %q is not a window: %s", field, text, reason)
	}
	return w, nil
}

// eachSLO calls fn for every SLO, seriesParallelism at a time, and returns the first error;
// the first error cancels the context of the calls still running.
func eachSLO(ctx context.Context, slos []slo.SLO, fn func(ctx context.Context, i int, s slo.SLO) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	fail := func(err error) {
		once.Do(func() {
			first = err
			cancel()
		})
	}
	sem := make(chan struct{}, seriesParallelism)
	for i, s := range slos {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil { // an SLO failed, or the caller gave up: start no more
			fail(ctx.Err())
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var err error
			if perr := recovered(func() { err = fn(ctx, i, s) }); perr != nil {
				err = perr
			}
			if err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	return first
}

// perSLOSeries is the shape of every time-series query type: the points of the panel's grid
// (gridFor), the engine, and for each of slos, seriesParallelism at a time, the frames build
// returns, concatenated in SLO order. No SLO or no point is a typed empty answer.
func perSLOSeries(ctx context.Context, d *Datasource, r queryRequest, slos []slo.SLO,
	build func(ctx context.Context, eng *engine.Engine, g grid, s slo.SLO) (data.Frames, error)) backend.DataResponse {
	g, err := gridFor(r.query)
	if err != nil {
		return badRequest(err.Error())
	}
	if len(slos) == 0 || g.n == 0 {
		return seriesResponse(nil)
	}
	eng, err := d.engineFor(ctx, r.config)
	if err != nil {
		return failed(err)
	}
	perSLO := make([]data.Frames, len(slos))
	err = eachSLO(ctx, slos, func(ctx context.Context, i int, s slo.SLO) error {
		frames, err := build(ctx, eng, g, s)
		perSLO[i] = frames
		return err
	})
	if err != nil {
		return failed(err)
	}
	return seriesResponse(slices.Concat(perSLO...))
}

// windowCounts returns the exact counts of s over each window ending at each of the grid's
// points, [t - window, t): out[i][j] is windows[i] at point j. It is one engine.Counts call,
// without the SLO window Series adds to every point, so the rollups are read only as far
// back as the longest window reaches.
func windowCounts(ctx context.Context, eng *engine.Engine, g grid, s slo.SLO, windows []time.Duration) ([][]slo.Counts, error) {
	times := g.times()
	ranges := make([]engine.Range, 0, len(windows)*len(times))
	for _, w := range windows {
		for _, t := range times {
			ranges = append(ranges, engine.Range{From: t.Add(-w), To: t})
		}
	}
	counts, err := eng.Counts(ctx, s, ranges...)
	if err != nil {
		return nil, err
	}
	out := make([][]slo.Counts, len(windows))
	for i := range windows {
		out[i] = counts[i*len(times) : (i+1)*len(times)]
	}
	return out, nil
}

// gridSeries is engine.Series of s at the grid's points: the SLO window's condition.
func gridSeries(ctx context.Context, eng *engine.Engine, g grid, s slo.SLO) ([]engine.SeriesPoint, error) {
	pts, err := eng.Series(ctx, s, g.first, g.last, g.step, nil)
	if err != nil {
		return nil, fmt.Errorf("series of %s: %w", s.ID(), err)
	}
	if len(pts) != g.n {
		return nil, fmt.Errorf("series of %s: %d points for a grid of %d", s.ID(), len(pts), g.n)
	}
	return pts, nil
}
