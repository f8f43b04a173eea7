package simulate

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sloguard/sloguard/pkg/slo"
)

// parser walks the yaml.v3 nodes of one scenario and collects every problem with its path
// and position, in the style of pkg/slo's parser.
type parser struct {
	diags slo.Diagnostics
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	d := slo.Diagnostic{Severity: slo.SeverityError, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		d.Line, d.Column = n.Line, n.Column
	}
	p.diags = append(p.diags, d)
}

// field is one key of a mapping: its path, key node and (alias-resolved) value node.
type field struct {
	path     string
	key, val *yaml.Node
}

func resolve(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func childPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// mapping reads a mapping whose keys must be among allowed; unknown and duplicate keys are
// reported. Null values count as absent.
func (p *parser) mapping(n *yaml.Node, path string, allowed []string) (map[string]field, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		p.errorf(n, path, "must be a mapping with keys %s, got %s", strings.Join(allowed, ", "), kindName(n))
		return nil, false
	}
	out := map[string]field{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		fp := childPath(path, k.Value)
		switch {
		case k.Kind != yaml.ScalarNode:
			p.errorf(k, path, "mapping keys must be plain strings")
		case !slices.Contains(allowed, k.Value):
			p.errorf(k, fp, "unknown key; allowed keys: %s", strings.Join(allowed, ", "))
		case out[k.Value].key != nil:
			p.errorf(k, fp, "duplicate key (first at line %d)", out[k.Value].key.Line)
		case !isNull(v):
			out[k.Value] = field{path: fp, key: k, val: v}
		default:
			out[k.Value] = field{path: fp, key: k}
		}
	}
	return out, true
}

// has returns the field with a non-null value.
func has(m map[string]field, key string) (field, bool) {
	f, ok := m[key]
	return f, ok && f.val != nil
}

// required returns the field, or reports it missing at the parent node.
func (p *parser) required(m map[string]field, parent *yaml.Node, path, key, want string) (field, bool) {
	if f, ok := has(m, key); ok {
		return f, true
	}
	p.errorf(parent, childPath(path, key), "required: %s", want)
	return field{}, false
}

func kindName(n *yaml.Node) string {
	switch {
	case isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func (p *parser) str(f field) (string, bool) {
	if f.val.Kind != yaml.ScalarNode || strings.TrimSpace(f.val.Value) == "" {
		p.errorf(f.val, f.path, "must be a non-empty string, got %s", kindName(f.val))
		return "", false
	}
	return f.val.Value, true
}

func (p *parser) number(f field) (float64, bool) {
	var x float64
	tag := f.val.ShortTag()
	if f.val.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") || f.val.Decode(&x) != nil ||
		math.IsNaN(x) || math.IsInf(x, 0) {
		p.errorf(f.val, f.path, "must be a number, got %s", kindName(f.val))
		return 0, false
	}
	return x, true
}

// within reads a number in [lo, hi] (hiOpen: [lo, hi)); want describes the range.
func (p *parser) within(f field, lo, hi float64, hiOpen bool, want string) (float64, bool) {
	x, ok := p.number(f)
	if !ok {
		return 0, false
	}
	if x < lo || x > hi || (hiOpen && x == hi) {
		p.errorf(f.val, f.path, "must be %s, got %s", want, f.val.Value)
		return 0, false
	}
	return x, true
}

// positive reads a number > 0 and at most limit.
func (p *parser) positive(f field, limit float64) (float64, bool) {
	x, ok := p.number(f)
	if !ok {
		return 0, false
	}
	if x <= 0 || x > limit {
		p.errorf(f.val, f.path, "must be > 0 and at most %g, got %s", limit, f.val.Value)
		return 0, false
	}
	return x, true
}

// duration reads a span in slo.ParseWindow's syntax (30m, 2h, 1d12h); allowZero admits 0.
func (p *parser) duration(f field, allowZero bool) (time.Duration, bool) {
	if f.val.Kind == yaml.ScalarNode && f.val.Value == "0" {
		if allowZero {
			return 0, true
		}
		p.errorf(f.val, f.path, "must be > 0")
		return 0, false
	}
	s, ok := p.str(f)
	if !ok {
		return 0, false
	}
	d, err := slo.ParseWindow(s)
	if err != nil {
		p.errorf(f.val, f.path, "%s", strings.TrimPrefix(err.Error(), fmt.Sprintf("window %q: ", s)))
		return 0, false
	}
	return d, true
}

// instant reads an RFC 3339 time.
func (p *parser) instant(f field) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, f.val.Value)
	if f.val.Kind != yaml.ScalarNode || err != nil {
		p.errorf(f.val, f.path, "must be an RFC 3339 time such as 2026-11-01T00:00:00Z, got %s", kindName(f.val))
		return time.Time{}, false
	}
	return t.UTC(), true
}

// list reads a sequence; items are fields with paths "path[i]".
func (p *parser) list(f field) ([]field, bool) {
	if f.val.Kind != yaml.SequenceNode {
		p.errorf(f.val, f.path, "must be a list, got %s", kindName(f.val))
		return nil, false
	}
	out := make([]field, len(f.val.Content))
	for i, it := range f.val.Content {
		out[i] = field{path: fmt.Sprintf("%s[%d]", f.path, i), key: it, val: resolve(it)}
	}
	return out, true
}
