package plugin

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/store"
)

// Grafana runs a dashboard's annotation queries through QueryData like panel queries: the
// front end (src/datasource.ts, `annotations`) sends the annotation's query, of query type
// "annotations", and turns the frame into events with its standard field mapping: time,
// timeEnd (a region when set), title, text and tags (a comma-separated string).

func init() {
	queryHandlers["annotations"] = annotationsQuery
}

// transitionRow is one change of an alert's state, from the alert history the detection
// loop persists.
type transitionRow struct {
	AlertID        string
	Service, SLO   string
	Rule, Severity string
	From, To       string // states: inactive, pending, firing, resolved
	At             time.Time
	LongWindow     string
	ShortWindow    string
	BurnRateLong   *float64
	BurnRateShort  *float64
}

// annotationEvent is one row of an annotation frame.
type annotationEvent struct {
	Time    time.Time
	TimeEnd *time.Time // nil for an instant
	Title   string
	Text    string
	Tags    []string
}

// annotationsQuery answers an annotation query: one frame of the incidents open during the
// range and the alert transitions in it (or only one kind, with show), of the selected
// SLOs, as the detection loop recorded them.
func annotationsQuery(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse {
	showIncidents, showAlerts, err := annotationKinds(r.model.Show)
	if err != nil {
		return badRequest(err.Error())
	}
	if len(r.slos) == 0 {
		return backend.DataResponse{Frames: data.Frames{annotationsFrame(annotationEvents(nil, nil))}}
	}
	if _, err := d.ensureSchema(ctx); err != nil {
		return failed(err)
	}
	from, to, ids := r.query.TimeRange.From, r.query.TimeRange.To, sloIDs(r.slos)
	var incidents []store.Incident
	if showIncidents {
		if incidents, err = store.ListIncidents(ctx, d.pool, d.settings.Schema, from, to, ids); err != nil {
			return failed(err)
		}
	}
	var transitions []store.TransitionRow
	if showAlerts {
		if transitions, err = store.ListTransitions(ctx, d.pool, d.settings.Schema, from, to, ids); err != nil {
			return failed(err)
		}
	}
	events := annotationEvents(incidentRows(r.config, incidents), transitionRows(r.config, transitions))
	return backend.DataResponse{Frames: data.Frames{annotationsFrame(events)}}
}

// annotationKinds reads an annotation query's show field: which of incidents and alert
// transitions it returns.
func annotationKinds(show string) (incidents, alerts bool, err error) {
	switch show {
	case "", "all":
		return true, true, nil
	case "incidents":
		return true, false, nil
	case "alerts":
		return false, true, nil
	}
	return false, false, fmt.Errorf("show: %q is not one of all, incidents, alerts", show)
}

// annotationEvents shows incidents as regions from opened_at to resolved_at and alert
// transitions as instants, by time.
func annotationEvents(incidents []incidentRow, transitions []transitionRow) []annotationEvent {
	events := make([]annotationEvent, 0, len(incidents)+len(transitions))
	for _, in := range incidents {
		events = append(events, incidentAnnotation(in))
	}
	for _, tr := range transitions {
		events = append(events, transitionAnnotation(tr))
	}
	slices.SortStableFunc(events, func(a, b annotationEvent) int { return a.Time.Compare(b.Time) })
	return events
}

// incidentAnnotation shows an incident as a region from its opening to its resolution (an
// instant while it is open).
func incidentAnnotation(in incidentRow) annotationEvent {
	text := in.Description
	if text == "" {
		text = fmt.Sprintf("%s incident on %s/%s", in.Severity, in.Service, in.SLO)
	}
	text += " (" + in.Status + ")"
	return annotationEvent{
		Time: in.OpenedAt, TimeEnd: in.ResolvedAt, Title: in.Title, Text: text,
		Tags: []string{"sloguard", "incident", in.Service, in.SLO, in.Severity, in.Status},
	}
}

// transitionAnnotation shows an alert's change of state as an instant.
func transitionAnnotation(tr transitionRow) annotationEvent {
	text := fmt.Sprintf("%s alert %s on %s/%s: %s -> %s", tr.Severity, tr.Rule, tr.Service, tr.SLO, tr.From, tr.To)
	var rates []string
	if tr.BurnRateLong != nil {
		rates = append(rates, burnRateText(*tr.BurnRateLong, tr.LongWindow))
	}
	if tr.BurnRateShort != nil {
		rates = append(rates, burnRateText(*tr.BurnRateShort, tr.ShortWindow))
	}
	if len(rates) > 0 {
		text += "; burn rate " + strings.Join(rates, ", ")
	}
	return annotationEvent{
		Time:  tr.At,
		Title: fmt.Sprintf("%s/%s %s %s", tr.Service, tr.SLO, tr.Rule, tr.To),
		Text:  text,
		Tags:  []string{"sloguard", "alert", tr.Service, tr.SLO, tr.Rule, tr.Severity, tr.To},
	}
}

func burnRateText(rate float64, window string) string {
	s := strconv.FormatFloat(rate, 'f', 2, 64) + "x"
	if window != "" {
		s += " over " + window
	}
	return s
}

// annotationsFrame is the annotation frame: time, timeEnd (null for an instant), title,
// text and tags (comma-separated: Grafana splits the tags field on commas, so a comma inside
// a tag becomes a space).
func annotationsFrame(events []annotationEvent) *data.Frame {
	n := len(events)
	times, ends := make([]time.Time, n), make([]*time.Time, n)
	title, text, tags := make([]string, n), make([]string, n), make([]string, n)
	for i, e := range events {
		times[i], ends[i], title[i], text[i] = e.Time, e.TimeEnd, e.Title, e.Text
		clean := make([]string, 0, len(e.Tags))
		for _, t := range e.Tags {
			if t = strings.TrimSpace(strings.ReplaceAll(t, ",", " ")); t != "" {
				clean = append(clean, t)
			}
		}
		tags[i] = strings.Join(clean, ",")
	}
	frame := data.NewFrame("annotations",
		data.NewField("time", nil, times),
		data.NewField("timeEnd", nil, ends),
		data.NewField("title", nil, title),
		data.NewField("text", nil, text),
		data.NewField("tags", nil, tags),
	)
	frame.Meta = &data.FrameMeta{Type: data.FrameTypeTable, TypeVersion: frameTypeVersion}
	return frame
}
