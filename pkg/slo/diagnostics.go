package slo

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a Diagnostic makes its subject invalid ("error") or is advice
// ("warning").
type Severity string

// The two diagnostic severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// docPath is the Path of diagnostics about the whole document (not YAML, empty, too large).
const docPath = "(document)"

// Diagnostic is one problem found in an SLO configuration: where (a dotted path such as
// "services.payment_service.latency.target", and the 1-based line and column when known) and
// what. Messages never contain values from alert_channels, which may be secrets.
type Diagnostic struct {
	Severity Severity
	Path     string
	Line     int
	Column   int
	Message  string
}

// String formats d as "line:col: path: message", leaving out the column when it is 0, the
// position when Line is 0 and the path when it is empty. The severity is not part of the text; callers that mix errors and
// warnings prefix it themselves.
// In is the diagnostic as a line of the file (or other source) it is about:
// "source:line:col: path: message", or "source: path: message" without a position.
func (d Diagnostic) In(source string) string {
	if d.Line > 0 {
		return source + ":" + d.String()
	}
	return source + ": " + d.String()
}

func (d Diagnostic) String() string {
	var b strings.Builder
	switch {
	case d.Line > 0 && d.Column > 0:
		fmt.Fprintf(&b, "%d:%d: ", d.Line, d.Column)
	case d.Line > 0:
		fmt.Fprintf(&b, "%d: ", d.Line)
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is a list of Diagnostic, sorted by line when it comes from Parse.
type Diagnostics []Diagnostic

// Errors returns the diagnostics of severity error, in order.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(SeverityError) }

// Warnings returns the diagnostics of severity warning, in order.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(SeverityWarning) }

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Err returns nil when there are no errors, otherwise one error whose text lists every error
// diagnostic, one per line (warnings are left out).
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	list := make([]error, len(errs))
	for i, d := range errs {
		list[i] = errors.New(d.String())
	}
	return errors.Join(list...)
}

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// sortByPosition orders ds by line then column, diagnostics without a line last; equal
// positions keep the order in which they were found.
func (ds Diagnostics) sortByPosition() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if (a.Line == 0) != (b.Line == 0) {
			return a.Line != 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
