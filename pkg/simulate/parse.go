package simulate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

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
	if root, ok := p.decode(data); ok {
		p.document(root, sc)
	}
	if len(p.diags) == 0 {
		return sc, nil
	}
	errs := make([]error, len(p.diags))
	for i, d := range p.diags {
		sep := ": "
		if d.Line > 0 {
			sep = ":"
		}
		errs[i] = errors.New(source + sep + d.String())
	}
	return nil, errors.Join(errs...)
}

// yamlErrLine matches the position yaml.v3 puts in its syntax errors.
var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decode parses the one YAML document of data.
func (p *parser) decode(data []byte) (*yaml.Node, bool) {
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	switch {
	case errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0):
		p.errorf(nil, "(document)", "empty scenario; want a mapping with services and/or journeys")
		return nil, false
	case err != nil:
		d := slo.Diagnostic{Severity: slo.SeverityError, Path: "(document)", Message: "not valid YAML: " + err.Error()}
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			d.Line, _ = strconv.Atoi(m[1])
			d.Message = "not valid YAML: " + m[2]
		}
		p.diags = append(p.diags, d)
		return nil, false
	}
	return doc.Content[0], true
}

func (p *parser) document(root *yaml.Node, sc *Scenario) {
	top, ok := p.mapping(root, "", topKeys)
	if !ok {
		return
	}
	if f, ok := has(top, "start"); ok {
		sc.Start, _ = p.instant(f)
	}
	if f, ok := has(top, "duration"); ok {
		sc.Duration, _ = p.duration(f, false)
	}
	f, hasServices := has(top, "services")
	if hasServices {
		p.services(f, sc)
	}
	g, hasJourneys := has(top, "journeys")
	if hasJourneys {
		p.journeys(g, sc)
	}
	switch {
	case !hasServices && !hasJourneys:
		p.errorf(root, "services", "required: services and/or journeys, else the scenario makes no traffic")
	case len(sc.Services)+len(sc.Journeys) == 0 && len(p.diags) == 0:
		p.errorf(root, "services", "no services or journeys defined: the scenario makes no traffic")
	}
	if f, ok := has(top, "incidents"); ok {
		p.incidents(f, sc)
	}
}

func (p *parser) services(f field, sc *Scenario) {
	items, ok := p.list(f)
	if !ok {
		return
	}
	seen := map[string]int{}
	for _, it := range items {
		m, ok := p.mapping(it.val, it.path, serviceKeys)
		if !ok {
			continue
		}
		var s Service
		s.Name = p.name(m, it, seen)
		if e, ok := has(m, "endpoints"); ok {
			if eps, ok := p.list(e); ok {
				for _, ep := range eps {
					if v, ok := p.str(ep); ok {
						s.Endpoints = append(s.Endpoints, v)
					}
				}
			}
		}
		s.RatePerMinute = p.rate(m, it)
		s.Seasonality = p.seasonality(m)
		if e, ok := has(m, "error_ratio"); ok {
			s.ErrorRatio, _ = p.within(e, 0, 1, true, "in [0, 1)")
		}
		if e, ok := has(m, "client_error_ratio"); ok {
			if s.ClientErrorRatio, ok = p.within(e, 0, 1, true, "in [0, 1)"); ok && s.ErrorRatio+s.ClientErrorRatio >= 1 {
				p.errorf(e.val, e.path, "error_ratio + client_error_ratio must be < 1, got %g", s.ErrorRatio+s.ClientErrorRatio)
			}
		}
		if e, ok := p.required(m, it.val, it.path, "latency", "{p50_ms: N, p95_ms: N}"); ok {
			if lm, ok := p.mapping(e.val, e.path, latencyKeys); ok {
				s.Latency = p.latency(lm, e)
			}
		}
		sc.Services = append(sc.Services, s)
	}
}

// name reads a required, unique name.
func (p *parser) name(m map[string]field, it field, seen map[string]int) string {
	f, ok := p.required(m, it.val, it.path, "name", "a name")
	if !ok {
		return ""
	}
	n, ok := p.str(f)
	if !ok {
		return ""
	}
	if line, dup := seen[n]; dup {
		p.errorf(f.val, f.path, "duplicate name %q (first at line %d)", n, line)
	}
	seen[n] = f.val.Line
	return n
}

func (p *parser) rate(m map[string]field, it field) float64 {
	f, ok := p.required(m, it.val, it.path, "rate_per_minute", "the mean rate per minute, e.g. 600")
	if !ok {
		return 0
	}
	r, _ := p.positive(f, maxRatePerMinute)
	return r
}

func (p *parser) seasonality(m map[string]field) Seasonality {
	var s Seasonality
	if f, ok := has(m, "daily_amplitude"); ok {
		s.DailyAmplitude, _ = p.within(f, 0, 1, false, "in [0, 1]")
	}
	if f, ok := has(m, "weekly_amplitude"); ok {
		s.WeeklyAmplitude, _ = p.within(f, 0, 1, false, "in [0, 1]")
	}
	return s
}

// latency reads p50_ms and p95_ms (both required, p95 >= p50) from m, the mapping at f.
func (p *parser) latency(m map[string]field, f field) Latency {
	var l Latency
	if e, ok := p.required(m, f.val, f.path, "p50_ms", "the median in milliseconds"); ok {
		l.P50MS, _ = p.positive(e, maxLatencyMS)
	}
	if e, ok := p.required(m, f.val, f.path, "p95_ms", "the 95th percentile in milliseconds"); ok {
		if l.P95MS, ok = p.positive(e, maxLatencyMS); ok && l.P50MS > 0 && l.P95MS < l.P50MS {
			p.errorf(e.val, e.path, "must be >= p50_ms (%g), got %s", l.P50MS, e.val.Value)
		}
	}
	return l
}

func (p *parser) journeys(f field, sc *Scenario) {
	items, ok := p.list(f)
	if !ok {
		return
	}
	seen := map[string]int{}
	for _, it := range items {
		m, ok := p.mapping(it.val, it.path, journeyKeys)
		if !ok {
			continue
		}
		j := Journey{Name: p.name(m, it, seen), RatePerMinute: p.rate(m, it), Seasonality: p.seasonality(m)}
		if sf, ok := p.required(m, it.val, it.path, "steps", "a list of steps with name, failure_ratio, p50_ms and p95_ms"); ok {
			j.Steps = p.steps(sf)
		}
		sc.Journeys = append(sc.Journeys, j)
	}
}

func (p *parser) steps(f field) []Step {
	items, ok := p.list(f)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.errorf(f.val, f.path, "must list at least one step")
	}
	var steps []Step
	seen := map[string]int{}
	for _, it := range items {
		m, ok := p.mapping(it.val, it.path, stepKeys)
		if !ok {
			continue
		}
		s := Step{Name: p.name(m, it, seen), Latency: p.latency(m, it)}
		if e, ok := has(m, "failure_ratio"); ok {
			s.FailureRatio, _ = p.within(e, 0, 1, true, "in [0, 1)")
		}
		steps = append(steps, s)
	}
	return steps
}
