package simulate

import (
	"slices"

	"github.com/sloguard/sloguard/pkg/slo"
)

// incidents reads `incidents:`; services and journeys are read first so that references can
// be checked.
func (p *parser) incidents(f slo.YAMLEntry, sc *Scenario) {
	items, ok := p.List(f)
	if !ok {
		return
	}
	for _, it := range items {
		m, ok := p.mapping(it.Val, it.Path, incidentKeys)
		if !ok {
			continue
		}
		in := Incident{LatencyMultiplier: 1, TrafficFactor: 1}
		if e, ok := p.required(m, it.Val, it.Path, "name", "a name for the label"); ok {
			in.Name, _ = p.Str(e)
		}
		p.target(m, it, sc, &in)
		p.when(m, it, &in)
		p.effects(m, it, &in)
		sc.Incidents = append(sc.Incidents, in)
	}
}

// target reads service, or journey and step, checking that they exist.
func (p *parser) target(m map[string]slo.YAMLEntry, it slo.YAMLEntry, sc *Scenario, in *Incident) {
	svc, hasSvc := slo.Present(m, "service")
	jf, hasJourney := slo.Present(m, "journey")
	sf, hasStep := slo.Present(m, "step")
	switch {
	case hasSvc && (hasJourney || hasStep):
		p.Errorf(svc.Key, svc.Path, "an incident targets a service or a journey step, not both")
	case hasSvc:
		in.Service, _ = p.Str(svc)
		if in.Service != "" && !slices.ContainsFunc(sc.Services, func(s Service) bool { return s.Name == in.Service }) {
			p.Errorf(svc.Val, svc.Path, "unknown service %q; define it under services", in.Service)
		}
	case hasJourney:
		in.Journey, _ = p.Str(jf)
		i := slices.IndexFunc(sc.Journeys, func(j Journey) bool { return j.Name == in.Journey })
		if in.Journey != "" && i < 0 {
			p.Errorf(jf.Val, jf.Path, "unknown journey %q; define it under journeys", in.Journey)
		}
		if !hasStep {
			p.Errorf(it.Val, it.Path+".step", "required: the journey step the incident disturbs")
			return
		}
		in.Step, _ = p.Str(sf)
		if i >= 0 && in.Step != "" && !slices.ContainsFunc(sc.Journeys[i].Steps, func(s Step) bool { return s.Name == in.Step }) {
			p.Errorf(sf.Val, sf.Path, "journey %q has no step %q", in.Journey, in.Step)
		}
	default:
		p.Errorf(it.Val, it.Path+".service", "required: a service, or a journey and step")
	}
}

// when reads start or at, duration and every.
func (p *parser) when(m map[string]slo.YAMLEntry, it slo.YAMLEntry, in *Incident) {
	sf, hasStart := slo.Present(m, "start")
	af, hasAt := slo.Present(m, "at")
	switch {
	case hasStart && hasAt:
		p.Errorf(af.Key, af.Path, "give start (absolute) or at (offset from the scenario start), not both")
	case hasStart:
		in.Start, _ = p.instant(sf)
	case hasAt:
		in.At, _ = p.duration(af, true)
	default:
		p.Errorf(it.Val, it.Path+".start", "required: start (RFC 3339) or at (an offset such as 50h)")
	}
	if f, ok := p.required(m, it.Val, it.Path, "duration", "how long the incident lasts, e.g. 20m"); ok {
		in.Duration, _ = p.duration(f, false)
	}
	if f, ok := slo.Present(m, "every"); ok {
		if in.Every, ok = p.duration(f, false); ok && in.Duration > 0 && in.Every < in.Duration {
			p.Errorf(f.Val, f.Path, "must be at least the duration (%s), got %s", m["duration"].Val.Value, f.Val.Value)
		}
	}
}

// effects reads error_ratio, latency_multiplier and traffic_factor; at least one is needed.
func (p *parser) effects(m map[string]slo.YAMLEntry, it slo.YAMLEntry, in *Incident) {
	found := false
	if f, ok := slo.Present(m, "error_ratio"); ok {
		if x, ok := p.Number(f); ok && (x <= 0 || x > 1) {
			p.Errorf(f.Val, f.Path, "must be in (0, 1], got %s", f.Val.Value)
		} else {
			in.ErrorRatio = x
		}
		found = true
	}
	if f, ok := slo.Present(m, "latency_multiplier"); ok {
		in.LatencyMultiplier, _ = p.positive(f, maxMultiplier)
		found = true
	}
	if f, ok := slo.Present(m, "traffic_factor"); ok {
		if in.Journey != "" {
			p.Errorf(f.Key, f.Path, "applies only to service incidents")
		}
		in.TrafficFactor, _ = p.within(f, 0, maxMultiplier, false, "in [0, 1000]")
		found = true
	}
	if !found {
		p.Errorf(it.Val, it.Path, "needs an effect: error_ratio, latency_multiplier and/or traffic_factor")
	}
}
