// Package engine turns exact SLI counts into SLO status: SLI, error budget, burn rates, time
// to exhaustion and no data, at an instant (Status) or over a range (Series). Panels, the
// detector and backtests all read it, so they always agree.
//
// Counts come from pkg/store: whole minutes from per-minute rollups that carry running
// totals (a window's whole minutes are the difference of two totals, one index probe each,
// whatever the window's length), the partial minutes at window edges and the minutes not yet
// settled (younger than the late-data grace) from raw log rows, so a count always equals a
// plain scan of the log table. A status is one pipelined batch, one round trip, whatever the
// number of windows: the rollup state that says which minutes are settled is read inside the
// counting statement.
//
// Rollups are refreshed in bounded chunks (store.RefreshChunk). Refresh (the detector's
// loop, the CLI) runs chunks until the rollups are caught up; a read that finds them behind
// refreshes one chunk after counting, so no panel query ever waits for a whole backfill, and
// its counts are exact either way: whatever the rollups do not cover yet is read raw.
package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// DB is what the engine needs from PostgreSQL; *pgxpool.Pool satisfies it. Its sessions must
// use the UTC time zone (store.NewPool sets it): minutes are UTC minutes, and log timestamps
// without a time zone are read as UTC.
type DB interface {
	store.BatchDBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Options configure an Engine.
type Options struct {
	// Schema is the plugin schema holding the rollups; store.DefaultSchema when empty.
	Schema string
	// Tables maps the log tables; empty names take the defaults.
	Tables slo.Tables
	// Grace is how late a log row may arrive after its timestamp and still be counted
	// exactly; store.DefaultGrace when 0. Every process refreshing or reading the same
	// rollups should use the same grace (counts are exact up to the smallest).
	Grace time.Duration
	// Config gives journeys their per-step limits; nil means no limits.
	Config *slo.Config
	// Clock is the wall clock, read only to keep an automatic refresh from covering the
	// future; time.Now when nil.
	Clock func() time.Time
	// ManualRefresh stops Status, Series and Counts from refreshing stale rollups: only
	// Refresh does (the detector's loop, say). Counts stay exact either way.
	ManualRefresh bool
	// RefreshChunk is how many minutes one refresh chunk covers at most; 0 means
	// store.RefreshChunk. An automatic refresh does one chunk.
	RefreshChunk time.Duration
	// OnRefreshError is told when an automatic refresh fails (after the read, whose counts
	// are exact anyway). Nil ignores such failures.
	OnRefreshError func(s slo.SLO, err error)
}

// Engine computes SLO status from the log tables and the rollups. It is safe for concurrent
// use.
type Engine struct {
	db   DB
	opts Options
}

// DefaultBurnWindows are the look-back windows of the default multi-window multi-burn-rate
// rules (SRE workbook ch. 5, docs/slo-math.md): the short and long windows 5m/1h, 30m/6h,
// 2h/1d and 6h/3d.
var DefaultBurnWindows = []time.Duration{
	5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour,
}

// ExhaustionWindow is the burn-rate window whose rate Status.TimeToExhaustion extrapolates
// (docs/slo-math.md: "W = 1h by default").
const ExhaustionWindow = time.Hour

// refreshAge is how far covered_to may lag the instant read before a read refreshes first.
const refreshAge = time.Minute

// Errors of the engine's arguments.
var (
	ErrRange  = errors.New("invalid time range")
	ErrWindow = errors.New("invalid window")
	ErrStep   = errors.New("invalid step")
	ErrType   = errors.New("wrong SLI type")
)

// New returns an engine reading db. It checks the schema name and the table mapping.
func New(db DB, opts Options) (*Engine, error) {
	if opts.Schema == "" {
		opts.Schema = store.DefaultSchema
	}
	if err := store.ValidateSchema(opts.Schema); err != nil {
		return nil, fmt.Errorf("engine: schema %q: %w", opts.Schema, err)
	}
	opts.Tables = opts.Tables.WithDefaults()
	if err := opts.Tables.Validate().Err(); err != nil {
		return nil, fmt.Errorf("engine: tables: %w", err)
	}
	switch {
	case opts.Grace == 0:
		opts.Grace = store.DefaultGrace
	case opts.Grace < 0:
		return nil, fmt.Errorf("engine: negative grace %s", opts.Grace)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if c := opts.RefreshChunk; c < 0 || c%time.Minute != 0 {
		return nil, fmt.Errorf("engine: refresh chunk %s is not a whole number of minutes", c)
	}
	return &Engine{db: db, opts: opts}, nil
}

// Grace returns the late-data grace the engine counts with.
func (e *Engine) Grace() time.Duration { return e.opts.Grace }

// SeriesOf returns the counting definition (rollup series) of s.
func (e *Engine) SeriesOf(s slo.SLO) (store.Series, error) {
	j := slo.Journey{Name: s.Journey}
	if e.opts.Config != nil && s.Type == slo.UserJourney {
		j = e.opts.Config.Journey(s.Journey)
	}
	return store.NewSeries(s, e.opts.Tables, j)
}

// Refresh brings the rollups of s up to now (which must not be ahead of the wall clock),
// chunk after chunk until they are caught up or ctx is done. When another process holds the
// series' refresh lock it stops there without an error, keeping the chunks done; the next
// call carries on. The detector calls it every cycle.
func (e *Engine) Refresh(ctx context.Context, s slo.SLO, now time.Time) error {
	_, err := e.RefreshLimited(ctx, s, now, store.RefreshLimit{})
	return err
}

// RefreshLimited is Refresh within lim (lim.Chunk 0 means Options.RefreshChunk), saying
// what it did, and whether the rollups are caught up.
func (e *Engine) RefreshLimited(ctx context.Context, s slo.SLO, now time.Time, lim store.RefreshLimit) (store.RefreshResult, error) {
	def, err := e.SeriesOf(s)
	if err != nil {
		return store.RefreshResult{}, err
	}
	if lim.Chunk == 0 {
		lim.Chunk = e.opts.RefreshChunk
	}
	res, err := store.Refresh(ctx, e.db, e.opts.Schema, def, now, e.opts.Grace, lim)
	if err != nil {
		return res, fmt.Errorf("refresh %s: %w", s.ID(), err)
	}
	return res, nil
}

// refreshBehind refreshes def's rollups by one chunk, best effort, when the covered_to a read
// saw (zero: none) lags upTo, or the wall clock if earlier, by more than refreshAge. The read
// was exact anyway, counting raw rows past settled; the refresh makes the next ones cheaper.
// Counting first keeps a read at one round trip when the rollups are fresh; when they lag,
// the read counts the lag from raw rows and then refreshes it, where refreshing first would
// have saved that raw count but cost a round trip on every read.
func (e *Engine) refreshBehind(ctx context.Context, s slo.SLO, def store.Series, upTo, covered time.Time) {
	now := upTo
	if c := e.opts.Clock(); c.Before(now) {
		now = c
	}
	if e.opts.ManualRefresh || now.IsZero() || (!covered.IsZero() && !covered.Before(now.Add(-refreshAge))) {
		return
	}
	_, err := store.Refresh(ctx, e.db, e.opts.Schema, def, now, e.opts.Grace, store.RefreshLimit{Chunks: 1, Chunk: e.opts.RefreshChunk})
	// A cancelled read is not a refresh failure worth reporting.
	if err != nil && ctx.Err() == nil && e.opts.OnRefreshError != nil {
		e.opts.OnRefreshError(s, err)
	}
}

// counts returns the exact counts of s over every range, plus latency percentiles when pq
// is set, in one batch (settled read from the rollup state inside it), then refreshes the
// rollups if that batch found them behind.
func (e *Engine) counts(ctx context.Context, s slo.SLO, ranges []store.Range, pq *store.PercentileQuery) ([]slo.Counts, []float64, error) {
	def, err := e.SeriesOf(s)
	if err != nil {
		return nil, nil, err
	}
	p := newPlan(ranges)
	var upTo time.Time
	for _, r := range ranges {
		if r.To.After(upTo) {
			upTo = r.To
		}
	}
	res, err := store.Count(ctx, e.db, e.opts.Schema, def, store.CountQuery{
		Bounds: p.bounds, FromState: true, Grace: e.opts.Grace, Ranges: p.edges, Percentiles: pq,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("count %s: %w", s.ID(), err)
	}
	e.refreshBehind(ctx, s, def, upTo, res.CoveredTo)
	return p.resolve(res.Segments, res.Ranges), res.Percentiles, nil
}

// Range is a half-open time range [From, To).
type Range = store.Range

// Counts returns the exact good/valid counts of s over each range [From, To), in order; an
// empty range (From >= To) counts nothing. Instants are truncated to microseconds, the
// precision of PostgreSQL timestamps.
func (e *Engine) Counts(ctx context.Context, s slo.SLO, ranges ...Range) ([]slo.Counts, error) {
	if len(ranges) == 0 {
		return nil, nil
	}
	rs := make([]store.Range, len(ranges))
	for i, r := range ranges {
		if r.From.IsZero() || r.To.IsZero() {
			return nil, fmt.Errorf("counts of %s: %w: zero time", s.ID(), ErrRange)
		}
		rs[i] = store.Range{From: instant(r.From), To: instant(r.To)}
	}
	c, _, err := e.counts(ctx, s, rs, nil)
	return c, err
}

// JourneySteps returns the step funnel of a user_journey SLO over the journeys that started
// in [from, to) (see store.StepStats).
func (e *Engine) JourneySteps(ctx context.Context, s slo.SLO, from, to time.Time) ([]StepStats, error) {
	if s.Type != slo.UserJourney {
		return nil, fmt.Errorf("journey steps of %s: %w: %s", s.ID(), ErrType, s.Type)
	}
	if !from.Before(to) {
		return nil, fmt.Errorf("journey steps of %s: %w: from %s is not before to %s", s.ID(), ErrRange, from, to)
	}
	def, err := e.SeriesOf(s)
	if err != nil {
		return nil, err
	}
	steps, err := store.JourneySteps(ctx, e.db, e.opts.Schema, def, instant(from), instant(to), e.opts.Grace)
	if err != nil {
		return nil, fmt.Errorf("journey steps of %s: %w", s.ID(), err)
	}
	return steps, nil
}

// StepStats is one step of a journey funnel.
type StepStats = store.StepStats

// instant is t in UTC, truncated to PostgreSQL's microseconds, without a monotonic reading.
func instant(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
