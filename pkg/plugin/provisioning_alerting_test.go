package plugin

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/sloguard/sloguard/pkg/slo"
)

// The Grafana-managed alert rules of provisioning/alerting must be the SLO config's fast_burn
// and slow_burn rules: the same windows, thresholds, `for` and severity, one rule per SLO
// that lists the rule, on instant burn_rate queries of the provisioned data source.

// The burn-rate rules the stack's Grafana alerting mirrors.
var mirroredRules = []string{"fast_burn", "slow_burn"}

type alertRuleFile struct {
	Groups []struct {
		Name     string      `yaml:"name"`
		Folder   string      `yaml:"folder"`
		Interval string      `yaml:"interval"`
		Rules    []alertRule `yaml:"rules"`
	} `yaml:"groups"`
}

type alertRule struct {
	UID          string            `yaml:"uid"`
	Title        string            `yaml:"title"`
	Condition    string            `yaml:"condition"`
	DashboardUID string            `yaml:"dashboardUid"`
	PanelID      int               `yaml:"panelId"`
	For          string            `yaml:"for"`
	NoDataState  string            `yaml:"noDataState"`
	Labels       map[string]string `yaml:"labels"`
	Annotations  map[string]string `yaml:"annotations"`
	Data         []alertQuery      `yaml:"data"`
	ExecErrState string            `yaml:"execErrState"`
}

type alertQuery struct {
	RefID             string `yaml:"refId"`
	DatasourceUID     string `yaml:"datasourceUid"`
	RelativeTimeRange struct {
		From int `yaml:"from"`
		To   int `yaml:"to"`
	} `yaml:"relativeTimeRange"`
	Model map[string]any `yaml:"model"`
}

// model decodes the query's model as the plugin reads DataQuery.JSON.
func (q alertQuery) model(t *testing.T) queryModel {
	t.Helper()
	var m queryModel
	if err := json.Unmarshal(queryJSON(t, q.Model), &m); err != nil {
		t.Fatalf("query %s: %v", q.RefID, err)
	}
	return m
}

func loadAlertRules(t *testing.T) []alertRule {
	t.Helper()
	var f alertRuleFile
	readYAML(t, "provisioning/alerting/sloguard-rules.yaml", &f)
	var rules []alertRule
	for _, g := range f.Groups {
		if _, err := time.ParseDuration(g.Interval); err != nil {
			t.Errorf("group %s: interval %q", g.Name, g.Interval)
		}
		rules = append(rules, g.Rules...)
	}
	return rules
}

// burnCondition is the math expression of a rule: both windows above one threshold.
var burnCondition = regexp.MustCompile(`^\$A > ([0-9.]+) && \$B > ([0-9.]+)$`)

func TestProvisionedAlertRulesMirrorTheSLORules(t *testing.T) {
	cfg := stackConfig(t)
	rules := loadAlertRules(t)
	seen := map[string]bool{}
	for _, r := range rules {
		what := fmt.Sprintf("rule %s", r.UID)
		name := r.Labels["sloguard_rule"]
		def, ok := cfg.Rules[name]
		if !ok || !slices.Contains(mirroredRules, name) {
			t.Errorf("%s: label sloguard_rule %q is none of %v", what, name, mirroredRules)
			continue
		}
		if len(r.Data) != 3 || r.Condition != "C" {
			t.Errorf("%s: want queries A, B and the condition C, got %d queries, condition %s", what, len(r.Data), r.Condition)
			continue
		}
		a, b, c := r.Data[0], r.Data[1], r.Data[2]
		ma, mb := a.model(t), b.model(t)
		s, err := selectSLOs(cfg, names(ma.Service, nil), names(ma.SLO, nil))
		if err != nil || len(s) != 1 || mb.Service != ma.Service || mb.SLO != ma.SLO {
			t.Errorf("%s: A and B must select the same single SLO (%v)", what, err)
			continue
		}
		sl := s[0]
		seen[name+" "+sl.ID()] = true
		if !slices.Contains(sl.AlertRules, name) {
			t.Errorf("%s: %s does not list %s", what, sl.ID(), name)
		}
		for _, q := range []struct {
			query  alertQuery
			model  queryModel
			ref    string
			window time.Duration
		}{{a, ma, "A", def.Long}, {b, mb, "B", def.Short}} {
			windows, err := parseWindows("windows", q.model.Windows, nil)
			if q.query.RefID != q.ref || q.query.DatasourceUID != "sloguard" || q.model.QueryType != "burn_rate" || !q.model.Instant ||
				err != nil || len(windows) != 1 || windows[0] != q.window {
				t.Errorf("%s: query %s must be an instant burn_rate of sloguard over %s, got %+v", what, q.ref, slo.FormatWindow(q.window), q.model)
			}
			if q.query.RelativeTimeRange.From <= 0 || q.query.RelativeTimeRange.To != 0 {
				t.Errorf("%s: query %s must end now", what, q.ref)
			}
		}
		want := def.Threshold(sl.Window)
		m := burnCondition.FindStringSubmatch(fmt.Sprint(c.Model["expression"]))
		if c.DatasourceUID != "__expr__" || c.Model["type"] != "math" || m == nil || m[1] != m[2] {
			t.Errorf("%s: condition %v, want the math `$A > t && $B > t`", what, c.Model)
			continue
		}
		if got, _ := strconv.ParseFloat(m[1], 64); math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s: threshold %v, want %v (%s over a %s window)", what, got, want, name, sl.WindowText)
		}
		if d, err := time.ParseDuration(r.For); err != nil || d != def.For {
			t.Errorf("%s: for %q, want %s", what, r.For, def.For)
		}
		if r.Labels["severity"] != def.Severity || r.Labels["service"] != sl.Service || r.Labels["slo"] != sl.Name || r.Labels["team"] == "" {
			t.Errorf("%s: labels %v, want severity %s, service %s, slo %s and a team", what, r.Labels, def.Severity, sl.Service, sl.Name)
		}
		if r.NoDataState != "OK" || r.Annotations["summary"] == "" {
			t.Errorf("%s: want noDataState OK (no data never pages) and a summary", what)
		}
		if !linksBurnRatePanel(t, r) {
			t.Errorf("%s: dashboardUid %q panelId %d is no burn_rate panel of the provisioned dashboard", what, r.DashboardUID, r.PanelID)
		}
	}
	for _, s := range cfg.SLOs() {
		for _, name := range mirroredRules {
			if slices.Contains(s.AlertRules, name) && !seen[name+" "+s.ID()] {
				t.Errorf("no Grafana rule mirrors %s of %s", name, s.ID())
			}
		}
	}
}

// linksBurnRatePanel reports whether the rule links a burn_rate panel of the provisioned
// dashboard, where Grafana draws the rule's state changes.
func linksBurnRatePanel(t *testing.T, r alertRule) bool {
	t.Helper()
	d := loadDashboard(t)
	if r.DashboardUID != d.UID {
		return false
	}
	for _, p := range d.Panels {
		for _, raw := range p.Targets {
			var q panelTarget
			if p.ID == r.PanelID && json.Unmarshal(raw, &q) == nil && q.QueryType == "burn_rate" {
				return true
			}
		}
	}
	return false
}

func TestProvisionedNotificationsReachTheStack(t *testing.T) {
	c := loadCompose(t)
	var f struct {
		ContactPoints []struct {
			Name      string `yaml:"name"`
			Receivers []struct {
				Type     string         `yaml:"type"`
				Settings map[string]any `yaml:"settings"`
			} `yaml:"receivers"`
		} `yaml:"contactPoints"`
		Policies []struct {
			Receiver string `yaml:"receiver"`
			Routes   []struct {
				Receiver       string     `yaml:"receiver"`
				ObjectMatchers [][]string `yaml:"object_matchers"`
			} `yaml:"routes"`
		} `yaml:"policies"`
	}
	readYAML(t, "provisioning/alerting/notifications.yaml", &f)
	points := map[string]bool{}
	for _, cp := range f.ContactPoints {
		points[cp.Name] = true
		for _, r := range cp.Receivers {
			switch r.Type {
			case "pagerduty", "slack":
				checkStackURL(t, c, cp.Name+" "+r.Type+" url", fmt.Sprint(r.Settings["url"]))
			case "email":
				if c.Services["grafana"].Environment["GF_SMTP_HOST"] != "mailpit:1025" {
					t.Errorf("%s mails through %q, want the stack's mailpit:1025", cp.Name, c.Services["grafana"].Environment["GF_SMTP_HOST"])
				}
			default:
				t.Errorf("%s: unexpected integration %s", cp.Name, r.Type)
			}
		}
	}
	if len(f.Policies) != 1 || !points[f.Policies[0].Receiver] {
		t.Fatalf("want one policy tree with a defined default contact point, got %+v", f.Policies)
	}
	routed := map[string]bool{}
	for _, r := range f.Policies[0].Routes {
		if !points[r.Receiver] {
			t.Errorf("a route sends to %s, which is no contact point", r.Receiver)
		}
		for _, m := range r.ObjectMatchers {
			if len(m) == 3 && m[0] == "route" && m[1] == "=" {
				routed[m[2]] = true
			}
		}
	}
	for _, r := range loadAlertRules(t) {
		if !routed[r.Labels["route"]] {
			t.Errorf("rule %s has route label %q, which no policy matches", r.UID, r.Labels["route"])
		}
	}
}

// TestProvisionedAlertQueriesAnswerOneNumber runs each rule's queries as Grafana alerting
// does (header FromAlert) and reads them as server-side expressions do: each must be ONE
// number, so that the math condition combines A and B although their window labels differ.
func TestProvisionedAlertQueriesAnswerOneNumber(t *testing.T) {
	_, db := contractSetup(t)
	insertPanelsFixture(t, db)
	pc := healthyContext(t, db)
	for _, r := range loadAlertRules(t) {
		var queries []backend.DataQuery
		for _, q := range r.Data[:2] {
			rng := backend.TimeRange{From: panelsTo.Add(-time.Duration(q.RelativeTimeRange.From) * time.Second), To: panelsTo}
			queries = append(queries, backend.DataQuery{RefID: q.RefID, TimeRange: rng, Interval: time.Minute, MaxDataPoints: 43200, JSON: queryJSON(t, q.Model)})
		}
		answers := queryAll(t, pc, map[string]string{backend.FromAlertHeaderName: "true"}, queries...)
		for _, q := range queries {
			v := readLikeSSE(t, mustAnswer(t, r.UID+" "+q.RefID, answers[q.RefID]))
			if v.kind != data.KindNumeric || len(v.labels) != 1 {
				t.Errorf("rule %s query %s: %s with %d items, want one number", r.UID, q.RefID, v.kind, len(v.labels))
			}
		}
	}
}
