package slo

import (
	"fmt"
	"regexp"
	"strings"
)

// RequestTable maps the request-log table (JSON tags: the data source's jsonData.requestLogs): one row per request. Success-rate SLIs count rows
// with status_code < 500 as good; latency SLIs count rows with response_time_ms <= the
// threshold as good.
type RequestTable struct {
	Table          string `yaml:"table" json:"table,omitempty"`
	Service        string `yaml:"service" json:"service,omitempty"`
	StatusCode     string `yaml:"status_code" json:"statusCode,omitempty"`
	ResponseTimeMS string `yaml:"response_time_ms" json:"responseTimeMs,omitempty"`
	Timestamp      string `yaml:"timestamp" json:"timestamp,omitempty"`
	Route          string `yaml:"route" json:"route,omitempty"`
}

// JourneyTable maps the user-journey-log table (JSON tags: jsonData.journeyLogs): one row per step of one journey run.
type JourneyTable struct {
	Table       string `yaml:"table" json:"table,omitempty"`
	JourneyID   string `yaml:"journey_id" json:"journeyId,omitempty"`
	JourneyName string `yaml:"journey_name" json:"journeyName,omitempty"`
	StepName    string `yaml:"step_name" json:"stepName,omitempty"`
	StepOrder   string `yaml:"step_order" json:"stepOrder,omitempty"`
	Success     string `yaml:"success" json:"success,omitempty"`
	DurationMS  string `yaml:"duration_ms" json:"durationMs,omitempty"`
	Timestamp   string `yaml:"timestamp" json:"timestamp,omitempty"`
}

// Tables names the log tables and their columns (the `tables:` section, or the data-source
// settings).
type Tables struct {
	Requests RequestTable `yaml:"requests" json:"requests"`
	Journeys JourneyTable `yaml:"journeys" json:"journeys"`
}

// DefaultTables returns the seed's tables: request_logs(service, status_code,
// response_time_ms, timestamp, route) and user_journey_logs(journey_id, journey_name,
// step_name, step_order, success, duration_ms, timestamp).
func DefaultTables() Tables {
	return Tables{
		Requests: RequestTable{
			Table: "request_logs", Service: "service", StatusCode: "status_code",
			ResponseTimeMS: "response_time_ms", Timestamp: "timestamp", Route: "route",
		},
		Journeys: JourneyTable{
			Table: "user_journey_logs", JourneyID: "journey_id", JourneyName: "journey_name",
			StepName: "step_name", StepOrder: "step_order", Success: "success",
			DurationMS: "duration_ms", Timestamp: "timestamp",
		},
	}
}

// WithDefaults returns t with every empty name replaced by its DefaultTables value.
func (t Tables) WithDefaults() Tables { return t.Or(DefaultTables()) }

// Validate checks every name: a plain SQL identifier (identifierPattern), the tables
// optionally schema-qualified as "schema.table". Empty names are errors, so call WithDefaults
// first. Paths read "tables.requests.status_code"; Line and Column are 0.
func (t Tables) Validate() Diagnostics {
	var ds Diagnostics
	for _, f := range t.fields() {
		if msg := checkIdentifier(*f.value, f.qualified); msg != "" {
			ds = append(ds, Diagnostic{Severity: SeverityError, Path: f.path, Message: msg})
		}
	}
	return ds
}

// identifierPattern is an unquoted PostgreSQL identifier of at most 63 bytes (NAMEDATALEN-1,
// PostgreSQL docs "Identifiers and Key Words"). Names are still quoted with
// pgx.Identifier.Sanitize; this keeps them unsurprising.
var identifierPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// checkIdentifier returns why name is not a valid identifier ("" when it is). qualified
// allows one "schema." prefix.
func checkIdentifier(name string, qualified bool) string {
	if name == "" {
		return "must not be empty"
	}
	parts := SplitQualified(name)
	if len(parts) > 2 || (len(parts) == 2 && !qualified) {
		if qualified {
			return fmt.Sprintf("must be a table name or schema.table, got %q", name)
		}
		return fmt.Sprintf("must be a plain column name (no dots), got %q", name)
	}
	for _, p := range parts {
		if !identifierPattern.MatchString(p) {
			return fmt.Sprintf("must be a plain SQL identifier (letters, digits and _, not starting with a digit, at most 63 characters), got %q", name)
		}
	}
	return ""
}

// SplitQualified splits a possibly schema-qualified name at its dots, "a.b" -> ["a", "b"], for
// pgx.Identifier. It returns nil for "".
func SplitQualified(name string) []string {
	if name == "" {
		return nil
	}
	return strings.Split(name, ".")
}

// tableField is one name of Tables with its YAML path.
type tableField struct {
	path      string // YAML path
	key       string // YAML key within its table section
	jsonPath  string // path in the data source's jsonData
	value     *string
	qualified bool
}

// fields lists t's names in YAML order, pointing into t.
func (t *Tables) fields() []tableField {
	r, j := &t.Requests, &t.Journeys
	field := func(section, key, jsonSection, jsonKey string, v *string) tableField {
		return tableField{path: section + "." + key, key: key, jsonPath: jsonSection + "." + jsonKey, value: v, qualified: key == "table"}
	}
	const rp, jp, rj, jj = "tables.requests", "tables.journeys", "requestLogs", "journeyLogs"
	return []tableField{
		field(rp, "table", rj, "table", &r.Table),
		field(rp, "service", rj, "service", &r.Service),
		field(rp, "status_code", rj, "statusCode", &r.StatusCode),
		field(rp, "response_time_ms", rj, "responseTimeMs", &r.ResponseTimeMS),
		field(rp, "timestamp", rj, "timestamp", &r.Timestamp),
		field(rp, "route", rj, "route", &r.Route),
		field(jp, "table", jj, "table", &j.Table),
		field(jp, "journey_id", jj, "journeyId", &j.JourneyID),
		field(jp, "journey_name", jj, "journeyName", &j.JourneyName),
		field(jp, "step_name", jj, "stepName", &j.StepName),
		field(jp, "step_order", jj, "stepOrder", &j.StepOrder),
		field(jp, "success", jj, "success", &j.Success),
		field(jp, "duration_ms", jj, "durationMs", &j.DurationMS),
		field(jp, "timestamp", jj, "timestamp", &j.Timestamp),
	}
}
