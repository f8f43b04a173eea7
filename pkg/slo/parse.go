package slo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// topKeys are the sections of an SLO document.
var topKeys = []string{"services", "journeys", "alert_rules", "alert_channels", "tables"}

// Parse reads an SLO configuration (see the package documentation) and reports every problem
// at once, sorted by line. The Config holds every valid SLO, journey and rule even when others
// are invalid: one bad SLO does not stop the rest. Config is nil only when data is not YAML.
// Parse never panics.
func Parse(data []byte) (cfg *Config, diags Diagnostics) {
	defer func() {
		if r := recover(); r != nil {
			cfg, diags = nil, internalError(r)
		}
	}()
	return parse(data)
}

// internalError is the diagnostic of a panic the parser recovered from.
func internalError(r any) Diagnostics {
	return Diagnostics{{Severity: SeverityError, Path: docPath,
		Message: fmt.Sprintf("internal error while parsing (please report): %v", r)}}
}

// parse is Parse without the last-resort recover, so that tests and fuzzing see panics.
func parse(data []byte) (*Config, Diagnostics) {
	p := &parser{badRules: map[string]bool{}, badJourneys: map[string]bool{}}
	root, ok := p.Decode(data)
	if !ok {
		return nil, p.finish()
	}
	cfg := &Config{Journeys: map[string]Journey{}, Rules: DefaultRules()}
	if isNull(root) {
		p.Errorf(nil, docPath, "empty document; want a mapping with a services key")
		return cfg, p.finish()
	}
	if !p.Walk(func() { p.document(root, cfg) }) {
		*cfg = Config{Journeys: map[string]Journey{}, Rules: DefaultRules()}
	}
	return cfg, p.finish()
}

// Walk runs walk and reports false, with a diagnostic, when it was aborted because aliases
// expand past maxExpansion; other panics go on.
func (p *YAMLReader) Walk(walk func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, tooLarge := r.(errTooLarge); !tooLarge {
				panic(r)
			}
			p.Errorf(nil, docPath, "aliases expand to more than %d nodes", maxExpansion)
			ok = false
		}
	}()
	walk()
	return true
}

func (p *YAMLReader) finish() Diagnostics {
	p.Diags.sortByPosition()
	return p.Diags
}

// yamlErrLine matches the position yaml.v3 puts in its syntax errors.
var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Decode parses the one YAML document of data; ok is false when data is not YAML. The root
// is nil for an empty document.
func (p *YAMLReader) Decode(data []byte) (root *yaml.Node, ok bool) {
	defer func() {
		if r := recover(); r != nil { // yaml.v3 has panicked on hostile input before
			p.Errorf(nil, docPath, "not valid YAML")
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		p.syntaxError(err)
		return nil, false
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.syntaxError(err)
	default:
		p.Errorf(&extra, docPath, "only one YAML document is allowed; remove the second (---)")
	}
	if len(doc.Content) == 0 {
		return nil, true
	}
	return doc.Content[0], true
}

func (p *YAMLReader) syntaxError(err error) {
	msg := err.Error()
	d := Diagnostic{Severity: SeverityError, Path: docPath, Message: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		d.Line, _ = strconv.Atoi(m[1])
		d.Message = "not valid YAML: " + m[2]
	}
	p.errors++
	p.Diags = append(p.Diags, d)
}

// document walks the root mapping. Sections are read in dependency order: tables, journeys
// and rules before the services that refer to them.
func (p *parser) document(root *yaml.Node, cfg *Config) {
	top, ok := p.Fields(root, "", "a mapping with a services key", topKeys, nil)
	if !ok {
		return
	}
	if e, ok := Present(top, "tables"); ok {
		cfg.Tables = p.tables(e)
	}
	if e, ok := Present(top, "journeys"); ok {
		p.journeys(e, cfg)
	}
	if e, ok := Present(top, "alert_rules"); ok {
		p.rules(e, cfg)
	}
	if e, ok := Present(top, "alert_channels"); ok {
		p.channels(e, cfg)
	}
	e, ok := Present(top, "services")
	if !ok {
		p.Errorf(root, "services", "required: a mapping of services to their SLOs")
		return
	}
	p.services(e, cfg)
}
