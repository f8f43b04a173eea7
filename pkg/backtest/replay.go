package backtest

import (
	"context"
	"fmt"
	"time"

	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/detector"
	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/incident"
	"github.com/sloguard/sloguard/pkg/slo"
)

// Options configure a replay.
type Options struct {
	// From and To bound the evaluations: every whole minute step apart from the first at or
	// after From up to To (inclusive), as the detector's cycles at those instants.
	From, To time.Time
	// Step is the evaluation interval, a whole number of minutes (the detector's default
	// cycle is one minute).
	Step time.Duration
}

// ConfigName names the rule set of each SLO's own rules (RuleSet's zero value).
const ConfigName = "config"

// RuleSet is a set of rules to replay. Rules, when not nil, replace every SLO's own rules (a
// comparison rule set); nil replays each SLO's own rules. Name names them in the report
// (ConfigName when empty).
type RuleSet struct {
	Name  string
	Rules []slo.Rule
}

// name is the report's name of the rule set.
func (set RuleSet) name() string {
	if set.Name == "" {
		return ConfigName
	}
	return set.Name
}

// rulesFor returns the rules the set replays on s (none: s is not replayed).
func (set RuleSet) rulesFor(cfg *slo.Config, s slo.SLO) []slo.Rule {
	if set.Rules != nil {
		return set.Rules
	}
	return cfg.RulesFor(s)
}

// Run replays each SLO's own rules over history: Compare with the one rule set RuleSet{}.
func Run(ctx context.Context, eng *engine.Engine, cfg *slo.Config, opts Options) (Report, error) {
	reps, err := Compare(ctx, eng, cfg, opts, RuleSet{})
	if err != nil {
		return Report{}, err
	}
	return reps[0], nil
}

// Compare replays the detector over history with every rule set, one report per set in the
// order given, for every SLO of cfg that a set has rules for: it refreshes the SLO's rollups
// once, reads the condition at every step with one engine.Series call (per
// engine.MaxSeriesPoints points) over the windows all the sets' rules read, and feeds each
// point through detector.Evaluate and incident.Decide, the pure code the live detector runs,
// once per set. The reports are those of replaying each set alone. It sends nothing and
// writes nothing but the rollups, which it refreshes up to min(To, now). A bad range or step
// is engine.ErrRange or engine.ErrStep, checked before any refresh.
func Compare(ctx context.Context, eng *engine.Engine, cfg *slo.Config, opts Options, sets ...RuleSet) ([]Report, error) {
	if opts.From.IsZero() || opts.To.IsZero() || opts.To.Before(opts.From) {
		return nil, fmt.Errorf("replay: %w: from %s to %s", engine.ErrRange, opts.From, opts.To)
	}
	if opts.Step < time.Minute || opts.Step%time.Minute != 0 {
		return nil, fmt.Errorf("replay: %w: %s is not a whole number of minutes", engine.ErrStep, opts.Step)
	}
	reps := make([]Report, len(sets))
	for i, set := range sets {
		reps[i] = Report{RuleSet: set.name(), From: opts.From.UTC(), To: opts.To.UTC(), Step: slo.FormatWindow(opts.Step),
			SLOs: []SLOReplay{}, Transitions: []Transition{}, Notifications: []Notification{}, Incidents: []Incident{}}
	}
	refreshTo := opts.To
	if now := time.Now(); now.Before(refreshTo) {
		refreshTo = now
	}
	for _, s := range cfg.SLOs() {
		var rs []*replayer
		for i, set := range sets {
			if rules := set.rulesFor(cfg, s); len(rules) > 0 {
				rs = append(rs, &replayer{s: s, rules: rules, rep: &reps[i]})
			}
		}
		if len(rs) == 0 {
			continue
		}
		if err := eng.Refresh(ctx, s, refreshTo); err != nil {
			return nil, err
		}
		if err := replaySLO(ctx, eng, s, rs, opts.From, opts.To, opts.Step); err != nil {
			return nil, err
		}
		for _, r := range rs {
			r.rep.SLOs = append(r.rep.SLOs, sloReplay(s, r.rules))
		}
	}
	return reps, nil
}

// replayer replays one SLO with one rule set, carrying its alerts and open incident from
// step to step.
type replayer struct {
	s      slo.SLO
	rules  []slo.Rule
	rep    *Report
	alerts []alerting.Alert
	open   *incident.Incident
	// current is the index in rep.Incidents of the open incident.
	current int
}

// replaySLO replays [from, to] of s in Series calls of at most engine.MaxSeriesPoints
// points, over the windows of every replayer's rules, stepping every replayer over each
// point.
func replaySLO(ctx context.Context, eng *engine.Engine, s slo.SLO, rs []*replayer, from, to time.Time, step time.Duration) error {
	var rules []slo.Rule
	for _, r := range rs {
		rules = append(rules, r.rules...)
	}
	windows := alerting.Windows(rules)
	span := time.Duration(engine.MaxSeriesPoints-1) * step
	for start := from; !start.After(to); {
		end := start.Add(span)
		if end.After(to) {
			end = to
		}
		points, err := eng.Series(ctx, s, start, end, step, windows)
		if err != nil {
			return err
		}
		if len(points) == 0 {
			return nil
		}
		for _, p := range points {
			obs := alerting.Observation{At: p.At, Burn: p.BurnCounts, BudgetRemaining: p.BudgetRemaining}
			for _, r := range rs {
				r.step(obs)
			}
		}
		for _, r := range rs {
			r.rep.Points += len(points)
		}
		start = points[len(points)-1].At.Add(step)
	}
	return nil
}

// step is one detector cycle of the SLO at obs.At.
func (r *replayer) step(obs alerting.Observation) {
	out := detector.Evaluate(r.s, r.rules, r.alerts, obs)
	r.alerts = out.Alerts
	for _, t := range out.Transitions {
		r.rep.Transitions = append(r.rep.Transitions, Transition{
			At: t.At, Service: r.s.Service, SLO: r.s.Name, Rule: t.Alert.Rule, Severity: t.Alert.Severity,
			State: string(t.Kind), Notify: t.Notify,
		})
	}
	for _, t := range out.Notifying() {
		for _, ch := range t.Alert.Channels {
			r.rep.Notifications = append(r.rep.Notifications, Notification{
				At: t.At, Service: r.s.Service, SLO: r.s.Name, Rule: t.Alert.Rule, Severity: t.Alert.Severity,
				Kind: string(t.Kind), Channel: ch, DedupKey: t.DedupKey(),
			})
		}
	}
	if len(out.Events) == 0 {
		return
	}
	dec := incident.Decide(r.open, out.Events, obs.At)
	switch dec.Action {
	case incident.ActionOpen:
		r.rep.Incidents = append(r.rep.Incidents, Incident{})
		r.current = len(r.rep.Incidents) - 1
	case incident.ActionNone:
		return
	}
	r.rep.Incidents[r.current] = incidentOf(r.s, dec.Incident)
	r.open = dec.Incident
	if dec.Action == incident.ActionResolve {
		r.open = nil
	}
}

// incidentOf is the report's view of an incident.
func incidentOf(s slo.SLO, in *incident.Incident) Incident {
	out := Incident{Service: s.Service, SLO: s.Name, Severity: in.Severity, OpenedAt: in.OpenedAt,
		ResolvedAt: in.ResolvedAt, Alerts: make([]string, 0, len(in.Alerts)), Timeline: make([]IncidentEvent, 0, len(in.Timeline))}
	for _, a := range in.Alerts {
		out.Alerts = append(out.Alerts, a.Rule)
	}
	for _, e := range in.Timeline {
		out.Timeline = append(out.Timeline, IncidentEvent{At: e.At, Event: string(e.Kind), Severity: e.Severity,
			Alert: e.AlertID, Detail: e.Detail})
	}
	return out
}

// sloReplay describes a replayed SLO and its rules.
func sloReplay(s slo.SLO, rules []slo.Rule) SLOReplay {
	out := SLOReplay{Service: s.Service, SLO: s.Name, Type: s.Type, Journey: s.Journey, Rules: make([]RuleReplay, 0, len(rules))}
	if s.Type != slo.UserJourney {
		out.LogService = s.LogService
	}
	for _, r := range rules {
		tol := r.Long
		if r.Kind == slo.KindBudgetRemaining {
			tol = s.Window
		}
		out.Rules = append(out.Rules, RuleReplay{Name: r.Name, Kind: r.Kind, Severity: r.Severity, Tolerance: Duration(tol)})
	}
	return out
}
