package simulate

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// minuteSource is a pgx.CopyFromSource that generates rows a minute at a time: only one
// minute's rows are ever held, however long the range.
type minuteSource[R any] struct {
	next, lo, hi time.Time
	fill         func(dst []R, minute, lo, hi time.Time) []R
	values       func(r *R, vals []any)
	buf          []R
	pos          int
	vals         []any
	// rows counts the rows handed to COPY; tick is called every tickRows of them.
	rows int64
	tick func()
}

// tickRows is how often (in rows) a source reports progress.
const tickRows = 8192

func newMinuteSource[R any](lo, hi time.Time, columns int, fill func([]R, time.Time, time.Time, time.Time) []R,
	values func(*R, []any), tick func()) *minuteSource[R] {
	return &minuteSource[R]{
		next: lo.Truncate(time.Minute), lo: lo, hi: hi, fill: fill, values: values,
		vals: make([]any, columns), tick: tick,
	}
}

// Next generates the next minute when the current one is used up.
func (s *minuteSource[R]) Next() bool {
	for s.pos >= len(s.buf) {
		if !s.next.Before(s.hi) {
			return false
		}
		s.buf, s.pos = s.fill(s.buf[:0], s.next, s.lo, s.hi), 0
		s.next = s.next.Add(time.Minute)
	}
	s.pos++
	s.rows++
	if s.tick != nil && s.rows%tickRows == 0 {
		s.tick()
	}
	return true
}

// Values returns the current row; the slice is reused (pgx encodes it before calling Next).
func (s *minuteSource[R]) Values() ([]any, error) {
	s.values(&s.buf[s.pos-1], s.vals)
	return s.vals, nil
}

// Err is always nil: generation cannot fail.
func (s *minuteSource[R]) Err() error { return nil }

func requestValues(r *requestRow, v []any) {
	v[0], v[1], v[2], v[3], v[4] = r.ts, r.service, r.route, r.status, r.latencyMS
}

func journeyValues(r *journeyRow, v []any) {
	v[0], v[1], v[2], v[3], v[4], v[5], v[6] = r.ts, r.id, r.journey, r.step, r.order, r.success, r.durationMS
}

// copier is what writing needs of a pool or connection.
type copier interface {
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// writer writes a scenario's traffic into the log tables.
type writer struct {
	g      *generator
	tables tableNames
	anchor time.Time
	// onRows is told of every tickRows rows generated (progress); may be nil.
	onRows func(n int64)
}

// write COPYs the rows with timestamps (journeys: run starts) in [lo, hi) and returns how
// many went into each table.
func (w *writer) write(ctx context.Context, db copier, lo, hi time.Time) (requests, journeys int64, err error) {
	w.g.occ = w.g.sc.occurrences(w.anchor, lo.Truncate(time.Minute), hi.Add(time.Minute-1).Truncate(time.Minute))
	tick := func() {
		if w.onRows != nil {
			w.onRows(tickRows)
		}
	}
	if len(w.g.sc.Services) > 0 {
		src := newMinuteSource(lo, hi, len(w.tables.requestColumns), w.g.requests, requestValues, tick)
		if requests, err = db.CopyFrom(ctx, w.tables.requests, w.tables.requestColumns, src); err != nil {
			return requests, 0, copyError(w.tables.requests, err)
		}
	}
	if len(w.g.sc.Journeys) > 0 {
		src := newMinuteSource(lo, hi, len(w.tables.journeyColumns), w.g.journeys, journeyValues, tick)
		if journeys, err = db.CopyFrom(ctx, w.tables.journeys, w.tables.journeyColumns, src); err != nil {
			return requests, journeys, copyError(w.tables.journeys, err)
		}
	}
	return requests, journeys, nil
}
