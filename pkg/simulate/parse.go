package simulate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/sloguard/sloguard/pkg/slo"
)

// Limits that keep a scenario's traffic within what a database can take.
const (
	maxRatePerMinute = 1_000_000
	maxLatencyMS     = 3_600_000
	maxMultiplier    = 1000
)

var (
	topKeys      = []string{"start", "duration", "services", "journeys", "incidents"}
	serviceKeys  = []string{"name", "endpoints", "rate_per_minute", "daily_amplitude", "weekly_amplitude", "error_ratio", "client_error_ratio", "latency"}
	latencyKeys  = []string{"p50_ms", "p95_ms"}
	journeyKeys  = []string{"name", "rate_per_minute", "daily_amplitude", "weekly_amplitude", "steps"}
	stepKeys     = []string{"name", "failure_ratio", "p50_ms", "p95_ms"}
	incidentKeys = []string{"name", "service", "journey", "step", "start", "at", "duration", "every", "error_ratio", "latency_multiplier", "traffic_factor"}
)

// LoadScenario reads and parses a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return ParseScenario(data, filepath.Base(path))
}

// ParseScenario parses scenario YAML (see the package documentation). Every problem is
// reported at once, one line each, as "source:line:col: path: message", e.g.
// "scenario.yaml:12:5: services[1].error_ratio: must be in [0, 1), got 1.5".
func ParseScenario(data []byte, source string) (*Scenario, error) {
	p := &parser{}
	sc := &Scenario{}
	switch root, ok := p.Decode(data); {
	case !ok:
	case root == nil:
		p.Errorf(nil, "", "empty scenario; want a mapping with services and/or journeys")
	default:
		p.Walk(func() { p.document(root, sc) })
	}
	if len(p.Diags) == 0 {
		return sc, nil
	}
	errs := make([]error, len(p.Diags))
	for i, d := range p.Diags {
		errs[i] = errors.New(d.In(source))
	}
	return nil, errors.Join(errs...)
}

func (p *parser) document(root *yaml.Node, sc *Scenario) {
	top, ok := p.mapping(root, "", topKeys)
	if !ok {
		return
	}
	if f, ok := slo.Present(top, "start"); ok {
		sc.Start, _ = p.instant(f)
	}
	if f, ok := slo.Present(top, "duration"); ok {
		sc.Duration, _ = p.duration(f, false)
	}
	f, hasServices := slo.Present(top, "services")
	if hasServices {
		p.services(f, sc)
	}
	g, hasJourneys := slo.Present(top, "journeys")
	if hasJourneys {
		p.journeys(g, sc)
	}
	switch {
	case !hasServices && !hasJourneys:
		p.Errorf(root, "services", "required: services and/or journeys, else the scenario makes no traffic")
	case len(sc.Services)+len(sc.Journeys) == 0 && len(p.Diags) == 0:
		p.Errorf(root, "services", "no services or journeys defined: the scenario makes no traffic")
	}
	if f, ok := slo.Present(top, "incidents"); ok {
		p.incidents(f, sc)
	}
}

func (p *parser) services(f slo.YAMLEntry, sc *Scenario) {
	items, ok := p.List(f)
	if !ok {
		return
	}
	seen := map[string]int{}
	for _, it := range items {
		m, ok := p.mapping(it.Val, it.Path, serviceKeys)
		if !ok {
			continue
		}
		var s Service
		s.Name = p.name(m, it, seen)
		if e, ok := slo.Present(m, "endpoints"); ok {
			if eps, ok := p.List(e); ok {
				for _, ep := range eps {
					if v, ok := p.Str(ep); ok {
						s.Endpoints = append(s.Endpoints, v)
					}
				}
			}
		}
		s.RatePerMinute = p.rate(m, it)
		s.Seasonality = p.seasonality(m)
		if e, ok := slo.Present(m, "error_ratio"); ok {
			s.ErrorRatio, _ = p.within(e, 0, 1, true, "in [0, 1)")
		}
		if e, ok := slo.Present(m, "client_error_ratio"); ok {
			if s.ClientErrorRatio, ok = p.within(e, 0, 1, true, "in [0, 1)"); ok && s.ErrorRatio+s.ClientErrorRatio >= 1 {
				p.Errorf(e.Val, e.Path, "error_ratio + client_error_ratio must be < 1, got %g", s.ErrorRatio+s.ClientErrorRatio)
			}
		}
		if e, ok := p.required(m, it.Val, it.Path, "latency", "{p50_ms: N, p95_ms: N}"); ok {
			if lm, ok := p.mapping(e.Val, e.Path, latencyKeys); ok {
				s.Latency = p.latency(lm, e)
			}
		}
		sc.Services = append(sc.Services, s)
	}
}

// name reads a required, unique name.
func (p *parser) name(m map[string]slo.YAMLEntry, it slo.YAMLEntry, seen map[string]int) string {
	f, ok := p.required(m, it.Val, it.Path, "name", "a name")
	if !ok {
		return ""
	}
	n, ok := p.Str(f)
	if !ok {
		return ""
	}
	if line, dup := seen[n]; dup {
		p.Errorf(f.Val, f.Path, "duplicate name %q (first at line %d)", n, line)
	}
	seen[n] = f.Val.Line
	return n
}

func (p *parser) rate(m map[string]slo.YAMLEntry, it slo.YAMLEntry) float64 {
	f, ok := p.required(m, it.Val, it.Path, "rate_per_minute", "the mean rate per minute, e.g. 600")
	if !ok {
		return 0
	}
	r, _ := p.positive(f, maxRatePerMinute)
	return r
}

func (p *parser) seasonality(m map[string]slo.YAMLEntry) Seasonality {
	var s Seasonality
	if f, ok := slo.Present(m, "daily_amplitude"); ok {
		s.DailyAmplitude, _ = p.within(f, 0, 1, false, "in [0, 1]")
	}
	if f, ok := slo.Present(m, "weekly_amplitude"); ok {
		s.WeeklyAmplitude, _ = p.within(f, 0, 1, false, "in [0, 1]")
	}
	return s
}

// latency reads p50_ms and p95_ms (both required, p95 >= p50) from m, the mapping at f.
func (p *parser) latency(m map[string]slo.YAMLEntry, f slo.YAMLEntry) Latency {
	var l Latency
	if e, ok := p.required(m, f.Val, f.Path, "p50_ms", "the median in milliseconds"); ok {
		l.P50MS, _ = p.positive(e, maxLatencyMS)
	}
	if e, ok := p.required(m, f.Val, f.Path, "p95_ms", "the 95th percentile in milliseconds"); ok {
		if l.P95MS, ok = p.positive(e, maxLatencyMS); ok && l.P50MS > 0 && l.P95MS < l.P50MS {
			p.Errorf(e.Val, e.Path, "must be >= p50_ms (%g), got %s", l.P50MS, e.Val.Value)
		}
	}
	return l
}

func (p *parser) journeys(f slo.YAMLEntry, sc *Scenario) {
	items, ok := p.List(f)
	if !ok {
		return
	}
	seen := map[string]int{}
	for _, it := range items {
		m, ok := p.mapping(it.Val, it.Path, journeyKeys)
		if !ok {
			continue
		}
		j := Journey{Name: p.name(m, it, seen), RatePerMinute: p.rate(m, it), Seasonality: p.seasonality(m)}
		if sf, ok := p.required(m, it.Val, it.Path, "steps", "a list of steps with name, failure_ratio, p50_ms and p95_ms"); ok {
			j.Steps = p.steps(sf)
		}
		sc.Journeys = append(sc.Journeys, j)
	}
}

func (p *parser) steps(f slo.YAMLEntry) []Step {
	items, ok := p.List(f)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.Errorf(f.Val, f.Path, "must list at least one step")
	}
	var steps []Step
	seen := map[string]int{}
	for _, it := range items {
		m, ok := p.mapping(it.Val, it.Path, stepKeys)
		if !ok {
			continue
		}
		s := Step{Name: p.name(m, it, seen), Latency: p.latency(m, it)}
		if e, ok := slo.Present(m, "failure_ratio"); ok {
			s.FailureRatio, _ = p.within(e, 0, 1, true, "in [0, 1)")
		}
		steps = append(steps, s)
	}
	return steps
}
