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

// YAMLReader reads the nodes of one YAML document and collects every problem as a
// Diagnostic with its path and position: the SLO config parser is built on it, and other
// YAML formats of the project (the simulator's scenarios) use it too. Aliases and merge keys
// are followed within maxExpansion nodes (Walk stops a walk that goes past it).
type YAMLReader struct {
	// Diags are the problems found so far, in the order found.
	Diags     Diagnostics
	errors    int
	expansion int
	sizes     map[*yaml.Node]int
}

// parser collects diagnostics while walking one SLO config document.
type parser struct {
	YAMLReader
	// badRules and badJourneys are the names defined with errors, so that references to them
	// are not reported as unknown.
	badRules    map[string]bool
	badJourneys map[string]bool
}

func (p *YAMLReader) report(sev Severity, n *yaml.Node, path, format string, args ...any) {
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
	p.Diags = append(p.Diags, d)
}

func (p *YAMLReader) Errorf(n *yaml.Node, path, format string, args ...any) {
	p.report(SeverityError, n, path, format, args...)
}

func (p *YAMLReader) warnf(n *yaml.Node, path, format string, args ...any) {
	p.report(SeverityWarning, n, path, format, args...)
}

// resolve follows aliases, charging what they add to the expansion budget.
func (p *YAMLReader) resolve(n *yaml.Node) *yaml.Node {
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
func (p *YAMLReader) size(n *yaml.Node) int {
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

// YAMLEntry is one key of a mapping; val is resolved.
type YAMLEntry struct {
	Name string
	Path string
	Key  *yaml.Node
	Val  *yaml.Node
}

// entries returns the keys of the mapping n in order, merge keys (<<) expanded with explicit
// keys taking precedence. It reports non-string and duplicate keys, and returns ok == false
// (after reporting) when n is not a mapping; what describes the expected mapping.
func (p *YAMLReader) entries(n *yaml.Node, path, what string) ([]YAMLEntry, bool) {
	n = p.resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		p.Errorf(n, path, "must be %s, got %s", what, kindName(n))
		return nil, false
	}
	return p.mergedEntries(n, path, 0), true
}

func (p *YAMLReader) mergedEntries(n *yaml.Node, path string, depth int) []YAMLEntry {
	var out []YAMLEntry
	seen := map[string]*yaml.Node{}
	var merged [][]YAMLEntry // merged entries, with their insertion points
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
			p.Errorf(k, path, "mapping keys must be plain strings")
			continue
		}
		if first, dup := seen[rk.Value]; dup {
			p.Errorf(k, child(path, rk.Value), "duplicate key (first at line %d)", first.Line)
			continue
		}
		seen[rk.Value] = k
		out = append(out, YAMLEntry{Name: rk.Value, Path: child(path, rk.Value), Key: k, Val: p.resolve(v)})
	}
	if len(merged) == 0 {
		return out
	}
	var result []YAMLEntry
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
func appendMerged(dst, src []YAMLEntry, seen map[string]*yaml.Node) []YAMLEntry {
	for _, e := range src {
		if _, taken := seen[e.Name]; !taken {
			seen[e.Name] = e.Key
			dst = append(dst, e)
		}
	}
	return dst
}

// mergeSources reads the value of a merge key: a mapping or a list of mappings.
func (p *YAMLReader) mergeSources(v *yaml.Node, path string, depth int) []YAMLEntry {
	const maxMergeDepth = 16 // merges of merges; real files nest one or two deep
	v = p.resolve(v)
	if depth > maxMergeDepth {
		p.Errorf(v, path, "merge keys nested too deeply")
		return nil
	}
	switch {
	case v != nil && v.Kind == yaml.MappingNode:
		return p.mergedEntries(v, path, depth+1)
	case v != nil && v.Kind == yaml.SequenceNode:
		var out []YAMLEntry
		seen := map[string]*yaml.Node{}
		for _, item := range v.Content {
			m := p.resolve(item)
			if m == nil || m.Kind != yaml.MappingNode {
				p.Errorf(item, path, "a merge key (<<) takes a mapping or a list of mappings")
				continue
			}
			out = appendMerged(out, p.mergedEntries(m, path, depth+1), seen)
		}
		return out
	}
	p.Errorf(v, path, "a merge key (<<) takes a mapping or a list of mappings")
	return nil
}

// Fields reads a mapping whose keys must be among allowed, reporting unknown keys with a
// did-you-mean; hints give a fixed message for known mistakes. It returns the entries by key.
func (p *YAMLReader) Fields(n *yaml.Node, path, what string, allowed []string, hints map[string]string) (map[string]YAMLEntry, bool) {
	ents, ok := p.entries(n, path, what)
	if !ok {
		return nil, false
	}
	out := make(map[string]YAMLEntry, len(ents))
	for _, e := range ents {
		if contains(allowed, e.Name) {
			out[e.Name] = e
			continue
		}
		if h, ok := hints[e.Name]; ok {
			p.Errorf(e.Key, e.Path, "%s", h)
			continue
		}
		if s := didYouMean(e.Name, allowed); s != "" {
			p.Errorf(e.Key, e.Path, "unknown key;%s", s)
		} else {
			p.Errorf(e.Key, e.Path, "unknown key; allowed keys: %s", strings.Join(allowed, ", "))
		}
	}
	return out, true
}

// Present reports whether the key exists with a non-null value.
func Present(f map[string]YAMLEntry, key string) (YAMLEntry, bool) {
	e, ok := f[key]
	return e, ok && !isNull(e.Val)
}

// Got describes a scalar value for a message, or nothing for secret paths.
func Got(e YAMLEntry) string {
	if strings.HasPrefix(e.Path, "alert_channels") {
		return ""
	}
	if e.Val != nil && e.Val.Kind == yaml.ScalarNode {
		return fmt.Sprintf(", got %q", e.Val.Value)
	}
	return ", got " + kindName(e.Val)
}

// Str reads a non-empty string scalar (numbers and booleans are taken as written).
func (p *YAMLReader) Str(e YAMLEntry) (string, bool) {
	if e.Val == nil || e.Val.Kind != yaml.ScalarNode || isNull(e.Val) {
		p.Errorf(e.Val, e.Path, "must be a string%s", Got(e))
		return "", false
	}
	if strings.TrimSpace(e.Val.Value) == "" {
		p.Errorf(e.Val, e.Path, "must not be empty")
		return "", false
	}
	return e.Val.Value, true
}

// Number reads a finite int or float scalar.
func (p *YAMLReader) Number(e YAMLEntry) (float64, bool) {
	var f float64
	if e.Val == nil || e.Val.Kind != yaml.ScalarNode || (e.Val.ShortTag() != "!!int" && e.Val.ShortTag() != "!!float") ||
		e.Val.Decode(&f) != nil {
		hint := ""
		if e.Val != nil && strings.HasSuffix(strings.TrimSpace(e.Val.Value), "%") {
			hint = " (write the percentage without %)"
		}
		p.Errorf(e.Val, e.Path, "must be a number%s%s", Got(e), hint)
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		p.Errorf(e.Val, e.Path, "must be a finite number%s", Got(e))
		return 0, false
	}
	return f, true
}

// integer reads an int scalar.
func (p *YAMLReader) integer(e YAMLEntry) (int64, bool) {
	var i int64
	if e.Val == nil || e.Val.Kind != yaml.ScalarNode || e.Val.ShortTag() != "!!int" || e.Val.Decode(&i) != nil {
		p.Errorf(e.Val, e.Path, "must be a whole number%s", Got(e))
		return 0, false
	}
	return i, true
}

// boolean reads true or false.
func (p *YAMLReader) boolean(e YAMLEntry) (bool, bool) {
	var b bool
	if e.Val == nil || e.Val.Kind != yaml.ScalarNode || e.Val.ShortTag() != "!!bool" || e.Val.Decode(&b) != nil {
		p.Errorf(e.Val, e.Path, "must be true or false%s", Got(e))
		return false, false
	}
	return b, true
}

// Window reads a duration in ParseWindow's syntax; allowZero admits "0" and "0s".
func (p *YAMLReader) Window(e YAMLEntry, allowZero bool) (string, time.Duration, bool) {
	s, ok := p.Str(e)
	if !ok {
		return "", 0, false
	}
	d, err := parseSpan(s)
	if err == nil && d <= 0 && !allowZero {
		err = fmt.Errorf("must be > 0")
	}
	if err != nil {
		p.Errorf(e.Val, e.Path, "%s", strings.TrimPrefix(err.Error(), fmt.Sprintf("window %q: ", s)))
		return "", 0, false
	}
	return s, d, true
}

// List reads a sequence and returns its items as entries with paths "path[i]".
func (p *YAMLReader) List(e YAMLEntry) ([]YAMLEntry, bool) {
	if e.Val == nil || e.Val.Kind != yaml.SequenceNode {
		p.Errorf(e.Val, e.Path, "must be a list%s", Got(e))
		return nil, false
	}
	out := make([]YAMLEntry, len(e.Val.Content))
	for i, it := range e.Val.Content {
		r := p.resolve(it)
		if r == nil {
			r = it
		}
		out[i] = YAMLEntry{Name: e.Name, Path: index(e.Path, i), Key: it, Val: r}
	}
	return out, true
}

// strList reads a list of non-empty strings.
func (p *YAMLReader) strList(e YAMLEntry) ([]string, bool) {
	items, ok := p.List(e)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok2 := p.Str(it)
		ok = ok && ok2
		out = append(out, s)
	}
	return out, ok
}

// oneOf reads a string that must be one of values, with a did-you-mean.
func (p *YAMLReader) oneOf(e YAMLEntry, values []string) (string, bool) {
	s, ok := p.Str(e)
	if !ok {
		return "", false
	}
	if !contains(values, s) {
		p.Errorf(e.Val, e.Path, "unknown value %q;%s want one of %s", s, didYouMean(s, values), strings.Join(values, ", "))
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
