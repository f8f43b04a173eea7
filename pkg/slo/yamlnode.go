package slo

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// This file reads yaml.v3 nodes for the parser: aliases and merge keys, mappings with
// duplicate and unknown-key checks, and typed scalars. Every problem becomes a Diagnostic with
// the node's line and column.

// maxExpansion bounds the nodes that aliases may add to the walk (a "billion laughs" guard):
// far above any real configuration, far below what would hurt.
const maxExpansion = 1 << 20

// errTooLarge aborts a walk whose aliases expand past maxExpansion; parse recovers it.
type errTooLarge struct{}

// parser collects diagnostics while walking one document.
type parser struct {
	diags     Diagnostics
	errors    int
	expansion int
	sizes     map[*yaml.Node]int
	// badRules and badJourneys are the names defined with errors, so that references to them
	// are not reported as unknown.
	badRules    map[string]bool
	badJourneys map[string]bool
}

func (p *parser) report(sev Severity, n *yaml.Node, path, format string, args ...any) {
	d := Diagnostic{Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		d.Line, d.Column = n.Line, n.Column
	}
	if d.Path == "" {
		d.Path = docPath
	}
	if sev == SeverityError {
		p.errors++
	}
	p.diags = append(p.diags, d)
}

func (p *parser) errorf(n *yaml.Node, path, format string, args ...any) {
	p.report(SeverityError, n, path, format, args...)
}

func (p *parser) warnf(n *yaml.Node, path, format string, args ...any) {
	p.report(SeverityWarning, n, path, format, args...)
}

// resolve follows aliases, charging what they add to the expansion budget.
func (p *parser) resolve(n *yaml.Node) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > 64 || n.Alias == nil { // yaml.v3 never chains aliases; this is only a guard
			return nil
		}
		n = n.Alias
		p.expansion += p.size(n)
		if p.expansion > maxExpansion {
			panic(errTooLarge{})
		}
	}
	return n
}

// size counts the nodes under n without following aliases, memoized.
func (p *parser) size(n *yaml.Node) int {
	if s, ok := p.sizes[n]; ok {
		return s
	}
	if p.sizes == nil {
		p.sizes = map[*yaml.Node]int{}
	}
	s := 1
	for _, c := range n.Content {
		s += p.size(c)
	}
	p.sizes[n] = s
	return s
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func kindName(n *yaml.Node) string {
	switch {
	case isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	default:
		return "a scalar"
	}
}

// entry is one key of a mapping; val is resolved.
type entry struct {
	name string
	path string
	key  *yaml.Node
	val  *yaml.Node
}

// entries returns the keys of the mapping n in order, merge keys (<<) expanded with explicit
// keys taking precedence. It reports non-string and duplicate keys, and returns ok == false
// (after reporting) when n is not a mapping; what describes the expected mapping.
func (p *parser) entries(n *yaml.Node, path, what string) ([]entry, bool) {
	n = p.resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		p.errorf(n, path, "must be %s, got %s", what, kindName(n))
		return nil, false
	}
	return p.mergedEntries(n, path, 0), true
}

func (p *parser) mergedEntries(n *yaml.Node, path string, depth int) []entry {
	var out []entry
	seen := map[string]*yaml.Node{}
	var merged [][]entry // merged entries, with their insertion points
	var at []int
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
			merged = append(merged, p.mergeSources(v, path, depth))
			at = append(at, len(out))
			continue
		}
		rk := p.resolve(k)
		if rk == nil || rk.Kind != yaml.ScalarNode || isNull(rk) {
			p.errorf(k, path, "mapping keys must be plain strings")
			continue
		}
		if first, dup := seen[rk.Value]; dup {
			p.errorf(k, child(path, rk.Value), "duplicate key (first at line %d)", first.Line)
			continue
		}
		seen[rk.Value] = k
		out = append(out, entry{name: rk.Value, path: child(path, rk.Value), key: k, val: p.resolve(v)})
	}
	if len(merged) == 0 {
		return out
	}
	var result []entry
	for i, e := range out {
		for m := range merged {
			if at[m] == i {
				result = appendMerged(result, merged[m], seen)
			}
		}
		result = append(result, e)
	}
	for m := range merged {
		if at[m] == len(out) {
			result = appendMerged(result, merged[m], seen)
		}
	}
	return result
}

// appendMerged adds the merged entries whose keys are not yet taken (explicit keys and
// earlier merge sources win, as in the YAML merge-key spec).
func appendMerged(dst, src []entry, seen map[string]*yaml.Node) []entry {
	for _, e := range src {
		if _, taken := seen[e.name]; !taken {
			seen[e.name] = e.key
			dst = append(dst, e)
		}
	}
	return dst
}

// mergeSources reads the value of a merge key: a mapping or a list of mappings.
func (p *parser) mergeSources(v *yaml.Node, path string, depth int) []entry {
	const maxMergeDepth = 16 // merges of merges; real files nest one or two deep
	v = p.resolve(v)
	if depth > maxMergeDepth {
		p.errorf(v, path, "merge keys nested too deeply")
		return nil
	}
	switch {
	case v != nil && v.Kind == yaml.MappingNode:
		return p.mergedEntries(v, path, depth+1)
	case v != nil && v.Kind == yaml.SequenceNode:
		var out []entry
		seen := map[string]*yaml.Node{}
		for _, item := range v.Content {
			m := p.resolve(item)
			if m == nil || m.Kind != yaml.MappingNode {
				p.errorf(item, path, "a merge key (<<) takes a mapping or a list of mappings")
				continue
			}
			out = appendMerged(out, p.mergedEntries(m, path, depth+1), seen)
		}
		return out
	}
	p.errorf(v, path, "a merge key (<<) takes a mapping or a list of mappings")
	return nil
}

// fields reads a mapping whose keys must be among allowed, reporting unknown keys with a
// did-you-mean; hints give a fixed message for known mistakes. It returns the entries by key.
func (p *parser) fields(n *yaml.Node, path, what string, allowed []string, hints map[string]string) (map[string]entry, bool) {
	ents, ok := p.entries(n, path, what)
	if !ok {
		return nil, false
	}
	out := make(map[string]entry, len(ents))
	for _, e := range ents {
		if contains(allowed, e.name) {
			out[e.name] = e
			continue
		}
		if h, ok := hints[e.name]; ok {
			p.errorf(e.key, e.path, "%s", h)
			continue
		}
		if s := didYouMean(e.name, allowed); s != "" {
			p.errorf(e.key, e.path, "unknown key;%s", s)
		} else {
			p.errorf(e.key, e.path, "unknown key; allowed keys: %s", strings.Join(allowed, ", "))
		}
	}
	return out, true
}

// present reports whether the key exists with a non-null value.
func present(f map[string]entry, key string) (entry, bool) {
	e, ok := f[key]
	return e, ok && !isNull(e.val)
}

// got describes a scalar value for a message, or nothing for secret paths.
func got(e entry) string {
	if strings.HasPrefix(e.path, "alert_channels") {
		return ""
	}
	if e.val != nil && e.val.Kind == yaml.ScalarNode {
		return fmt.Sprintf(", got %q", e.val.Value)
	}
	return ", got " + kindName(e.val)
}

// str reads a non-empty string scalar (numbers and booleans are taken as written).
func (p *parser) str(e entry) (string, bool) {
	if e.val == nil || e.val.Kind != yaml.ScalarNode || isNull(e.val) {
		p.errorf(e.val, e.path, "must be a string%s", got(e))
		return "", false
	}
	if strings.TrimSpace(e.val.Value) == "" {
		p.errorf(e.val, e.path, "must not be empty")
		return "", false
	}
	return e.val.Value, true
}

// number reads a finite int or float scalar.
func (p *parser) number(e entry) (float64, bool) {
	var f float64
	if e.val == nil || e.val.Kind != yaml.ScalarNode || (e.val.ShortTag() != "!!int" && e.val.ShortTag() != "!!float") ||
		e.val.Decode(&f) != nil {
		hint := ""
		if e.val != nil && strings.HasSuffix(strings.TrimSpace(e.val.Value), "%") {
			hint = " (write the percentage without %)"
		}
		p.errorf(e.val, e.path, "must be a number%s%s", got(e), hint)
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		p.errorf(e.val, e.path, "must be a finite number%s", got(e))
		return 0, false
	}
	return f, true
}

// integer reads an int scalar.
func (p *parser) integer(e entry) (int64, bool) {
	var i int64
	if e.val == nil || e.val.Kind != yaml.ScalarNode || e.val.ShortTag() != "!!int" || e.val.Decode(&i) != nil {
		p.errorf(e.val, e.path, "must be a whole number%s", got(e))
		return 0, false
	}
	return i, true
}

// boolean reads true or false.
func (p *parser) boolean(e entry) (bool, bool) {
	var b bool
	if e.val == nil || e.val.Kind != yaml.ScalarNode || e.val.ShortTag() != "!!bool" || e.val.Decode(&b) != nil {
		p.errorf(e.val, e.path, "must be true or false%s", got(e))
		return false, false
	}
	return b, true
}

// window reads a duration in ParseWindow's syntax; allowZero admits "0" and "0s".
func (p *parser) window(e entry, allowZero bool) (string, time.Duration, bool) {
	s, ok := p.str(e)
	if !ok {
		return "", 0, false
	}
	d, err := parseSpan(s)
	if err == nil && d <= 0 && !allowZero {
		err = fmt.Errorf("must be > 0")
	}
	if err != nil {
		p.errorf(e.val, e.path, "%s", strings.TrimPrefix(err.Error(), fmt.Sprintf("window %q: ", s)))
		return "", 0, false
	}
	return s, d, true
}

// list reads a sequence and returns its items as entries with paths "path[i]".
func (p *parser) list(e entry) ([]entry, bool) {
	if e.val == nil || e.val.Kind != yaml.SequenceNode {
		p.errorf(e.val, e.path, "must be a list%s", got(e))
		return nil, false
	}
	out := make([]entry, len(e.val.Content))
	for i, it := range e.val.Content {
		r := p.resolve(it)
		if r == nil {
			r = it
		}
		out[i] = entry{name: e.name, path: index(e.path, i), key: it, val: r}
	}
	return out, true
}

// strList reads a list of non-empty strings.
func (p *parser) strList(e entry) ([]string, bool) {
	items, ok := p.list(e)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok2 := p.str(it)
		ok = ok && ok2
		out = append(out, s)
	}
	return out, ok
}

// oneOf reads a string that must be one of values, with a did-you-mean.
func (p *parser) oneOf(e entry, values []string) (string, bool) {
	s, ok := p.str(e)
	if !ok {
		return "", false
	}
	if !contains(values, s) {
		p.errorf(e.val, e.path, "unknown value %q;%s want one of %s", s, didYouMean(s, values), strings.Join(values, ", "))
		return "", false
	}
	return s, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
