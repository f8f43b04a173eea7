package backtest

import (
	"slices"
	"sort"
	"time"

	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/simulate"
	"github.com/sloguard/sloguard/pkg/slo"
)

// SeverityPage is the Scorecard row of the paging severities together.
const SeverityPage = "page"

// scoreSeverities are the rows of Scorecard.Severities, most urgent first.
var scoreSeverities = []string{slo.AlertCritical, slo.AlertMajor, slo.AlertWarning, slo.AlertInfo, SeverityPage}

// Pages reports whether alerts of a severity page someone: critical and major do (the
// built-in fast_burn is critical and pages through the pager channel; budget_exhaustion is
// major); warning and info are tickets.
func Pages(severity string) bool {
	return alerting.SeverityRank(severity) >= alerting.SeverityRank(slo.AlertMajor)
}

// Scorecard is a replay scored against labelled incidents.
type Scorecard struct {
	RuleSet string       `json:"rule_set"`
	Labels  []LabelScore `json:"labels"`
	// Unmapped are the labels that affect none of the replayed SLOs; they are not scored.
	Unmapped []string `json:"unmapped"`
	// Detected and Missed count the scored labels; Paged those a page-severity alert
	// detected.
	Detected int `json:"detected"`
	Missed   int `json:"missed"`
	Paged    int `json:"paged"`
	// FalsePages are the notifying firings of page severity that detect no label.
	FalsePages []Transition `json:"false_pages"`
	// MedianDetectionDelay and MedianResetDelay are over the labels that have one, in
	// seconds; nil when none has.
	MedianDetectionDelay *float64        `json:"median_detection_delay_seconds"`
	MedianResetDelay     *float64        `json:"median_reset_delay_seconds"`
	Severities           []SeverityScore `json:"severities"`
}

// LabelScore is how a replay did on one labelled incident.
type LabelScore struct {
	Label simulate.Label `json:"label"`
	// SLOs are the IDs ("service/slo") of the replayed SLOs the label affects.
	SLOs     []string `json:"slos"`
	Detected bool     `json:"detected"`
	// DetectedBy is the most urgent severity of the firings that detected the label;
	// Severities all of them, most urgent first.
	DetectedBy string   `json:"detected_by,omitempty"`
	Severities []string `json:"severities,omitempty"`
	Paged      bool     `json:"paged"`
	// FirstAlert is the first firing that detected the label.
	FirstAlert *Transition `json:"first_alert,omitempty"`
	// DetectionDelay is FirstAlert.At - Label.Start; ResetDelay is when the last alert that
	// detected the label resolved, minus Label.End (nil while one still fires at the end of
	// the replay). Seconds.
	DetectionDelay *float64 `json:"detection_delay_seconds,omitempty"`
	ResetDelay     *float64 `json:"reset_delay_seconds,omitempty"`
}

// SeverityScore is precision and recall of the alerts of one severity (or of every paging
// severity, SeverityPage).
type SeverityScore struct {
	Severity string `json:"severity"`
	// Firings counts the firing transitions of the severity, True those that detect a label.
	Firings int `json:"firings"`
	True    int `json:"true"`
	// Detected counts the scored labels a firing of the severity detected.
	Detected int `json:"detected"`
	// Precision is True / Firings, Recall Detected / scored labels; nil when undefined.
	Precision *float64 `json:"precision"`
	Recall    *float64 `json:"recall"`
}

// Score scores a replay against labels. The definitions:
//
//   - A label affects an SLO when it names the SLO's journey (user_journey SLOs), or the
//     SLO's service as it appears in the request logs and changes what the SLO counts:
//     error_ratio affects success_rate SLOs, latency_multiplier latency SLOs (errors are not
//     valid requests of a latency SLO), traffic_factor both (burn-rate rules do not watch
//     volume, so a pure traffic drop is expected to be missed).
//   - A firing transition (suppressed or not) detects a label when the label affects its SLO
//     and it falls in [Start, End + tolerance], the tolerance being the rule's long window
//     (the SLO period for budget_remaining rules): a long window still burns for that long
//     after the errors stop. A label is detected when a firing detects it.
//   - Detection delay: the first detecting firing minus Start. Reset delay: when the last of
//     the detecting burn-rate alerts of the most urgent severity among them (the page, when
//     one paged) resolved, minus End: slower tickets and budget_remaining alerts, which fire
//     until the budget recovers, do not hold it back. A label detected by budget alerts
//     alone has none.
//   - A false page is a notifying firing of a paging severity (Pages) that detects no label.
//   - Per severity, precision is the share of its firings that detect a label, recall the
//     share of scored labels one of its firings detects.
func Score(rep Report, labels []simulate.Label) Scorecard {
	sc := Scorecard{RuleSet: rep.RuleSet, Labels: []LabelScore{}, Unmapped: []string{}, FalsePages: []Transition{}}
	firings := firingsOf(rep)
	detects := make([]bool, len(firings))
	var detDelays, resetDelays []float64
	for _, l := range labels {
		ls := LabelScore{Label: l, SLOs: []string{}}
		for _, s := range rep.SLOs {
			if affects(l, s) {
				ls.SLOs = append(ls.SLOs, s.Service+"/"+s.SLO)
			}
		}
		if len(ls.SLOs) == 0 {
			sc.Unmapped = append(sc.Unmapped, l.Name)
			continue
		}
		var burns []firing // the detecting firings of burn-rate rules
		for i, f := range firings {
			if !slices.Contains(ls.SLOs, f.sloID) || f.t.At.Before(l.Start) || f.t.At.After(l.End.Add(f.tolerance)) {
				continue
			}
			detects[i] = true
			if ls.FirstAlert == nil || f.t.At.Before(ls.FirstAlert.At) {
				t := f.t
				ls.FirstAlert = &t
			}
			if !slices.Contains(ls.Severities, f.t.Severity) {
				ls.Severities = append(ls.Severities, f.t.Severity)
			}
			if f.kind == slo.KindBurnRate {
				burns = append(burns, f)
			}
		}
		if ls.FirstAlert != nil {
			ls.Detected = true
			sort.Slice(ls.Severities, func(i, j int) bool {
				return alerting.SeverityRank(ls.Severities[i]) > alerting.SeverityRank(ls.Severities[j])
			})
			ls.DetectedBy = ls.Severities[0]
			ls.Paged = Pages(ls.DetectedBy)
			ls.DetectionDelay = seconds(ls.FirstAlert.At.Sub(l.Start))
			detDelays = append(detDelays, *ls.DetectionDelay)
			if ls.ResetDelay = resetDelay(burns, l.End); ls.ResetDelay != nil {
				resetDelays = append(resetDelays, *ls.ResetDelay)
			}
			sc.Detected++
			if ls.Paged {
				sc.Paged++
			}
		} else {
			sc.Missed++
		}
		sc.Labels = append(sc.Labels, ls)
	}
	for i, f := range firings {
		if !detects[i] && f.t.Notify && Pages(f.t.Severity) {
			sc.FalsePages = append(sc.FalsePages, f.t)
		}
	}
	sc.MedianDetectionDelay, sc.MedianResetDelay = median(detDelays), median(resetDelays)
	for _, sev := range scoreSeverities {
		sc.Severities = append(sc.Severities, severityScore(sev, firings, detects, sc.Labels))
	}
	return sc
}

// firing is a firing transition, the ID ("service/slo") of its SLO, the tolerance and kind
// of its rule (zero when the report does not describe it), and when its alert resolved (nil:
// not within the replay).
type firing struct {
	t         Transition
	sloID     string
	tolerance time.Duration
	kind      slo.RuleKind
	resolved  *time.Time
}

// firingsOf returns the firing transitions of rep, in order, each with its rule's tolerance
// and kind and paired with the next resolution of its alert, in one pass: the firings not
// yet resolved wait under their service/slo/rule for the next resolution there.
func firingsOf(rep Report) []firing {
	rules := map[string]map[string]RuleReplay{} // by SLO ID, then rule name
	for _, s := range rep.SLOs {
		byName := map[string]RuleReplay{}
		for _, r := range slices.Backward(s.Rules) { // the first rule of a name wins, as a scan would find it
			byName[r.Name] = r
		}
		rules[s.Service+"/"+s.SLO] = byName
	}
	type key struct{ service, slo, rule string }
	var out []firing
	open := map[key][]int{} // indices in out of the unresolved firings
	for _, t := range rep.Transitions {
		k := key{t.Service, t.SLO, t.Rule}
		switch t.State {
		case string(alerting.TransitionFiring):
			id := t.Service + "/" + t.SLO
			r := rules[id][t.Rule]
			open[k] = append(open[k], len(out))
			out = append(out, firing{t: t, sloID: id, tolerance: time.Duration(r.Tolerance), kind: r.Kind})
		case string(alerting.TransitionResolved):
			for _, i := range open[k] {
				at := t.At
				out[i].resolved = &at
			}
			delete(open, k)
		}
	}
	return out
}

// resetDelay is when the last of the most urgent burn-rate firings resolved, minus end; nil
// when there is none or one never resolved.
func resetDelay(burns []firing, end time.Time) *float64 {
	top := 0
	for _, f := range burns {
		top = max(top, alerting.SeverityRank(f.t.Severity))
	}
	var last time.Time
	for _, f := range burns {
		switch {
		case alerting.SeverityRank(f.t.Severity) < top:
		case f.resolved == nil:
			return nil
		case f.resolved.After(last):
			last = *f.resolved
		}
	}
	if last.IsZero() {
		return nil
	}
	return seconds(last.Sub(end))
}

// affects reports whether label l affects the replayed SLO s (see Score).
func affects(l simulate.Label, s SLOReplay) bool {
	switch s.Type {
	case slo.UserJourney:
		return l.Journey != "" && l.Journey == s.Journey
	case slo.SuccessRate:
		return l.Service != "" && l.Service == s.LogService && (l.ErrorRatio > 0 || l.TrafficFactor > 0)
	case slo.Latency:
		return l.Service != "" && l.Service == s.LogService && (l.LatencyMultiplier > 0 || l.TrafficFactor > 0)
	}
	return false
}

func severityScore(sev string, firings []firing, detects []bool, labels []LabelScore) SeverityScore {
	match := func(s string) bool { return s == sev || (sev == SeverityPage && Pages(s)) }
	ss := SeverityScore{Severity: sev}
	for i, f := range firings {
		if match(f.t.Severity) {
			ss.Firings++
			if detects[i] {
				ss.True++
			}
		}
	}
	for _, l := range labels {
		if slices.ContainsFunc(l.Severities, match) {
			ss.Detected++
		}
	}
	ss.Precision = ratio(ss.True, ss.Firings)
	ss.Recall = ratio(ss.Detected, len(labels))
	return ss
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func seconds(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}

// median is the median of xs, nil for none.
func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}
