package plugin

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// The alerts and incidents query types show what the built-in detection loop records in the
// plugin schema. Until it exists they answer typed empty tables with the columns below, not
// errors. This file is the one definition of those columns: the detection loop fills the
// same frames with alertRow and incidentRow values.

func init() {
	queryHandlers["alerts"] = alertsQuery
	queryHandlers["incidents"] = incidentsQuery
}

// alertRow is one alert: one per (SLO, rule), its current state and when it entered it.
type alertRow struct {
	// ID is the alert's id (PagerDuty's dedup_key, an incident's alert).
	ID              string
	Service, SLO    string
	Rule, Severity  string // rule name (fast_burn, ...); critical, major, warning, ...
	State           string // inactive, pending, firing or resolved
	Since, Updated  time.Time
	LongWindow      string // the rule's windows as written ("1h", "5m"); "" for none
	ShortWindow     string
	BurnRateLong    *float64 // at the last evaluation; nil without data or for non-burn rules
	BurnRateShort   *float64
	Threshold       *float64 // the rule's threshold: a burn rate, or a remaining-budget ratio
	BudgetRemaining *float64 // at the last evaluation, a ratio
}

// incidentRow is one incident: opened by a firing critical alert, resolved when the SLO's
// critical alerts resolved.
type incidentRow struct {
	ID           string
	Title        string // "SLO violation: <service> <slo>"
	Description  string // shown in annotations, not in the table
	Severity     string
	Service, SLO string
	Status       string // open or resolved
	OpenedAt     time.Time
	ResolvedAt   *time.Time // nil while open
	AlertID      string     // the alert that opened it
}

// alertsQuery answers alerts: one table frame, a row per alert of the selected SLOs. Alert
// states are recorded by the built-in detection loop, which is not part of this version:
// the table has its columns and no rows.
func alertsQuery(context.Context, *Datasource, queryRequest) backend.DataResponse {
	return backend.DataResponse{Frames: data.Frames{alertsFrame(nil)}}
}

// incidentsQuery answers incidents: one table frame, a row per incident of the selected SLOs
// open during the query's time range. Incidents are recorded by the detection loop, not
// part of this version: the table has its columns and no rows.
func incidentsQuery(context.Context, *Datasource, queryRequest) backend.DataResponse {
	return backend.DataResponse{Frames: data.Frames{incidentsFrame(nil)}}
}

// alertsFrame is the alerts table: service, slo, rule, severity, state, since (time),
// burn_rate_long, burn_rate_short, threshold, updated (time), long_window, short_window,
// budget_remaining (percentunit), id. Values without data are null.
func alertsFrame(rows []alertRow) *data.Frame {
	n := len(rows)
	service, name, rule, severity, state := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	since, updated := make([]time.Time, n), make([]time.Time, n)
	long, short, id := make([]string, n), make([]string, n), make([]string, n)
	brLong, brShort, threshold, remaining := make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n)
	for i, a := range rows {
		service[i], name[i], rule[i], severity[i], state[i] = a.Service, a.SLO, a.Rule, a.Severity, a.State
		since[i], updated[i] = a.Since, a.Updated
		long[i], short[i], id[i] = a.LongWindow, a.ShortWindow, a.ID
		brLong[i], brShort[i], threshold[i], remaining[i] = a.BurnRateLong, a.BurnRateShort, a.Threshold, a.BudgetRemaining
	}
	frame := data.NewFrame("alerts",
		unitField("service", service, ""),
		unitField("slo", name, ""),
		unitField("rule", rule, ""),
		unitField("severity", severity, ""),
		unitField("state", state, ""),
		unitField("since", since, ""),
		unitField("burn_rate_long", brLong, ""),
		unitField("burn_rate_short", brShort, ""),
		unitField("threshold", threshold, ""),
		unitField("updated", updated, ""),
		unitField("long_window", long, ""),
		unitField("short_window", short, ""),
		unitField("budget_remaining", remaining, unitRatio),
		unitField("id", id, ""),
	)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: frameTypeVersion}
	return frame
}

// incidentsFrame is the incidents table: id, title, severity, service, slo, status,
// opened_at (time), resolved_at (time, null while open), alert (the opening alert's id),
// duration (s; null while open).
func incidentsFrame(rows []incidentRow) *data.Frame {
	n := len(rows)
	id, title, severity, service, name, status, alert := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	opened, resolved := make([]time.Time, n), make([]*time.Time, n)
	duration := make([]*float64, n)
	for i, in := range rows {
		id[i], title[i], severity[i], service[i], name[i], status[i], alert[i] = in.ID, in.Title, in.Severity, in.Service, in.SLO, in.Status, in.AlertID
		opened[i], resolved[i] = in.OpenedAt, in.ResolvedAt
		if in.ResolvedAt != nil {
			secs := in.ResolvedAt.Sub(in.OpenedAt).Seconds()
			duration[i] = &secs
		}
	}
	frame := data.NewFrame("incidents",
		unitField("id", id, ""),
		unitField("title", title, ""),
		unitField("severity", severity, ""),
		unitField("service", service, ""),
		unitField("slo", name, ""),
		unitField("status", status, ""),
		unitField("opened_at", opened, ""),
		unitField("resolved_at", resolved, ""),
		unitField("alert", alert, ""),
		unitField("duration", duration, "s"),
	)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: frameTypeVersion}
	return frame
}
