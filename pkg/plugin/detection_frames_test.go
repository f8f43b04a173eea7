package plugin

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
)

func pointerTo[T any](v T) *T { return &v }

// Rows as the detection loop fills them: a fast burn firing on payment availability
// since 10:02 (14.4x threshold, burning 16x over 1h and 20x over 5m) that opened an incident,
// resolved at 10:47; a budget alert without burn rates.
var (
	fixedOpened   = time.Date(2026, 11, 1, 10, 2, 0, 0, time.UTC)
	fixedResolved = time.Date(2026, 11, 1, 10, 47, 30, 0, time.UTC)
	fixedAlerts   = []alertRow{
		{
			ID: "a-1", Service: "payment_service", SLO: "availability", Rule: "fast_burn", Severity: "critical",
			State: "firing", Since: fixedOpened, Updated: fixedOpened.Add(5 * time.Minute), LongWindow: "1h", ShortWindow: "5m",
			BurnRateLong: pointerTo(16.0), BurnRateShort: pointerTo(20.0), Threshold: pointerTo(14.4), BudgetRemaining: pointerTo(0.62),
		},
		{
			ID: "a-2", Service: "payment_service", SLO: "availability", Rule: "budget_exhaustion", Severity: "major",
			State: "inactive", Since: fixedOpened.Add(-time.Hour), Updated: fixedOpened.Add(5 * time.Minute),
			Threshold: pointerTo(0.1), BudgetRemaining: pointerTo(0.62),
		},
	}
	fixedIncidents = []incidentRow{
		{
			ID: "i-1", Title: "SLO violation: payment_service availability", Description: "Availability 98.40 % against 99.90 %",
			Severity: "critical", Service: "payment_service", SLO: "availability", Status: "resolved",
			OpenedAt: fixedOpened, ResolvedAt: pointerTo(fixedResolved), AlertID: "a-1",
		},
		{
			ID: "i-2", Title: "SLO violation: user_api availability", Severity: "critical", Service: "user_api",
			SLO: "availability", Status: "open", OpenedAt: fixedResolved, AlertID: "a-9",
		},
	}
	fixedTransitions = []transitionRow{
		{
			AlertID: "a-1", Service: "payment_service", SLO: "availability", Rule: "fast_burn", Severity: "critical",
			From: "pending", To: "firing", At: fixedOpened, LongWindow: "1h", ShortWindow: "5m",
			BurnRateLong: pointerTo(16.0), BurnRateShort: pointerTo(20.25),
		},
		{
			AlertID: "a-2", Service: "payment_service", SLO: "availability", Rule: "budget_exhaustion", Severity: "major",
			From: "firing", To: "resolved", At: fixedResolved,
		},
	}
)

// TestGoldenDetectionFramesWithRows pins the alerts, incidents and annotation frames as the
// detection loop fills them (testdata/*_rows.jsonc), so their columns and formatting do
// not drift from the empty frames the queries answer without records.
func TestGoldenDetectionFramesWithRows(t *testing.T) {
	for name, frame := range map[string]*data.Frame{
		"alerts_rows":      alertsFrame(fixedAlerts),
		"incidents_rows":   incidentsFrame(fixedIncidents),
		"annotations_rows": annotationsFrame(annotationEvents(fixedIncidents, fixedTransitions)),
	} {
		t.Run(name, func(t *testing.T) {
			dr := backend.DataResponse{Frames: data.Frames{frame}}
			experimental.CheckGoldenJSONResponse(t, panelsGoldenDir, name, &dr, panelsGoldenUpdate())
		})
	}
}

func TestDetectionFramesHaveTheDocumentedColumns(t *testing.T) {
	tests := []struct {
		name  string
		frame *data.Frame
		want  []string
	}{
		{"alerts", alertsFrame(nil), []string{"service", "slo", "rule", "severity", "state", "since", "burn_rate_long", "burn_rate_short", "threshold", "updated", "long_window", "short_window", "budget_remaining", "id"}},
		{"incidents", incidentsFrame(nil), []string{"id", "title", "severity", "service", "slo", "status", "opened_at", "resolved_at", "alert", "duration"}},
		{"annotations", annotationsFrame(nil), []string{"time", "timeEnd", "title", "text", "tags"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range tt.frame.Fields {
				got = append(got, f.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("columns %v, want %v", got, tt.want)
			}
			if tt.frame.Meta == nil || tt.frame.Meta.Type != data.FrameTypeTable {
				t.Errorf("meta %+v, want a table", tt.frame.Meta)
			}
			if n, _ := tt.frame.RowLen(); n != 0 {
				t.Errorf("%d rows, want none", n)
			}
		})
	}
}

func TestAnnotationEvents(t *testing.T) {
	tests := []struct {
		name string
		got  annotationEvent
		want annotationEvent
	}{
		{
			"a resolved incident is a region with its description and status",
			incidentAnnotation(fixedIncidents[0]),
			annotationEvent{Time: fixedOpened, TimeEnd: pointerTo(fixedResolved), Title: "SLO violation: payment_service availability",
				Text: "Availability 98.40 % against 99.90 % (resolved)", Tags: []string{"sloguard", "incident", "payment_service", "availability", "critical", "resolved"}},
		},
		{
			"an open incident is an instant; without a description the text names the SLO",
			incidentAnnotation(fixedIncidents[1]),
			annotationEvent{Time: fixedResolved, Title: "SLO violation: user_api availability",
				Text: "critical incident on user_api/availability (open)", Tags: []string{"sloguard", "incident", "user_api", "availability", "critical", "open"}},
		},
		{
			"a transition names the states and both burn rates with their windows",
			transitionAnnotation(fixedTransitions[0]),
			annotationEvent{Time: fixedOpened, Title: "payment_service/availability fast_burn firing",
				Text: "critical alert fast_burn on payment_service/availability: pending -> firing; burn rate 16.00x over 1h, 20.25x over 5m",
				Tags: []string{"sloguard", "alert", "payment_service", "availability", "fast_burn", "critical", "firing"}},
		},
		{
			"a transition without burn rates has none in its text",
			transitionAnnotation(fixedTransitions[1]),
			annotationEvent{Time: fixedResolved, Title: "payment_service/availability budget_exhaustion resolved",
				Text: "major alert budget_exhaustion on payment_service/availability: firing -> resolved",
				Tags: []string{"sloguard", "alert", "payment_service", "availability", "budget_exhaustion", "major", "resolved"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, w := tt.got, tt.want
			if !g.Time.Equal(w.Time) || (g.TimeEnd == nil) != (w.TimeEnd == nil) || (g.TimeEnd != nil && !g.TimeEnd.Equal(*w.TimeEnd)) ||
				g.Title != w.Title || g.Text != w.Text || !slices.Equal(g.Tags, w.Tags) {
				t.Errorf("got  %+v\nwant %+v", g, w)
			}
		})
	}
}

func TestAnnotationTagsAreOneCommaSeparatedString(t *testing.T) {
	f := annotationsFrame([]annotationEvent{{Time: fixedOpened, Title: "t", Text: "x", Tags: []string{"a", "b,c", " ", "d "}}})
	tags, _ := f.FieldByName("tags")
	if got := tags.At(0).(string); got != "a,b c,d" {
		t.Errorf("tags %q, want %q (Grafana splits on commas: one inside a tag becomes a space, blanks go)", got, "a,b c,d")
	}
	end, _ := f.FieldByName("timeEnd")
	if end.At(0).(*time.Time) != nil {
		t.Error("an instant has a timeEnd")
	}
}

func TestAnnotationKinds(t *testing.T) {
	tests := []struct {
		show              string
		incidents, alerts bool
		wantErrContaining string
	}{
		{"", true, true, ""},
		{"all", true, true, ""},
		{"incidents", true, false, ""},
		{"alerts", false, true, ""},
		{"incident", false, false, `show: "incident" is not one of all, incidents, alerts`},
	}
	for _, tt := range tests {
		t.Run(tt.show, func(t *testing.T) {
			incidents, alerts, err := annotationKinds(tt.show)
			if tt.wantErrContaining != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrContaining) {
					t.Fatalf("error %v, want %q", err, tt.wantErrContaining)
				}
				return
			}
			if err != nil || incidents != tt.incidents || alerts != tt.alerts {
				t.Errorf("annotationKinds(%q) = %v, %v, %v; want %v, %v", tt.show, incidents, alerts, err, tt.incidents, tt.alerts)
			}
		})
	}
}
