package plugin

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/sloguard/sloguard/pkg/slo"
)

// dashboardFile is the stack's one provisioned dashboard, in provisioning/dashboards.
const dashboardFile = "sloguard-overview.json"

// dashboardJSON is the part of a dashboard the checks read.
type dashboardJSON struct {
	UID           string `json:"uid"`
	SchemaVersion int    `json:"schemaVersion"`
	Refresh       string `json:"refresh"`
	Time          struct {
		From string `json:"from"`
	} `json:"time"`
	Templating struct {
		List []struct {
			Type    string `json:"type"`
			Name    string `json:"name"`
			Query   string `json:"query"`
			Current struct {
				Value string `json:"value"`
			} `json:"current"`
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name       string           `json:"name"`
			Datasource *datasourceRef   `json:"datasource"`
			Target     *json.RawMessage `json:"target"`
		} `json:"list"`
	} `json:"annotations"`
	Panels []dashboardPanel `json:"panels"`
}

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type dashboardPanel struct {
	ID          int                `json:"id"`
	Type        string             `json:"type"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Datasource  *datasourceRef     `json:"datasource"`
	GridPos     struct{ X, W int } `json:"gridPos"`
	Targets     []json.RawMessage  `json:"targets"`
}

// panelTarget is a panel query as the query editor writes it.
type panelTarget struct {
	queryModel
	journeyQueryModel
	RefID      string         `json:"refId"`
	Datasource *datasourceRef `json:"datasource"`
}

func loadDashboard(t *testing.T) dashboardJSON {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "provisioning/dashboards", dashboardFile))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboardJSON
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	return d
}

// variableValues returns the values each template variable of the dashboard offers.
func (d dashboardJSON) variableValues() map[string][]string {
	out := map[string][]string{}
	for _, v := range d.Templating.List {
		for _, opt := range strings.Split(v.Query, ",") {
			out[v.Name] = append(out[v.Name], strings.TrimSpace(opt))
		}
	}
	return out
}

// interpolate replaces $name and ${name} of the given variables in s.
func interpolate(s string, vars map[string]string) string {
	for name, v := range vars {
		s = strings.ReplaceAll(s, "${"+name+"}", v)
		s = strings.ReplaceAll(s, "$"+name, v)
	}
	return s
}

// checkSLOGuardRef checks that a datasource reference is the provisioned data source.
func checkSLOGuardRef(t *testing.T, what string, ref *datasourceRef) {
	t.Helper()
	if ref == nil || ref.UID != "sloguard" || ref.Type != ID {
		t.Errorf("%s: datasource %+v, want {type %s, uid sloguard}", what, ref, ID)
	}
}

// checkTarget checks a query against the plugin's query types and the stack's SLO config,
// with the variables set to vars.
func checkTarget(t *testing.T, what string, cfg *slo.Config, raw json.RawMessage, vars map[string]string) {
	t.Helper()
	var q panelTarget
	if err := json.Unmarshal(raw, &q); err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	checkSLOGuardRef(t, what, q.Datasource)
	if _, ok := queryHandlers[q.QueryType]; !ok {
		t.Errorf("%s: query type %q is none of the plugin's %v", what, q.QueryType, queryTypes())
	}
	if _, err := selectSLOs(cfg, interpolate(q.Service, vars), interpolate(q.SLO, vars)); err != nil {
		t.Errorf("%s: %v", what, err)
	}
	if _, err := parseWindows("windows", q.Windows, nil); err != nil {
		t.Errorf("%s: %v", what, err)
	}
	if q.Window != "" {
		if _, err := parseWindow("window", q.Window); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	if !slices.Contains([]string{"", journeyModeTable, journeyModeTimeseries}, q.Mode) {
		t.Errorf("%s: mode %q", what, q.Mode)
	}
}

func TestProvisionedDashboardQueriesTheStackConfig(t *testing.T) {
	d, cfg := loadDashboard(t), stackConfig(t)
	if d.UID != "sloguard-overview" || d.SchemaVersion < 39 || d.Refresh != "30s" || d.Time.From != "now-24h" {
		t.Errorf("uid %q, schemaVersion %d, refresh %q, from %q: want sloguard-overview, a Grafana 12+ schema, 30s, now-24h",
			d.UID, d.SchemaVersion, d.Refresh, d.Time.From)
	}

	// Custom variables offer names of the config; their current values select an SLO.
	names := map[string][]string{}
	for _, s := range cfg.SLOs() {
		names["service"] = append(names["service"], s.Service)
		names["slo"] = append(names["slo"], s.Name)
	}
	current := map[string]string{}
	for _, v := range d.Templating.List {
		for _, opt := range d.variableValues()[v.Name] {
			if !slices.Contains(names[v.Name], opt) {
				t.Errorf("variable %s offers %q, which is no %s of the SLO config", v.Name, opt, v.Name)
			}
		}
		current[v.Name] = v.Current.Value
	}
	if _, err := selectSLOs(cfg, current["service"], current["slo"]); err != nil {
		t.Errorf("the variables' current values select nothing: %v", err)
	}

	ids := map[int]bool{}
	queries := 0
	for _, p := range d.Panels {
		what := fmt.Sprintf("panel %d %q", p.ID, p.Title)
		if ids[p.ID] {
			t.Errorf("%s: duplicate id", what)
		}
		ids[p.ID] = true
		if p.GridPos.X < 0 || p.GridPos.W <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("%s: gridPos x %d w %d is outside the 24 columns", what, p.GridPos.X, p.GridPos.W)
		}
		if p.Type == "row" {
			continue
		}
		if strings.TrimSpace(p.Description) == "" {
			t.Errorf("%s: no description", what)
		}
		checkSLOGuardRef(t, what, p.Datasource)
		if len(p.Targets) == 0 {
			t.Errorf("%s: no query", what)
		}
		for _, raw := range p.Targets {
			checkTarget(t, what, cfg, raw, current)
			queries++
		}
	}
	if queries < 10 {
		t.Errorf("%d panel queries; the overview should show far more", queries)
	}

	annotations := 0
	for _, a := range d.Annotations.List {
		if a.Target == nil {
			continue
		}
		annotations++
		checkSLOGuardRef(t, "annotation "+a.Name, a.Datasource)
		checkTarget(t, "annotation "+a.Name, cfg, *a.Target, current)
		var q panelTarget
		if err := json.Unmarshal(*a.Target, &q); err != nil || q.QueryType != "annotations" {
			t.Errorf("annotation %s runs %q, want query type annotations", a.Name, q.QueryType)
		}
	}
	if annotations != 1 {
		t.Errorf("%d SLOGuard annotations, want the incidents and alerts annotation", annotations)
	}
}

// TestProvisionedDashboardQueriesAnswer runs every query of the dashboard, the annotation's
// included, through the served plugin against PostgreSQL, over the dashboard's 24 hours, for
// every pair of variable values that names an SLO of the config: none may answer an error.
func TestProvisionedDashboardQueriesAnswer(t *testing.T) {
	_, db := contractSetup(t)
	insertPanelsFixture(t, db)
	pc := healthyContext(t, db)
	d, cfg := loadDashboard(t), stackConfig(t)

	type namedQuery struct {
		what string
		raw  json.RawMessage
	}
	var all []namedQuery
	for _, p := range d.Panels {
		for _, raw := range p.Targets {
			all = append(all, namedQuery{fmt.Sprintf("panel %d %q", p.ID, p.Title), raw})
		}
	}
	for _, a := range d.Annotations.List {
		if a.Target != nil {
			all = append(all, namedQuery{"annotation " + a.Name, *a.Target})
		}
	}

	rng := backend.TimeRange{From: panelsTo.Add(-24 * time.Hour), To: panelsTo}
	values := d.variableValues()
	for _, s := range cfg.SLOs() {
		if !slices.Contains(values["service"], s.Service) || !slices.Contains(values["slo"], s.Name) {
			t.Errorf("the variables cannot select %s", s.ID())
			continue
		}
		vars := map[string]string{"service": s.Service, "slo": s.Name}
		t.Run(s.ID(), func(t *testing.T) {
			queries := make([]backend.DataQuery, len(all))
			for i, q := range all {
				var fields map[string]any
				if err := json.Unmarshal([]byte(interpolate(string(q.raw), vars)), &fields); err != nil {
					t.Fatal(err)
				}
				fields["refId"] = fmt.Sprintf("Q%d", i)
				queries[i] = backend.DataQuery{RefID: fmt.Sprintf("Q%d", i), QueryType: fields["queryType"].(string),
					TimeRange: rng, Interval: time.Minute, MaxDataPoints: 1000, JSON: queryJSON(t, fields)}
			}
			answers := queryAll(t, pc, nil, queries...)
			for i, q := range all {
				r := answers[fmt.Sprintf("Q%d", i)]
				if r.Error != nil {
					t.Errorf("%s: %v", q.what, r.Error)
				} else if len(r.Frames) == 0 {
					t.Errorf("%s: no frame", q.what)
				}
			}
		})
	}
}
