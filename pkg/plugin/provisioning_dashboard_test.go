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
		List []dashboardVariable `json:"list"`
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

// dashboardVariable is a query variable of the data source: its query is what the front
// end's variable support (src/variables.ts) reads, the services or the SLOs of a service.
type dashboardVariable struct {
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Datasource *datasourceRef `json:"datasource"`
	IncludeAll bool           `json:"includeAll"`
	Query      struct {
		Kind    string `json:"kind"`
		Service string `json:"service"`
	} `json:"query"`
	Current struct {
		Value string `json:"value"`
	} `json:"current"`
}

// allValue is the value of a variable's All option; the front end sends it to the backend as
// "" (every service or SLO).
const allValue = "$__all"

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
	Datasource *datasourceRef `json:"datasource"`
}

// answersTable reports whether the query answers table frames rather than time series.
func (q panelTarget) answersTable() bool {
	return tableQueryTypes[q.QueryType] || (q.QueryType == "journey_steps" && q.Mode != journeyModeTimeseries)
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
// with the variables set to vars, and returns it.
func checkTarget(t *testing.T, what string, cfg *slo.Config, raw json.RawMessage, vars map[string]string) panelTarget {
	t.Helper()
	var q panelTarget
	if err := json.Unmarshal(raw, &q); err != nil {
		t.Errorf("%s: %v", what, err)
		return q
	}
	checkSLOGuardRef(t, what, q.Datasource)
	if _, ok := queryHandlers[q.QueryType]; !ok {
		t.Errorf("%s: query type %q is none of the plugin's %v", what, q.QueryType, queryTypes())
	}
	if _, err := selectSLOs(cfg, names(interpolate(q.Service, vars), nil), names(interpolate(q.SLO, vars), nil)); err != nil {
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
	return q
}

func TestProvisionedDashboardQueriesTheStackConfig(t *testing.T) {
	d, cfg := loadDashboard(t), stackConfig(t)
	if d.UID != "sloguard-overview" || d.SchemaVersion < 41 || d.Refresh != "30s" || d.Time.From != "now-24h" {
		t.Errorf("uid %q, schemaVersion %d, refresh %q, from %q: want sloguard-overview, a Grafana 12 or 13 schema, 30s, now-24h",
			d.UID, d.SchemaVersion, d.Refresh, d.Time.From)
	}

	// Service and SLO are the data source's variables: the services, and the SLOs of the
	// selected service, with All (every service or SLO) as the current value.
	wantKinds := map[string]string{"service": "services", "slo": "slos"}
	current := map[string]string{}
	for _, v := range d.Templating.List {
		checkSLOGuardRef(t, "variable "+v.Name, v.Datasource)
		if v.Type != "query" || v.Query.Kind != wantKinds[v.Name] || !v.IncludeAll {
			t.Errorf("variable %s: type %s, kind %q, includeAll %v: want a query of kind %q with All", v.Name, v.Type, v.Query.Kind, v.IncludeAll, wantKinds[v.Name])
		}
		if v.Current.Value != allValue {
			t.Errorf("variable %s starts at %q, want All", v.Name, v.Current.Value)
		}
		current[v.Name] = ""
	}
	if len(current) != 2 {
		t.Fatalf("variables %v, want service and slo", current)
	}
	for _, v := range d.Templating.List {
		if v.Name == "slo" && v.Query.Service != "$service" {
			t.Errorf("variable slo lists the SLOs of %q, want those of $service", v.Query.Service)
		}
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
			if q := checkTarget(t, what, cfg, raw, current); q.answersTable() == (p.Type == "timeseries") {
				t.Errorf("%s: a %s panel shows %s (table frames: %v)", what, p.Type, q.QueryType, q.answersTable())
			}
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
		if q := checkTarget(t, "annotation "+a.Name, cfg, *a.Target, current); q.QueryType != "annotations" {
			t.Errorf("annotation %s runs %q, want query type annotations", a.Name, q.QueryType)
		}
	}
	if annotations != 1 {
		t.Errorf("%d SLOGuard annotations, want the incidents and alerts annotation", annotations)
	}
}

// TestProvisionedDashboardQueriesAnswer runs every query of the dashboard, the annotation's
// included, through the served plugin against PostgreSQL, over the dashboard's 24 hours, for
// every choice of the variables: none may answer an error.
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
	choices := variableChoices(t, pc)
	if want := 1 + len(cfg.Services) + len(cfg.SLOs()); len(choices) != want {
		t.Errorf("%d variable choices, want All and every service and SLO: %d", len(choices), want)
	}
	for _, vars := range choices {
		t.Run(fmt.Sprintf("service=%q slo=%q", vars["service"], vars["slo"]), func(t *testing.T) {
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

// variableChoices returns every choice the dashboard's variables offer, as the front end
// sends them: the values the services and slos resources list for the stack's config, and
// All as "".
func variableChoices(t *testing.T, pc backend.PluginContext) []map[string]string {
	t.Helper()
	get := func(url string, v any) {
		r := callResource(t, pc, "GET", url, "")
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", url, r.Status, r.Body)
		}
		if err := json.Unmarshal(r.Body, v); err != nil {
			t.Fatal(err)
		}
	}
	var services []serviceInfo
	get("services", &services)
	choices := []map[string]string{{"service": "", "slo": ""}}
	for _, s := range services {
		choices = append(choices, map[string]string{"service": s.Name, "slo": ""})
		var slos []sloInfo
		get("slos?service="+s.Name, &slos)
		for _, o := range slos {
			choices = append(choices, map[string]string{"service": s.Name, "slo": o.SLO})
		}
	}
	return choices
}
