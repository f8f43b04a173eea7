package simulate

import (
	"slices"
)

// incidents reads `incidents:`; services and journeys are read first so that references can
// be checked.
func (p *parser) incidents(f field, sc *Scenario) {
	items, ok := p.list(f)
	if !ok {
		return
	}
	for _, it := range items {
		m, ok := p.mapping(it.val, it.path, incidentKeys)
		if !ok {
			continue
		}
		in := Incident{LatencyMultiplier: 1, TrafficFactor: 1}
		if e, ok := p.required(m, it.val, it.path, "name", "a name for the label"); ok {
			in.Name, _ = p.str(e)
		}
		p.target(m, it, sc, &in)
		p.when(m, it, &in)
		p.effects(m, it, &in)
		sc.Incidents = append(sc.Incidents, in)
	}
}

// target reads service, or journey and step, checking that they exist.
func (p *parser) target(m map[string]field, it field, sc *Scenario, in *Incident) {
	svc, hasSvc := has(m, "service")
	jf, hasJourney := has(m, "journey")
	sf, hasStep := has(m, "step")
	switch {
	case hasSvc && (hasJourney || hasStep):
		p.errorf(svc.key, svc.path, "an incident targets a service or a journey step, not both")
	case hasSvc:
		in.Service, _ = p.str(svc)
		if in.Service != "" && !slices.ContainsFunc(sc.Services, func(s Service) bool { return s.Name == in.Service }) {
			p.errorf(svc.val, svc.path, "unknown service %q; define it under services", in.Service)
		}
	case hasJourney:
		in.Journey, _ = p.str(jf)
		i := slices.IndexFunc(sc.Journeys, func(j Journey) bool { return j.Name == in.Journey })
		if in.Journey != "" && i < 0 {
			p.errorf(jf.val, jf.path, "unknown journey %q; define it under journeys", in.Journey)
		}
		if !hasStep {
			p.errorf(it.val, childPath(it.path, "step"), "required: the journey step the incident disturbs")
			return
		}
		in.Step, _ = p.str(sf)
		if i >= 0 && in.Step != "" && !slices.ContainsFunc(sc.Journeys[i].Steps, func(s Step) bool { return s.Name == in.Step }) {
			p.errorf(sf.val, sf.path, "journey %q has no step %q", in.Journey, in.Step)
		}
	default:
		p.errorf(it.val, childPath(it.path, "service"), "required: a service, or a journey and step")
	}
}

// when reads start or at, duration and every.
func (p *parser) when(m map[string]field, it field, in *Incident) {
	sf, hasStart := has(m, "start")
	af, hasAt := has(m, "at")
	switch {
	case hasStart && hasAt:
		p.errorf(af.key, af.path, "give start (absolute) or at (offset from the scenario start), not both")
	case hasStart:
		in.Start, _ = p.instant(sf)
	case hasAt:
		in.At, _ = p.duration(af, true)
	default:
		p.errorf(it.val, childPath(it.path, "start"), "required: start (RFC 3339) or at (an offset such as 50h)")
	}
	if f, ok := p.required(m, it.val, it.path, "duration", "how long the incident lasts, e.g. 20m"); ok {
		in.Duration, _ = p.duration(f, false)
	}
	if f, ok := has(m, "every"); ok {
		if in.Every, ok = p.duration(f, false); ok && in.Duration > 0 && in.Every < in.Duration {
			p.errorf(f.val, f.path, "must be at least the duration (%s), got %s", m["duration"].val.Value, f.val.Value)
		}
	}
}

// effects reads error_ratio, latency_multiplier and traffic_factor; at least one is needed.
func (p *parser) effects(m map[string]field, it field, in *Incident) {
	found := false
	if f, ok := has(m, "error_ratio"); ok {
		if x, ok := p.number(f); ok && (x <= 0 || x > 1) {
			p.errorf(f.val, f.path, "must be in (0, 1], got %s", f.val.Value)
		} else {
			in.ErrorRatio = x
		}
		found = true
	}
	if f, ok := has(m, "latency_multiplier"); ok {
		in.LatencyMultiplier, _ = p.positive(f, maxMultiplier)
		found = true
	}
	if f, ok := has(m, "traffic_factor"); ok {
		if in.Journey != "" {
			p.errorf(f.key, f.path, "applies only to service incidents")
		}
		in.TrafficFactor, _ = p.within(f, 0, maxMultiplier, false, "in [0, 1000]")
		found = true
	}
	if !found {
		p.errorf(it.val, it.path, "needs an effect: error_ratio, latency_multiplier and/or traffic_factor")
	}
}
