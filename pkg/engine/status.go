package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// PercentileWindow is the look-back window of Status.Percentiles.
const PercentileWindow = time.Hour

// percentiles are the latency percentiles Status shows, by label.
var percentiles = []struct {
	label    string
	fraction float64
}{{"p50", 0.5}, {"p95", 0.95}, {"p99", 0.99}}

// Status is an SLO's condition at an instant.
type Status struct {
	SLO slo.SLO
	At  time.Time
	// Window counts the SLO period [At - SLO.Window, At).
	Window slo.Counts
	// SLI, BudgetConsumed and BudgetRemaining are over Window; nil without data. Remaining
	// is not clamped: negative when the SLO is breached.
	SLI                             *float64
	BudgetConsumed, BudgetRemaining *float64
	// BurnRates holds the burn rate of every window [At - w, At) asked (DefaultBurnWindows
	// and the extra ones); a nil value means no data in that window. BurnCounts holds the
	// counts behind them, for low-traffic guards such as a rule's min_bad_events.
	BurnRates  map[time.Duration]*float64
	BurnCounts map[time.Duration]slo.Counts
	// TimeToExhaustion is how long the remaining budget lasts at the ExhaustionWindow (1h)
	// burn rate: remaining * T / BR(1h). Nil without data or when that burn rate is 0; 0 when
	// the budget is already spent.
	TimeToExhaustion *time.Duration
	State            slo.State
	// Percentiles are, for latency SLOs, "p50", "p95" and "p99" of the response times of
	// the valid requests in [At - PercentileWindow, At), by percentile_cont: linear
	// interpolation between the two nearest ranks (rank (n-1)*p, as numpy's default and
	// Excel's PERCENTILE.INC). Nil for other SLI types and without data. Display only:
	// the budget uses the threshold ratio (seed ERRATA 2).
	Percentiles map[string]float64
}

// Status returns s's status at `at`: the SLO window, DefaultBurnWindows and extraWindows all
// end at `at` (exclusive). The counts are exact; the cost is one pipelined batch, one round
// trip, whatever the number of windows (and, unless ManualRefresh, one refresh chunk after
// it when the rollups lag `at` by more than a minute).
func (e *Engine) Status(ctx context.Context, s slo.SLO, at time.Time, extraWindows ...time.Duration) (Status, error) {
	if at.IsZero() {
		return Status{}, fmt.Errorf("status of %s: %w: zero time", s.ID(), ErrRange)
	}
	at = instant(at)
	burn, err := burnWindows(s, append(slices.Clone(DefaultBurnWindows), extraWindows...))
	if err != nil {
		return Status{}, err
	}
	all := append([]time.Duration{s.Window, ExhaustionWindow}, burn...)
	ranges := make([]store.Range, len(all))
	for i, w := range all {
		ranges[i] = store.Range{From: at.Add(-w), To: at}
	}
	var pq *store.PercentileQuery
	if s.Type == slo.Latency {
		pq = &store.PercentileQuery{From: at.Add(-PercentileWindow), To: at, Fractions: make([]float64, len(percentiles))}
		for i, p := range percentiles {
			pq.Fractions[i] = p.fraction
		}
	}
	counts, pcts, err := e.counts(ctx, s, ranges, pq)
	if err != nil {
		return Status{}, fmt.Errorf("status of %s: %w", s.ID(), err)
	}
	pt := evaluate(s, at, counts[0], burn, counts[2:])
	st := Status{
		SLO: s, At: at, Window: pt.Window, SLI: pt.SLI,
		BudgetConsumed: pt.BudgetConsumed, BudgetRemaining: pt.BudgetRemaining,
		BurnRates: pt.BurnRates, BurnCounts: pt.BurnCounts, State: pt.State,
	}
	if br, ok := slo.BurnRate(counts[1], s.Objective); ok && pt.BudgetRemaining != nil {
		if tte, ok := slo.TimeToExhaustion(*pt.BudgetRemaining, br, s.Window); ok {
			st.TimeToExhaustion = &tte
		}
	}
	if len(pcts) == len(percentiles) {
		st.Percentiles = make(map[string]float64, len(percentiles))
		for i, p := range percentiles {
			st.Percentiles[p.label] = pcts[i]
		}
	}
	return st, nil
}

// burnWindows checks the SLO window and the burn windows (> 0) and returns the latter
// without duplicates, in order.
func burnWindows(s slo.SLO, ws []time.Duration) ([]time.Duration, error) {
	if s.Window <= 0 {
		return nil, fmt.Errorf("%s: %w: SLO window %s", s.ID(), ErrWindow, s.Window)
	}
	out := make([]time.Duration, 0, len(ws))
	for _, w := range ws {
		if w <= 0 {
			return nil, fmt.Errorf("%s: %w: %s", s.ID(), ErrWindow, w)
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out, nil
}

// evaluate is the SLO math of one instant: window counts to SLI, budget and state, burn
// window counts (parallel to windows) to burn rates.
func evaluate(s slo.SLO, at time.Time, window slo.Counts, windows []time.Duration, burn []slo.Counts) SeriesPoint {
	pt := SeriesPoint{
		At: at, Window: window, State: slo.StateOf(window, s.Objective),
		BurnRates:  make(map[time.Duration]*float64, len(windows)),
		BurnCounts: make(map[time.Duration]slo.Counts, len(windows)),
	}
	pt.SLI = ptr(slo.SLI(window))
	pt.BudgetConsumed = ptr(slo.BudgetConsumed(window, s.Objective))
	pt.BudgetRemaining = ptr(slo.BudgetRemaining(window, s.Objective))
	for i, w := range windows {
		pt.BurnCounts[w] = burn[i]
		pt.BurnRates[w] = ptr(slo.BurnRate(burn[i], s.Objective))
	}
	return pt
}

// ptr returns &v when ok, else nil.
func ptr(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}
