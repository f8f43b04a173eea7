package backtest

import (
	"fmt"
	"strings"
)

// corpusTable renders the corpus scores as the Markdown tables of docs/detection-quality.md:
// one row per scenario and rule set, then the totals and precision and recall per severity.
func corpusTable(runs []corpusRun) string {
	var b strings.Builder
	b.WriteString("| scenario | rules | labels | detected | paged | missed | false pages | median detection | median reset |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	totals := map[string]*corpusTotal{"config": {}, NaiveName: {}}
	for _, r := range runs {
		for _, sc := range []Scorecard{r.configScore, r.naiveScore} {
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %s | %s |\n", r.name, sc.RuleSet, len(sc.Labels), sc.Detected,
				sc.Paged, sc.Missed, len(sc.FalsePages), secs(sc.MedianDetectionDelay), secs(sc.MedianResetDelay))
			totals[sc.RuleSet].add(sc)
		}
	}
	b.WriteString("\n| rules | labels | detected | paged | missed | false pages | median detection | median reset |")
	for _, sev := range scoreSeverities {
		fmt.Fprintf(&b, " %s precision / recall |", sev)
	}
	b.WriteString("\n|---|---|---|---|---|---|---|---|" + strings.Repeat("---|", len(scoreSeverities)) + "\n")
	for _, name := range []string{"config", NaiveName} {
		tt := totals[name]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s | %s |", name, tt.labels, tt.detected, tt.paged, tt.missed, tt.falsePages,
			secs(median(tt.detection)), secs(median(tt.reset)))
		for _, sev := range scoreSeverities {
			s := tt.severities[sev]
			fmt.Fprintf(&b, " %s / %s (%d firings) |", ratioText(ratio(s.True, s.Firings)), ratioText(ratio(s.Detected, tt.labels)), s.Firings)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// corpusTotal sums scorecards over the scenarios.
type corpusTotal struct {
	labels, detected, paged, missed, falsePages int
	detection, reset                            []float64
	severities                                  map[string]SeverityScore
}

func (c *corpusTotal) add(sc Scorecard) {
	c.labels += len(sc.Labels)
	c.detected += sc.Detected
	c.paged += sc.Paged
	c.missed += sc.Missed
	c.falsePages += len(sc.FalsePages)
	for _, l := range sc.Labels {
		if l.DetectionDelay != nil {
			c.detection = append(c.detection, *l.DetectionDelay)
		}
		if l.ResetDelay != nil {
			c.reset = append(c.reset, *l.ResetDelay)
		}
	}
	if c.severities == nil {
		c.severities = map[string]SeverityScore{}
	}
	for _, s := range sc.Severities {
		t := c.severities[s.Severity]
		t.Firings += s.Firings
		t.True += s.True
		t.Detected += s.Detected
		c.severities[s.Severity] = t
	}
}

func ratioText(r *float64) string {
	if r == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *r)
}
