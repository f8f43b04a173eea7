package slo

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultTablesAreTheSeedsTables(t *testing.T) {
	d := DefaultTables()
	if d.Requests.Table != "request_logs" || d.Requests.StatusCode != "status_code" || d.Requests.Route != "route" {
		t.Errorf("requests = %+v", d.Requests)
	}
	if d.Journeys.Table != "user_journey_logs" || d.Journeys.StepOrder != "step_order" || d.Journeys.DurationMS != "duration_ms" {
		t.Errorf("journeys = %+v", d.Journeys)
	}
	if ds := d.Validate(); len(ds) != 0 {
		t.Errorf("defaults do not validate: %v", ds)
	}
}

func TestWithDefaultsFillsOnlyEmptyNames(t *testing.T) {
	in := Tables{Requests: RequestTable{Table: "logs.requests", StatusCode: "code"}}
	got := in.WithDefaults()
	want := DefaultTables()
	want.Requests.Table, want.Requests.StatusCode = "logs.requests", "code"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WithDefaults = %+v\nwant %+v", got, want)
	}
	if in.Requests.Service != "" {
		t.Error("WithDefaults changed its receiver")
	}
}

func TestOrTakesEmptyNamesFromTheFallback(t *testing.T) {
	got := Tables{Requests: RequestTable{Table: "a"}}.Or(Tables{Requests: RequestTable{Table: "b", Route: "path"}})
	if got.Requests.Table != "a" || got.Requests.Route != "path" || got.Requests.Service != "" {
		t.Errorf("Or = %+v", got.Requests)
	}
}

func TestTablesValidate(t *testing.T) {
	tests := []struct {
		name     string
		change   func(*Tables)
		path     string
		fragment string
	}{
		{"a table name with a space is rejected", func(t *Tables) { t.Requests.Table = "request logs" }, "tables.requests.table", "plain SQL identifier"},
		{"a column starting with a digit is rejected", func(t *Tables) { t.Requests.StatusCode = "1code" }, "tables.requests.status_code", "plain SQL identifier"},
		{"a quoted injection attempt is rejected", func(t *Tables) { t.Journeys.Success = `ok"; drop table x; --` }, "tables.journeys.success", "plain SQL identifier"},
		{"a schema-qualified column is rejected", func(t *Tables) { t.Journeys.StepName = "a.b" }, "tables.journeys.step_name", "no dots"},
		{"a doubly qualified table is rejected", func(t *Tables) { t.Journeys.Table = "a.b.c" }, "tables.journeys.table", "schema.table"},
		{"an empty name is rejected", func(t *Tables) { t.Requests.Timestamp = "" }, "tables.requests.timestamp", "empty"},
		{"a 64-character name is rejected", func(t *Tables) { t.Requests.Route = strings.Repeat("r", 64) }, "tables.requests.route", "63"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := DefaultTables()
			tt.change(&tb)
			ds := tb.Validate()
			if len(ds) != 1 || ds[0].Path != tt.path || !strings.Contains(ds[0].Message, tt.fragment) || ds[0].Severity != SeverityError {
				t.Errorf("Validate = %v; want one error at %s mentioning %q", ds, tt.path, tt.fragment)
			}
		})
	}
	t.Run("a schema-qualified table and a 63-character column are accepted", func(t *testing.T) {
		tb := DefaultTables()
		tb.Requests.Table = "logs.request_logs_2024"
		tb.Requests.Route = "_" + strings.Repeat("r", 62)
		if ds := tb.Validate(); len(ds) != 0 {
			t.Errorf("Validate = %v", ds)
		}
	})
}

func TestSplitQualified(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"request_logs", []string{"request_logs"}},
		{"logs.request_logs", []string{"logs", "request_logs"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := SplitQualified(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitQualified(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidateIdentifierAndTableName(t *testing.T) {
	if ValidateIdentifier("status_code") != nil || ValidateIdentifier("a.b") == nil || ValidateIdentifier("") == nil {
		t.Error("ValidateIdentifier")
	}
	if ValidateTableName("logs.requests") != nil || ValidateTableName("x y") == nil {
		t.Error("ValidateTableName")
	}
}

func TestReadsTablesFollowsTheSLITypes(t *testing.T) {
	journeyOnly := &Config{Services: []Service{{Name: "web", SLOs: []SLO{{Name: "checkout", Type: UserJourney}}}}}
	requestsOnly := &Config{Services: []Service{{Name: "api", SLOs: []SLO{{Name: "a", Type: SuccessRate}, {Name: "l", Type: Latency}}}}}
	tests := []struct {
		name               string
		cfg                *Config
		requests, journeys bool
	}{
		{"no config checks both tables", nil, true, true},
		{"a config without SLOs checks both tables", &Config{}, true, true},
		{"journey SLOs read only the journey table", journeyOnly, false, true},
		{"success-rate and latency SLOs read only the request table", requestsOnly, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r, j := tt.cfg.ReadsTables(); r != tt.requests || j != tt.journeys {
				t.Errorf("ReadsTables() = %v, %v; want %v, %v", r, j, tt.requests, tt.journeys)
			}
		})
	}
}
