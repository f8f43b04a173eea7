package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// The kinds of Label.
const (
	KindErrorSpike  = "error_spike"
	KindLatency     = "latency"
	KindJourneyStep = "journey_step"
	KindTrafficDrop = "traffic_drop"
)

var kinds = []string{KindErrorSpike, KindLatency, KindJourneyStep, KindTrafficDrop}

// Label is one labelled incident, for scoring backtests: what was disturbed, when and how.
// JSON keys are lower_snake.
type Label struct {
	Name              string    `json:"name"`
	Kind              string    `json:"kind"`    // error_spike | latency | journey_step | traffic_drop
	Service           string    `json:"service"` // request-log service, or "" for journey incidents
	Journey           string    `json:"journey,omitempty"`
	Step              string    `json:"step,omitempty"`
	Start             time.Time `json:"start"`
	End               time.Time `json:"end"`
	ErrorRatio        float64   `json:"error_ratio,omitempty"`
	LatencyMultiplier float64   `json:"latency_multiplier,omitempty"`
	TrafficFactor     float64   `json:"traffic_factor,omitempty"`
}

// occurrence is one run of an incident: [start, end).
type occurrence struct {
	in         *Incident
	start, end time.Time
}

// occurrences lists the runs of the scenario's incidents that overlap [from, to), ordered by
// start then definition order. Relative incidents start `at` after anchor.
func (sc *Scenario) occurrences(anchor, from, to time.Time) []occurrence {
	var out []occurrence
	for i := range sc.Incidents {
		in := &sc.Incidents[i]
		first := in.Start
		if first.IsZero() {
			first = anchor.Add(in.At)
		}
		if in.Every <= 0 {
			if end := first.Add(in.Duration); first.Before(to) && end.After(from) {
				out = append(out, occurrence{in: in, start: first, end: end})
			}
			continue
		}
		k := int64(0)
		if lag := from.Sub(first) - in.Duration; lag > 0 {
			k = int64(lag / in.Every)
		}
		for s := first.Add(time.Duration(k) * in.Every); s.Before(to); s = s.Add(in.Every) {
			if end := s.Add(in.Duration); end.After(from) {
				out = append(out, occurrence{in: in, start: s, end: end})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b occurrence) int { return a.start.Compare(b.start) })
	return out
}

// anchor is the time relative incidents count from: the scenario's start, else fallback.
func (sc *Scenario) anchor(fallback time.Time) time.Time {
	if !sc.Start.IsZero() {
		return sc.Start
	}
	return fallback
}

// Labels returns the incidents that overlap [from, to), as Backfill of that range reports
// them (relative incidents count from the scenario's start, else from `from`).
func (sc *Scenario) Labels(from, to time.Time) []Label {
	return labelsOf(sc.occurrences(sc.anchor(from), from, to))
}

func labelsOf(occ []occurrence) []Label {
	labels := make([]Label, 0, len(occ))
	for _, o := range occ {
		in := o.in
		l := Label{
			Name: in.Name, Kind: in.Kind(), Service: in.Service, Journey: in.Journey, Step: in.Step,
			Start: o.start.UTC(), End: o.end.UTC(), ErrorRatio: in.ErrorRatio,
		}
		if in.LatencyMultiplier != 1 {
			l.LatencyMultiplier = in.LatencyMultiplier
		}
		if in.TrafficFactor != 1 {
			l.TrafficFactor = in.TrafficFactor
		}
		labels = append(labels, l)
	}
	return labels
}

// WriteLabels writes labels as an indented JSON array.
func WriteLabels(w io.Writer, labels []Label) error {
	if labels == nil {
		labels = []Label{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(labels); err != nil {
		return fmt.Errorf("write labels: %w", err)
	}
	return nil
}

// ReadLabels reads a JSON array of labels as WriteLabels writes it and checks each: a name, a
// known kind, a target (a service, or a journey for journey_step) and end after start.
func ReadLabels(r io.Reader) ([]Label, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var labels []Label
	if err := dec.Decode(&labels); err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	for i, l := range labels {
		if err := l.check(); err != nil {
			return nil, fmt.Errorf("read labels: [%d] %q: %w", i, l.Name, err)
		}
	}
	return labels, nil
}

func (l Label) check() error {
	switch {
	case l.Name == "":
		return fmt.Errorf("name: must not be empty")
	case !slices.Contains(kinds, l.Kind):
		return fmt.Errorf("kind: unknown value %q; want one of %v", l.Kind, kinds)
	case l.Kind == KindJourneyStep && l.Journey == "":
		return fmt.Errorf("journey: required for kind %s", l.Kind)
	case l.Kind != KindJourneyStep && l.Service == "":
		return fmt.Errorf("service: required for kind %s", l.Kind)
	case !l.End.After(l.Start):
		return fmt.Errorf("end: must be after start (%s)", l.Start.Format(time.RFC3339))
	}
	return nil
}
