package slo

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// sloKeys are the keys of one SLO.
var sloKeys = []string{"target", "window", "sli_type", "percentile", "journey_name", "alert_rules", "filters", "description"}

// namePattern is what service, SLO and rule names may look like: they appear in IDs
// ("service/slo"), labels and URLs.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

const nameRule = "names may contain only letters, digits, '_', '-' and '.', and may not start with '-' or '.'"

// services reads `services:`; services without a valid SLO are left out of cfg.
func (p *parser) services(e YAMLEntry, cfg *Config) {
	ents, ok := p.entries(e.Val, e.Path, "a mapping of services to their SLOs")
	if !ok {
		return
	}
	if len(ents) == 0 {
		p.warnf(e.Key, e.Path, "no services defined")
	}
	for _, se := range ents {
		if svc, ok := p.service(se, cfg); ok && len(svc.SLOs) > 0 {
			cfg.Services = append(cfg.Services, svc)
		}
	}
}

// service reads one service: an optional log_name and its SLOs. A problem with the service
// itself drops all its SLOs; a problem with one SLO drops only that SLO.
func (p *parser) service(se YAMLEntry, cfg *Config) (Service, bool) {
	svc := Service{Name: se.Name, LogName: se.Name}
	before := p.errors
	if !namePattern.MatchString(se.Name) {
		p.Errorf(se.Key, se.Path, "invalid service name: %s", nameRule)
	}
	ents, ok := p.entries(se.Val, se.Path, "a mapping of SLO names to SLOs (and an optional log_name)")
	if !ok {
		return svc, false
	}
	var slos []YAMLEntry
	for _, x := range ents {
		switch {
		case x.Name == "log_name":
			if s, ok := p.Str(x); ok {
				svc.LogName = s
			}
		case x.Val != nil && x.Val.Kind == yaml.ScalarNode && !isNull(x.Val) && didYouMean(x.Name, []string{"log_name"}) != "":
			// A misspelt log_name would send every SLO of the service to the wrong log rows.
			p.Errorf(x.Key, x.Path, "unknown key;%s", didYouMean(x.Name, []string{"log_name"}))
		default:
			slos = append(slos, x)
		}
	}
	serviceOK := p.errors == before
	if len(slos) == 0 {
		p.warnf(se.Key, se.Path, "no SLOs defined")
	}
	for _, x := range slos {
		if s, ok := p.slo(svc, x, cfg); ok {
			svc.SLOs = append(svc.SLOs, s)
		}
	}
	return svc, serviceOK
}

// slo reads one SLO; ok is false when it has any error.
func (p *parser) slo(svc Service, e YAMLEntry, cfg *Config) (SLO, bool) {
	before := p.errors
	s := SLO{Service: svc.Name, LogService: svc.LogName, Name: e.Name}
	if !namePattern.MatchString(e.Name) {
		p.Errorf(e.Key, e.Path, "invalid SLO name: %s", nameRule)
	}
	f, ok := p.Fields(e.Val, e.Path, "a mapping (an SLO with target, window and sli_type)", sloKeys, nil)
	if !ok {
		return s, false
	}
	typeOK := false
	if te, ok := p.required(f, e, "sli_type", "one of "+strings.Join(sliTypes, ", ")); ok {
		var t string
		t, typeOK = p.oneOf(te, sliTypes)
		s.Type = SLIType(t)
	}
	if we, ok := p.required(f, e, "window", "the SLO period, e.g. 30d"); ok {
		s.WindowText, s.Window, _ = p.Window(we, false)
	}
	p.target(f, e, &s, typeOK)
	if typeOK {
		p.journeyName(f, e, &s, svc)
	}
	if fe, ok := Present(f, "filters"); ok {
		s.Filters = p.filters(fe)
	}
	if de, ok := Present(f, "description"); ok {
		s.Description, _ = p.Str(de)
	}
	ruleEntries := p.alertRules(f, &s, cfg)
	if p.errors != before {
		return s, false
	}
	p.checkRules(e, &s, ruleEntries, cfg)
	return s, true
}

// required returns the key of f, or reports it missing at the parent's key.
func (p *parser) required(f map[string]YAMLEntry, parent YAMLEntry, key, want string) (YAMLEntry, bool) {
	if e, ok := Present(f, key); ok {
		return e, true
	}
	n := parent.Key
	if e, ok := f[key]; ok {
		n = e.Key
	}
	p.Errorf(n, child(parent.Path, key), "required: %s", want)
	return YAMLEntry{}, false
}

// target reads target (and percentile for latency): a percentage for success_rate and
// user_journey, a threshold in milliseconds for latency.
func (p *parser) target(f map[string]YAMLEntry, e YAMLEntry, s *SLO, typeOK bool) {
	te, hasTarget := p.required(f, e, "target", "a percentage such as 99.9 (latency: a threshold in ms)")
	pe, hasPercentile := Present(f, "percentile")
	if !typeOK { // still report a target that is not a number at all
		if hasTarget {
			p.Number(te)
		}
		return
	}
	if s.Type != Latency && hasPercentile {
		p.Errorf(pe.Key, pe.Path, "applies only to sli_type latency")
	}
	if s.Type == Latency {
		if !hasPercentile {
			pe, hasPercentile = p.required(f, e, "percentile", "the share of requests within the threshold, e.g. 95")
		}
		if hasPercentile {
			if v, ok := p.percent(pe); ok {
				s.Objective = percentToRatio(v)
			}
		}
	}
	if !hasTarget {
		return
	}
	v, ok := p.Number(te)
	if !ok {
		return
	}
	if s.Type == Latency {
		if v <= 0 {
			p.Errorf(te.Val, te.Path, "must be > 0 (the latency threshold in milliseconds)%s", Got(te))
			return
		}
		s.ThresholdMS = v
		return
	}
	if v, ok := p.percent(te); ok {
		s.Objective = percentToRatio(v)
	}
}

// percent reads a percentage in (0, 100) exclusive, warning when it looks like a ratio.
func (p *parser) percent(e YAMLEntry) (float64, bool) {
	v, ok := p.Number(e)
	if !ok {
		return 0, false
	}
	if v <= 0 || v >= 100 {
		p.Errorf(e.Val, e.Path, "must be a percentage between 0 and 100 (exclusive), e.g. 99.9%s", Got(e))
		return 0, false
	}
	if v <= 1 {
		p.warnf(e.Val, e.Path, "is a percentage: %s means %s %%, not %s %%; write %s for that", fmtNum(v), fmtNum(v), fmtNum(v*100), fmtNum(v*100))
	}
	return v, true
}

// journeyName reads journey_name, which only user_journey SLOs take.
func (p *parser) journeyName(f map[string]YAMLEntry, e YAMLEntry, s *SLO, svc Service) {
	je, ok := Present(f, "journey_name")
	if s.Type != UserJourney {
		if ok {
			p.Errorf(je.Key, je.Path, "applies only to sli_type user_journey")
		}
		return
	}
	if !ok {
		s.Journey = svc.Name
		p.warnf(e.Key, child(e.Path, "journey_name"), "not set; using the service name %q as the journey name", svc.Name)
		return
	}
	name, ok := p.Str(je)
	if !ok {
		return
	}
	s.Journey = name
	if p.badJourneys[name] {
		p.Errorf(je.Val, je.Path, "journey %q is invalid (see journeys.%s)", name, name)
	}
}

var filterKeys = []string{"column", "values"}

// filters reads `filters:`, a list of {column, values}.
func (p *parser) filters(e YAMLEntry) []Filter {
	items, ok := p.List(e)
	if !ok {
		return nil
	}
	var out []Filter
	for _, it := range items {
		f, ok := p.Fields(it.Val, it.Path, "a mapping with column and values", filterKeys, nil)
		if !ok {
			continue
		}
		var flt Filter
		if ce, ok := p.required(f, it, "column", "a column of the SLO's log table"); ok {
			if col, ok := p.Str(ce); ok {
				if msg := checkIdentifier(col, false); msg != "" {
					p.Errorf(ce.Val, ce.Path, "%s", msg)
				}
				flt.Column = col
			}
		}
		if ve, ok := p.required(f, it, "values", "a list of values to match"); ok {
			if vals, ok := p.strList(ve); ok {
				if len(vals) == 0 {
					p.Errorf(ve.Val, ve.Path, "must list at least one value")
				}
				flt.Values = vals
			}
		}
		out = append(out, flt)
	}
	return out
}

// alertRules reads the SLO's alert_rules (DefaultRuleNames when absent) and returns the
// entries of the names kept, nil when defaulted.
func (p *parser) alertRules(f map[string]YAMLEntry, s *SLO, cfg *Config) []YAMLEntry {
	ae, ok := Present(f, "alert_rules")
	if !ok {
		for _, name := range DefaultRuleNames {
			if _, ok := cfg.Rules[name]; ok { // an invalid override was reported and dropped
				s.AlertRules = append(s.AlertRules, name)
			}
		}
		return nil
	}
	items, ok := p.List(ae)
	if !ok {
		return nil
	}
	s.AlertRules = []string{}
	var kept []YAMLEntry
	for _, it := range items {
		name, ok := p.Str(it)
		switch {
		case !ok:
		case slices.Contains(s.AlertRules, name):
			p.warnf(it.Val, it.Path, "rule %q is listed twice", name)
		case p.badRules[name]:
			p.warnf(it.Val, it.Path, "rule %q is invalid (see alert_rules.%s) and is skipped", name, name)
		case cfg.Rules[name].Name != "":
			s.AlertRules = append(s.AlertRules, name)
			kept = append(kept, it)
		default:
			known := p.ruleNames(cfg)
			p.Errorf(it.Val, it.Path, "unknown rule %q;%s known rules: %s", name, didYouMean(name, known), strings.Join(known, ", "))
		}
	}
	return kept
}

// checkRules warns about rules that can never fire for the SLO, or whose long window is
// longer than its period.
func (p *parser) checkRules(e YAMLEntry, s *SLO, items []YAMLEntry, cfg *Config) {
	for i, name := range s.AlertRules {
		r := cfg.Rules[name]
		node, path := e.Key, e.Path
		if items != nil {
			node, path = items[i].Val, items[i].Path
		}
		if !r.CanFire(s.Objective, s.Window) {
			p.warnf(node, path, "rule %q can never fire: it needs a burn rate above %sx, but at a %s %% objective a full outage burns at %sx",
				name, fmtRate(r.Threshold(s.Window)), fmtNum(s.Objective*100), fmtRate(MaxBurnRate(s.Objective)))
		}
		if r.Kind == KindBurnRate && r.Long > s.Window {
			p.warnf(node, path, "rule %q looks back %s, longer than the SLO window %s", name, FormatWindow(r.Long), FormatWindow(s.Window))
		}
	}
}

// fmtNum formats a number for messages with at most 6 significant digits: 99.95, 90, 0.999.
func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// fmtRate formats a burn rate with 4 significant digits: 14.4, 0.9333, 3.333, 1000.
func fmtRate(x float64) string {
	if x >= 1000 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}
