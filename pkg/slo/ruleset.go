package slo

// ParseRuleSet reads a rule set: a document holding only an `alert_rules:` section, written
// and checked exactly like that section of an SLO config (a built-in rule's name overrides
// only the fields given). It returns the valid rules in file order and every problem with
// its path and position; rules is empty when any rule is invalid, so that a partial rule set
// is never used by mistake. A backtest replays every SLO with a rule set to compare it with
// the SLOs' own rules.
func ParseRuleSet(data []byte) (rules []Rule, diags Diagnostics) {
	defer func() {
		if r := recover(); r != nil {
			rules, diags = nil, internalError(r)
		}
	}()
	p := &parser{badRules: map[string]bool{}, badJourneys: map[string]bool{}}
	root, ok := p.Decode(data)
	if !ok {
		return nil, p.finish()
	}
	if isNull(root) {
		p.Errorf(nil, docPath, "empty document; want a mapping with an alert_rules key")
		return nil, p.finish()
	}
	p.Walk(func() {
		top, ok := p.Fields(root, "", "a mapping with an alert_rules key", []string{"alert_rules"}, nil)
		if !ok {
			return
		}
		e, ok := Present(top, "alert_rules")
		if !ok {
			p.Errorf(root, "alert_rules", "required: a mapping of rule names to rules")
			return
		}
		rules, _ = p.ruleList(e)
		if len(rules) == 0 && p.errors == 0 {
			p.Errorf(e.Val, e.Path, "a rule set needs at least one rule")
		}
	})
	if p.errors > 0 {
		rules = nil
	}
	return rules, p.finish()
}
