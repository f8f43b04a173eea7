package slo

import (
	"strings"
	"testing"
)

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{"a positioned diagnostic starts with line and column", Diagnostic{Severity: SeverityError, Path: "services.payment_service.latency.target", Line: 12, Column: 7, Message: "must be > 0"},
			"12:7: services.payment_service.latency.target: must be > 0"},
		{"a diagnostic without a line has no position", Diagnostic{Path: "tables.requests.table", Message: "must not be empty"}, "tables.requests.table: must not be empty"},
		{"a diagnostic without a path has only the message", Diagnostic{Line: 3, Column: 1, Message: "x"}, "3:1: x"},
		{"a diagnostic without a column has only the line", Diagnostic{Line: 3, Path: "p", Message: "x"}, "3: p: x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDiagnosticsFilters(t *testing.T) {
	ds := Diagnostics{
		{Severity: SeverityWarning, Path: "a", Message: "w1"},
		{Severity: SeverityError, Path: "b", Message: "e1"},
		{Severity: SeverityError, Path: "c", Message: "e2"},
	}
	if got := ds.Errors(); len(got) != 2 || got[0].Message != "e1" {
		t.Errorf("Errors = %v", got)
	}
	if got := ds.Warnings(); len(got) != 1 || got[0].Message != "w1" {
		t.Errorf("Warnings = %v", got)
	}
	if !ds.HasErrors() || ds[:1].HasErrors() {
		t.Error("HasErrors")
	}
	if err := ds.Err(); err == nil || !strings.Contains(err.Error(), "b: e1\nc: e2") || strings.Contains(err.Error(), "w1") {
		t.Errorf("Err = %v", err)
	}
	if ds[:1].Err() != nil {
		t.Error("Err of warnings only is not nil")
	}
}

func TestDiagnosticsSortByLineWithUnpositionedLast(t *testing.T) {
	ds := Diagnostics{{Line: 0, Message: "a"}, {Line: 5, Column: 3, Message: "b"}, {Line: 2, Message: "c"}, {Line: 5, Column: 1, Message: "d"}, {Line: 0, Message: "e"}}
	ds.sortByPosition()
	var got []string
	for _, d := range ds {
		got = append(got, d.Message)
	}
	if strings.Join(got, "") != "cdbae" {
		t.Errorf("order = %v", got)
	}
}

func TestDidYouMean(t *testing.T) {
	keys := sloKeys
	tests := []struct{ word, want string }{
		{"traget", "target"},
		{"windw", "window"},
		{"Target", "target"},
		{"alert_rule", "alert_rules"},
		{"sli-type", "sli_type"},
		{"percentil", "percentile"},
		{"colour", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		got := didYouMean(tt.word, keys)
		if (tt.want == "" && got != "") || (tt.want != "" && !strings.Contains(got, `"`+tt.want+`"`)) {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3}, {"traget", "target", 1}, {"ab", "ba", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
