package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sloguard/sloguard/pkg/slo"
)

// definitionVersion is bumped whenever the meaning of a counting definition changes in code
// (a new rule for good or valid events), so that every series gets a new key and is rebuilt.
const definitionVersion = 1

// Series is one counting definition: which rows of which table are valid events and which of
// those are good. Everything that changes a count is in it, and nothing else, so two SLOs that
// count the same way share rollups, and a changed threshold, filter, column or step limit is a
// new series (a new Key) whose rollups are built afresh.
//
// Build it with NewSeries; the zero value is not usable.
type Series struct {
	Version int         `json:"v"`
	Type    slo.SLIType `json:"type"`
	// Table is the log table, possibly "schema.table"; Timestamp its time column.
	Table     string `json:"table"`
	Timestamp string `json:"timestamp"`
	// Requests is set for success_rate and latency series, Journeys for user_journey ones.
	Requests *RequestCounting `json:"requests,omitempty"`
	Journeys *JourneyCounting `json:"journeys,omitempty"`
	// Filters are sorted by column, each one's values sorted and without duplicates.
	Filters []Filter `json:"filters"`

	key string // derived from the above by NewSeries
}

// RequestCounting is how a request-log series counts: rows of one service; for success_rate
// good = status < 500; for latency valid = status < 500 and good = valid and response time <=
// ThresholdMS.
type RequestCounting struct {
	ServiceColumn string `json:"service_column"`
	Service       string `json:"service"`
	StatusColumn  string `json:"status_column"`
	// ResponseTimeColumn and ThresholdMS are set for latency only.
	ResponseTimeColumn string   `json:"response_time_column,omitempty"`
	ThresholdMS        *float64 `json:"threshold_ms,omitempty"`
}

// JourneyCounting is how a journey series counts: one event per journey_id of one journey
// name, placed at the journey's first row; good when every row succeeded and no step took
// longer than its limit.
type JourneyCounting struct {
	IDColumn   string `json:"id_column"`
	NameColumn string `json:"name_column"`
	Journey    string `json:"journey"`
	StepColumn string `json:"step_column"`
	// OrderColumn is read by the per-step report only; it changes no count, so it is not part
	// of the key.
	OrderColumn    string `json:"-"`
	SuccessColumn  string `json:"success_column"`
	DurationColumn string `json:"duration_column"`
	// Limits are the steps with a time limit, sorted by step.
	Limits []StepLimit `json:"limits"`
}

// StepLimit is the longest a journey step may take, in milliseconds (> 0).
type StepLimit struct {
	Step  string  `json:"step"`
	MaxMS float64 `json:"max_ms"`
}

// Filter keeps rows whose Column, read as text, is one of Values.
type Filter struct {
	Column string   `json:"column"`
	Values []string `json:"values"`
}

// NewSeries returns the counting definition of s over the log tables t (defaults filled in
// for empty names); j is s's journey (user_journey SLOs only; slo.Config.Journey gives it).
// Every table and column name is checked to be a plain SQL identifier. Several limits for the
// same step keep the strictest.
func NewSeries(s slo.SLO, t slo.Tables, j slo.Journey) (Series, error) {
	t = t.WithDefaults()
	def := Series{Version: definitionVersion, Type: s.Type, Filters: canonicalFilters(s.Filters)}
	switch s.Type {
	case slo.SuccessRate, slo.Latency:
		r := t.Requests
		def.Table, def.Timestamp = r.Table, r.Timestamp
		def.Requests = &RequestCounting{ServiceColumn: r.Service, Service: s.LogService, StatusColumn: r.StatusCode}
		if s.Type == slo.Latency {
			thr := s.ThresholdMS
			def.Requests.ResponseTimeColumn, def.Requests.ThresholdMS = r.ResponseTimeMS, &thr
		}
		if s.LogService == "" {
			return Series{}, fmt.Errorf("series of %s: no log service name", s.ID())
		}
	case slo.UserJourney:
		jt := t.Journeys
		def.Table, def.Timestamp = jt.Table, jt.Timestamp
		def.Journeys = &JourneyCounting{
			IDColumn: jt.JourneyID, NameColumn: jt.JourneyName, Journey: s.Journey, StepColumn: jt.StepName,
			OrderColumn: jt.StepOrder, SuccessColumn: jt.Success, DurationColumn: jt.DurationMS,
			Limits: stepLimits(j.Steps),
		}
		if s.Journey == "" {
			return Series{}, fmt.Errorf("series of %s: no journey name", s.ID())
		}
	default:
		return Series{}, fmt.Errorf("series of %s: unknown SLI type %q", s.ID(), s.Type)
	}
	if err := def.validate(); err != nil {
		return Series{}, fmt.Errorf("series of %s: %w", s.ID(), err)
	}
	b, err := json.Marshal(def)
	if err != nil {
		return Series{}, fmt.Errorf("series of %s: %w", s.ID(), err)
	}
	sum := sha256.Sum256(b)
	def.key = string(s.Type) + ":" + hex.EncodeToString(sum[:16])
	return def, nil
}

// Key is the series' stable identity in sli_rollup: the SLI type and a hash of its canonical
// JSON (Definition).
func (d Series) Key() string { return d.key }

// Definition is the canonical JSON the key hashes, as stored in sli_rollup_state.definition.
func (d Series) Definition() []byte {
	b, _ := json.Marshal(d) // a struct of strings, numbers and slices always marshals
	return b
}

// validate checks every identifier the series puts into SQL.
func (d Series) validate() error {
	if err := slo.ValidateTableName(d.Table); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	cols := []string{d.Timestamp}
	if r := d.Requests; r != nil {
		cols = append(cols, r.ServiceColumn, r.StatusColumn)
		if r.ThresholdMS != nil {
			cols = append(cols, r.ResponseTimeColumn)
		}
	}
	if j := d.Journeys; j != nil {
		cols = append(cols, j.IDColumn, j.NameColumn, j.StepColumn, j.OrderColumn, j.SuccessColumn, j.DurationColumn)
	}
	for _, f := range d.Filters {
		cols = append(cols, f.Column)
	}
	for _, c := range cols {
		if err := slo.ValidateIdentifier(c); err != nil {
			return fmt.Errorf("column: %w", err)
		}
	}
	return nil
}

// canonicalFilters copies fs sorted by column (then values), each with sorted, distinct
// values: the order filters are written in does not change what they keep.
func canonicalFilters(fs []slo.Filter) []Filter {
	out := make([]Filter, 0, len(fs))
	for _, f := range fs {
		vals := slices.Clone(f.Values)
		slices.Sort(vals)
		out = append(out, Filter{Column: f.Column, Values: slices.Compact(vals)})
	}
	slices.SortFunc(out, func(a, b Filter) int {
		return cmp.Or(cmp.Compare(a.Column, b.Column), slices.Compare(a.Values, b.Values))
	})
	return out
}

// stepLimits returns the steps with a limit (> 0), sorted by name, the smallest limit kept
// for a step listed twice.
func stepLimits(steps []slo.JourneyStep) []StepLimit {
	best := map[string]float64{}
	for _, s := range steps {
		if s.MaxDurationMS <= 0 {
			continue
		}
		if cur, ok := best[s.Name]; !ok || s.MaxDurationMS < cur {
			best[s.Name] = s.MaxDurationMS
		}
	}
	out := make([]StepLimit, 0, len(best))
	for name, ms := range best {
		out = append(out, StepLimit{Step: name, MaxMS: ms})
	}
	slices.SortFunc(out, func(a, b StepLimit) int { return cmp.Compare(a.Step, b.Step) })
	return out
}
