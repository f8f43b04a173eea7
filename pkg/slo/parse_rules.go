package slo

import (
	"sort"
	"strings"
)

// ruleKeys are the keys of one entry of `alert_rules:`. notification_channels is the seed's
// name for channels.
var ruleKeys = []string{"type", "budget_fraction", "burn_rate", "long_window", "short_window", "for",
	"severity", "channels", "notification_channels", "min_bad_events", "remaining_below", "opens_incident", "description"}

var ruleHints = map[string]string{
	"condition": "condition strings are not supported (seed ERRATA 4); use type, budget_fraction or burn_rate, long_window, short_window and for",
}

// burnOnly and remainingOnly are the keys that apply to one rule kind only.
var (
	burnOnly      = []string{"budget_fraction", "burn_rate", "long_window", "short_window", "min_bad_events"}
	remainingOnly = []string{"remaining_below"}
)

// rules reads `alert_rules:` into cfg.Rules: an entry named like a default rule overrides the
// fields it gives; an invalid entry is reported, left out of cfg.Rules (a default one too) and
// remembered in p.badRules.
func (p *parser) rules(e YAMLEntry, cfg *Config) {
	valid, bad := p.ruleList(e)
	for _, r := range valid {
		cfg.Rules[r.Name] = r
	}
	for _, name := range bad {
		delete(cfg.Rules, name)
		p.badRules[name] = true
	}
}

// ruleList reads the rules of an `alert_rules:` mapping in file order: the valid ones, and
// the names of the invalid ones (reported).
func (p *parser) ruleList(e YAMLEntry) (valid []Rule, bad []string) {
	ents, ok := p.entries(e.Val, e.Path, "a mapping of rule names to rules")
	if !ok {
		return nil, nil
	}
	defaults := DefaultRules()
	for _, re := range ents {
		base, isDefault := defaults[re.Name]
		if r, ok := p.rule(re, base, isDefault); ok {
			valid = append(valid, r)
		} else {
			bad = append(bad, re.Name)
		}
	}
	return valid, bad
}

// rule reads one rule over base (the default of that name, or the zero Rule).
func (p *parser) rule(e YAMLEntry, r Rule, isDefault bool) (Rule, bool) {
	before := p.errors
	r.Name = e.Name
	if !namePattern.MatchString(e.Name) {
		p.Errorf(e.Key, e.Path, "invalid rule name: %s", nameRule)
	}
	f, ok := p.Fields(e.Val, e.Path, "a mapping (a rule with type, severity, and budget_fraction or burn_rate and long_window)", ruleKeys, ruleHints)
	if !ok {
		return r, false
	}
	if te, ok := Present(f, "type"); ok {
		if k, ok := p.oneOf(te, ruleKinds); ok && isDefault && RuleKind(k) != r.Kind {
			p.Errorf(te.Val, te.Path, "built-in rule %q is of type %s; give a rule of type %s another name", e.Name, r.Kind, k)
		} else if ok {
			r.Kind = RuleKind(k)
		}
	} else if !isDefault {
		p.required(f, e, "type", "burn_rate or budget_remaining")
	}
	p.ruleThreshold(f, &r)
	p.ruleWindows(f, &r)
	if se, ok := Present(f, "severity"); ok {
		r.Severity, _ = p.oneOf(se, alertSeverities)
	} else if !isDefault {
		p.required(f, e, "severity", "one of "+strings.Join(alertSeverities, ", "))
	}
	p.ruleChannels(f, &r)
	if me, ok := Present(f, "min_bad_events"); ok {
		if v, ok := p.integer(me); ok && v < 0 {
			p.Errorf(me.Val, me.Path, "must be >= 0%s", Got(me))
		} else if ok {
			r.MinBadEvents = v
		}
	}
	if re, ok := Present(f, "remaining_below"); ok {
		if v, ok := p.Number(re); ok && (v <= 0 || v > 1) {
			p.Errorf(re.Val, re.Path, "must be a fraction of the budget in (0, 1], e.g. 0.10 for 10 %%%s", Got(re))
		} else if ok {
			r.RemainingBelow = v
		}
	}
	if oe, ok := Present(f, "opens_incident"); ok {
		r.OpensIncident, _ = p.boolean(oe)
	}
	if de, ok := Present(f, "description"); ok {
		r.Description, _ = p.Str(de)
	}
	p.checkRuleKind(f, e, r)
	return r, p.errors == before
}

// ruleThreshold reads budget_fraction or burn_rate.
func (p *parser) ruleThreshold(f map[string]YAMLEntry, r *Rule) {
	bf, hasBF := Present(f, "budget_fraction")
	br, hasBR := Present(f, "burn_rate")
	if hasBF && hasBR {
		p.Errorf(br.Key, br.Path, "set either budget_fraction or burn_rate, not both")
		return
	}
	if hasBF {
		if v, ok := p.Number(bf); ok && (v <= 0 || v > 1) {
			p.Errorf(bf.Val, bf.Path, "must be a fraction of the budget in (0, 1], e.g. 0.02 for 2 %%%s", Got(bf))
		} else if ok {
			r.BudgetFraction, r.BurnRate = v, 0
		}
	}
	if hasBR {
		if v, ok := p.Number(br); ok && v <= 0 {
			p.Errorf(br.Val, br.Path, "must be > 0%s", Got(br))
		} else if ok {
			r.BurnRate = v
		}
	}
}

// ruleWindows reads long_window, short_window (long/12 when a new long window comes without
// one) and for.
func (p *parser) ruleWindows(f map[string]YAMLEntry, r *Rule) {
	_, hasShort := Present(f, "short_window")
	if le, ok := Present(f, "long_window"); ok {
		if _, d, ok := p.Window(le, false); ok {
			r.Long = d
			if !hasShort {
				r.Short = d / shortWindowDivisor
			}
		}
	}
	if se, ok := Present(f, "short_window"); ok {
		if _, d, ok := p.Window(se, false); ok {
			r.Short = d
		}
	}
	if fe, ok := Present(f, "for"); ok {
		if _, d, ok := p.Window(fe, true); ok {
			r.For = d
		}
	}
}

// ruleChannels reads channels (or the seed's notification_channels).
func (p *parser) ruleChannels(f map[string]YAMLEntry, r *Rule) {
	ce, hasC := Present(f, "channels")
	ne, hasN := Present(f, "notification_channels")
	if hasC && hasN {
		p.Errorf(ne.Key, ne.Path, "set either channels or notification_channels, not both")
		return
	}
	if hasN {
		ce, hasC = ne, true
	}
	if !hasC {
		return
	}
	items, ok := p.List(ce)
	if !ok {
		return
	}
	r.Channels = []string{}
	for _, it := range items {
		c, ok := p.oneOf(it, channelNames)
		switch {
		case !ok:
		case contains(r.Channels, c):
			p.warnf(it.Val, it.Path, "channel %q is listed twice", c)
		default:
			r.Channels = append(r.Channels, c)
		}
	}
}

// checkRuleKind checks the merged rule against its kind: the keys given must apply to it and
// what it needs must be there.
func (p *parser) checkRuleKind(f map[string]YAMLEntry, e YAMLEntry, r Rule) {
	var wrong []string
	switch r.Kind {
	case KindBurnRate:
		wrong = remainingOnly
		if _, given := Present(f, "budget_fraction"); !given && r.BudgetFraction <= 0 && r.BurnRate <= 0 {
			if _, given := Present(f, "burn_rate"); !given {
				p.Errorf(e.Key, child(e.Path, "budget_fraction"), "required: the fraction of the budget spent when the rule fires, e.g. 0.02 (or give burn_rate)")
			}
		}
		if _, given := Present(f, "long_window"); !given && r.Long <= 0 {
			p.Errorf(e.Key, child(e.Path, "long_window"), "required: the long look-back window, e.g. 1h")
		}
		if r.Long > 0 && r.Short > r.Long {
			at, ok := f["short_window"]
			if !ok {
				at, ok = f["long_window"]
			}
			if !ok {
				at = YAMLEntry{Path: e.Path, Val: e.Key}
			}
			p.Errorf(at.Val, at.Path, "short_window (%s) must not be longer than long_window (%s); usually long/12, equal for a single-window rule", FormatWindow(r.Short), FormatWindow(r.Long))
		}
	case KindBudgetRemaining:
		wrong = burnOnly
		if _, given := Present(f, "remaining_below"); !given && r.RemainingBelow <= 0 {
			p.Errorf(e.Key, child(e.Path, "remaining_below"), "required: the remaining budget fraction below which the rule fires, e.g. 0.10")
		}
	}
	for _, k := range wrong {
		if ke, ok := Present(f, k); ok {
			p.Errorf(ke.Key, ke.Path, "does not apply to rules of type %s", r.Kind)
		}
	}
}

// ruleNames lists every rule name, valid or not, sorted.
func (p *parser) ruleNames(cfg *Config) []string {
	var out []string
	for name := range cfg.Rules {
		out = append(out, name)
	}
	for name := range p.badRules {
		if _, ok := cfg.Rules[name]; !ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
