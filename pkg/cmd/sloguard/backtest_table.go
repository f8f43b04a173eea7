package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sloguard/sloguard/pkg/backtest"
)

// printBacktest prints a backtest for people: what the config's rules would have done
// (transitions, notifications, incidents), then the scores, side by side with the
// comparison rule set's when there is one (its own transitions are in --format json).
func printBacktest(w io.Writer, out backtestOutput) {
	rep := out.Replay
	fmt.Fprintf(w, "backtest %s .. %s, step %s, %d SLOs, %d evaluations\n\n",
		rep.From.Format(time.RFC3339), rep.To.Format(time.RFC3339), rep.Step, len(rep.SLOs), rep.Points)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "TRANSITIONS (%d)\nAT\tSERVICE\tSLO\tRULE\tSEVERITY\tSTATE\tNOTIFIED\n", len(rep.Transitions))
	for _, t := range rep.Transitions {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", stamp(t.At), t.Service, t.SLO, t.Rule, t.Severity, t.State, yesNo(t.Notify, "suppressed"))
	}
	_ = tw.Flush()
	fmt.Fprintf(tw, "\nNOTIFICATIONS (%d)\nAT\tSERVICE\tSLO\tRULE\tKIND\tCHANNEL\n", len(rep.Notifications))
	for _, n := range rep.Notifications {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", stamp(n.At), n.Service, n.SLO, n.Rule, n.Kind, n.Channel)
	}
	_ = tw.Flush()
	fmt.Fprintf(tw, "\nINCIDENTS (%d)\nOPENED\tRESOLVED\tSERVICE\tSLO\tSEVERITY\tALERTS\tTIMELINE\n", len(rep.Incidents))
	for _, in := range rep.Incidents {
		var events []string
		for _, e := range in.Timeline {
			events = append(events, e.Event+" "+e.At.Format("15:04"))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", stamp(in.OpenedAt), stamp(in.ResolvedAt), in.Service, in.SLO, in.Severity,
			strings.Join(in.Alerts, ","), strings.Join(events, ", "))
	}
	_ = tw.Flush()

	runs := []backtestRun{out.backtestRun}
	if out.Compare != nil {
		runs = append(runs, *out.Compare)
	}
	fmt.Fprintf(tw, "\nRULE SETS\n\t%s\n", columns(runs, func(r backtestRun) string { return r.Replay.RuleSet }))
	for _, row := range []struct {
		name  string
		value func(backtestRun) string
	}{
		{"transitions", func(r backtestRun) string { return fmt.Sprint(len(r.Replay.Transitions)) }},
		{"notifications", func(r backtestRun) string { return fmt.Sprint(len(r.Replay.Notifications)) }},
		{"incidents", func(r backtestRun) string { return fmt.Sprint(len(r.Replay.Incidents)) }},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", row.name, columns(runs, row.value))
	}
	_ = tw.Flush()
	if out.Score != nil {
		printScores(tw, runs)
	}
}

// printScores prints the label table and the summary of every run, side by side.
func printScores(tw *tabwriter.Writer, runs []backtestRun) {
	header := "\nSCORE\nLABEL\tSTART\tEND\tSLOS"
	for _, r := range runs {
		header += "\t" + r.Replay.RuleSet + ": DETECTED BY\tDELAY\tRESET"
	}
	fmt.Fprintln(tw, header)
	for _, l := range runs[0].Score.Labels {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s", l.Label.Name, stamp(l.Label.Start), stamp(l.Label.End), strings.Join(l.SLOs, ","))
		for _, r := range runs {
			ls, ok := sameLabel(r.Score, l)
			if !ok {
				fmt.Fprint(tw, "\tnot scored\t-\t-")
				continue
			}
			by := "MISSED"
			if ls.Detected {
				by = ls.DetectedBy + ", first " + ls.FirstAlert.Rule
			}
			fmt.Fprintf(tw, "\t%s\t%s\t%s", by, secs(ls.DetectionDelay), secs(ls.ResetDelay))
		}
		fmt.Fprintln(tw)
	}
	if u := runs[0].Score.Unmapped; len(u) > 0 {
		fmt.Fprintf(tw, "not scored (no replayed SLO affected): %s\n", strings.Join(u, ", "))
	}
	fmt.Fprintf(tw, "\n\t%s\n", columns(runs, func(r backtestRun) string { return r.Replay.RuleSet }))
	score := func(f func(*backtest.Scorecard) string) func(backtestRun) string {
		return func(r backtestRun) string { return f(r.Score) }
	}
	for _, row := range []struct {
		name  string
		value func(backtestRun) string
	}{
		{"detected", score(func(s *backtest.Scorecard) string { return fmt.Sprintf("%d of %d", s.Detected, len(s.Labels)) })},
		{"paged", score(func(s *backtest.Scorecard) string { return fmt.Sprint(s.Paged) })},
		{"missed", score(func(s *backtest.Scorecard) string { return fmt.Sprint(s.Missed) })},
		{"false pages", score(func(s *backtest.Scorecard) string { return fmt.Sprint(len(s.FalsePages)) })},
		{"median detection delay", score(func(s *backtest.Scorecard) string { return secs(s.MedianDetectionDelay) })},
		{"median reset delay", score(func(s *backtest.Scorecard) string { return secs(s.MedianResetDelay) })},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", row.name, columns(runs, row.value))
	}
	for i, ss := range runs[0].Score.Severities {
		fmt.Fprintf(tw, "%s precision / recall\t%s\n", ss.Severity, columns(runs, func(r backtestRun) string {
			s := r.Score.Severities[i]
			return fmt.Sprintf("%s / %s (%d firings)", ratioText(s.Precision), ratioText(s.Recall), s.Firings)
		}))
	}
	_ = tw.Flush()
}

// sameLabel finds l's score in sc (the rule sets may replay different SLOs).
func sameLabel(sc *backtest.Scorecard, l backtest.LabelScore) (backtest.LabelScore, bool) {
	for _, o := range sc.Labels {
		if o.Label.Name == l.Label.Name && o.Label.Start.Equal(l.Label.Start) {
			return o, true
		}
	}
	return backtest.LabelScore{}, false
}

func columns(runs []backtestRun, value func(backtestRun) string) string {
	cols := make([]string, len(runs))
	for i, r := range runs {
		cols[i] = value(r)
	}
	return strings.Join(cols, "\t")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func yesNo(b bool, no string) string {
	if b {
		return "yes"
	}
	return no
}

func secs(s *float64) string {
	if s == nil {
		return "-"
	}
	return (time.Duration(*s) * time.Second).String()
}

func ratioText(r *float64) string {
	if r == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *r)
}
