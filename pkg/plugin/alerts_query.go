package plugin

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// The alerts and incidents query types show what the built-in detection loop records in the
// plugin schema (pkg/store: alert_state, alert_transition, incident). Without records they
// answer typed empty tables with the columns below, not errors. This file is the one
// definition of those columns and of the conversion from the store's rows.

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

// alertsQuery answers alerts: one table frame, a row per alert of the selected SLOs, from
// the alert states the detection loop persists.
func alertsQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	if len(r.slos) == 0 {
		return backend.DataResponse{Frames: data.Frames{alertsFrame(nil)}}
	}
	if _, err := d.ensureSchema(ctx); err != nil {
		return failed(err)
	}
	states, err := store.ListAlerts(ctx, d.pool, d.settings.Schema, sloIDs(r.slos))
	if err != nil {
		return failed(err)
	}
	return backend.DataResponse{Frames: data.Frames{alertsFrame(alertRows(r.config, states))}}
}

// incidentsQuery answers incidents: one table frame, a row per incident of the selected SLOs
// open during the query's time range, newest first.
func incidentsQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	if len(r.slos) == 0 {
		return backend.DataResponse{Frames: data.Frames{incidentsFrame(nil)}}
	}
	if _, err := d.ensureSchema(ctx); err != nil {
		return failed(err)
	}
	list, err := store.ListIncidents(ctx, d.pool, d.settings.Schema, r.query.TimeRange.From, r.query.TimeRange.To, sloIDs(r.slos))
	if err != nil {
		return failed(err)
	}
	return backend.DataResponse{Frames: data.Frames{incidentsFrame(incidentRows(r.config, list))}}
}

func sloIDs(slos []slo.SLO) []string {
	ids := make([]string, len(slos))
	for i, s := range slos {
		ids[i] = s.ID()
	}
	return ids
}

// sloNames splits an SLO id into its service and SLO names, as the config has them.
func sloNames(cfg *slo.Config, id string) (service, name string) {
	if cfg != nil {
		for _, s := range cfg.SLOs() {
			if s.ID() == id {
				return s.Service, s.Name
			}
		}
	}
	service, name, _ = strings.Cut(id, "/")
	return service, name
}

// storedValues are the numbers of an alert's last verdict as the detector stores them
// (alerting.Values as JSON); pointers tell a missing number from a zero.
type storedValues struct {
	BurnLong, BurnShort *float64
	Threshold           *float64
	BudgetRemaining     *float64
}

func parseValues(raw []byte) storedValues {
	var v storedValues
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &v) // display only: a bad blob shows as no data
	}
	return v
}

// ruleWindows are the configured windows of a burn_rate rule, as written; "" otherwise.
func ruleWindows(cfg *slo.Config, rule string) (long, short string) {
	if cfg == nil {
		return "", ""
	}
	r, ok := cfg.Rules[rule]
	if !ok || r.Kind != slo.KindBurnRate {
		return "", ""
	}
	return slo.FormatWindow(r.Long), slo.FormatWindow(r.Short)
}

// alertRows converts stored alert states. An inactive alert that has fired and resolved
// shows as resolved.
func alertRows(cfg *slo.Config, states []store.AlertState) []alertRow {
	rows := make([]alertRow, 0, len(states))
	for _, st := range states {
		service, name := sloNames(cfg, st.SLOID)
		long, short := ruleWindows(cfg, st.Rule)
		v := parseValues(st.Values)
		state := st.State
		if state == "inactive" && !st.ResolvedAt.IsZero() {
			state = "resolved"
		}
		updated := st.LastEval
		if updated.IsZero() {
			updated = st.UpdatedAt
		}
		rows = append(rows, alertRow{
			ID: st.ID, Service: service, SLO: name, Rule: st.Rule, Severity: st.Severity, State: state,
			Since: st.Since, Updated: updated, LongWindow: long, ShortWindow: short,
			BurnRateLong: v.BurnLong, BurnRateShort: v.BurnShort, Threshold: v.Threshold, BudgetRemaining: v.BudgetRemaining,
		})
	}
	return rows
}

// incidentRows converts stored incidents.
func incidentRows(cfg *slo.Config, list []store.Incident) []incidentRow {
	rows := make([]incidentRow, 0, len(list))
	for _, in := range list {
		service, name := sloNames(cfg, in.SLOID)
		row := incidentRow{
			ID: strconv.FormatInt(in.ID, 10), Title: in.Title, Description: in.Description, Severity: in.Severity,
			Service: service, SLO: name, Status: in.Status, OpenedAt: in.OpenedAt, AlertID: in.AlertID,
		}
		if !in.ResolvedAt.IsZero() {
			at := in.ResolvedAt
			row.ResolvedAt = &at
		}
		rows = append(rows, row)
	}
	return rows
}

// transitionRows converts stored transitions. The store records the state entered (firing
// or resolved); the state left is pending for an alert that waited its `for` (its episode
// began before it fired), inactive for one that fired at once, firing for a resolution.
func transitionRows(cfg *slo.Config, list []store.TransitionRow) []transitionRow {
	rows := make([]transitionRow, 0, len(list))
	for _, tr := range list {
		service, name := sloNames(cfg, tr.SLOID)
		long, short := ruleWindows(cfg, tr.Rule)
		v := parseValues(tr.Values)
		from := "firing"
		if tr.Kind == "firing" {
			from = "inactive"
			if !tr.ActiveSince.IsZero() && tr.ActiveSince.Before(tr.At) {
				from = "pending"
			}
		}
		rows = append(rows, transitionRow{
			AlertID: tr.AlertID, Service: service, SLO: name, Rule: tr.Rule, Severity: tr.Severity,
			From: from, To: tr.Kind, At: tr.At, LongWindow: long, ShortWindow: short,
			BurnRateLong: v.BurnLong, BurnRateShort: v.BurnShort,
		})
	}
	return rows
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
