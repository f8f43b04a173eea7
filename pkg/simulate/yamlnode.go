package simulate

import (
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sloguard/sloguard/pkg/slo"
)

// parser walks the nodes of one scenario with the SLO config's YAML reader (aliases and
// merge keys within a size budget, every problem with its path and position), adding the
// scenario's own kinds of values.
type parser struct {
	slo.YAMLReader
}

// mapping reads a mapping whose keys must be among allowed (unknown and duplicate keys are
// reported); null values count as absent (slo.Present).
func (p *parser) mapping(n *yaml.Node, path string, allowed []string) (map[string]slo.YAMLEntry, bool) {
	return p.Fields(n, path, "a mapping with keys "+strings.Join(allowed, ", "), allowed, nil)
}

// required returns the key's entry, or reports it missing at the parent node.
func (p *parser) required(m map[string]slo.YAMLEntry, parent *yaml.Node, path, key, want string) (slo.YAMLEntry, bool) {
	if e, ok := slo.Present(m, key); ok {
		return e, true
	}
	p.Errorf(parent, path+"."+key, "required: %s", want)
	return slo.YAMLEntry{}, false
}

// within reads a number in [lo, hi] (hiOpen: [lo, hi)); want describes the range.
func (p *parser) within(e slo.YAMLEntry, lo, hi float64, hiOpen bool, want string) (float64, bool) {
	x, ok := p.Number(e)
	if !ok {
		return 0, false
	}
	if x < lo || x > hi || (hiOpen && x == hi) {
		p.Errorf(e.Val, e.Path, "must be %s, got %s", want, e.Val.Value)
		return 0, false
	}
	return x, true
}

// positive reads a number > 0 and at most limit.
func (p *parser) positive(e slo.YAMLEntry, limit float64) (float64, bool) {
	x, ok := p.Number(e)
	if !ok {
		return 0, false
	}
	if x <= 0 || x > limit {
		p.Errorf(e.Val, e.Path, "must be > 0 and at most %g, got %s", limit, e.Val.Value)
		return 0, false
	}
	return x, true
}

// duration reads a span in slo.ParseWindow's syntax (30m, 2h, 1d12h); allowZero admits 0.
func (p *parser) duration(e slo.YAMLEntry, allowZero bool) (time.Duration, bool) {
	_, d, ok := p.Window(e, allowZero)
	return d, ok
}

// instant reads an RFC 3339 time.
func (p *parser) instant(e slo.YAMLEntry) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, e.Val.Value)
	if e.Val.Kind != yaml.ScalarNode || err != nil {
		p.Errorf(e.Val, e.Path, "must be an RFC 3339 time such as 2026-11-01T00:00:00Z%s", slo.Got(e))
		return time.Time{}, false
	}
	return t.UTC(), true
}
