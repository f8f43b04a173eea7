package plugin

import (
	"encoding/json"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/sloguard/sloguard/pkg/slo"
)

// What Grafana reads in the stack: the provisioned data source, the dashboard provider and
// the files they point at, checked against the plugin's own settings parsing and the stack's
// SLO config.

// provisionedDatasource is a data source of provisioning/datasources/sloguard.yaml.
type provisionedDatasource struct {
	Type           string            `yaml:"type"`
	UID            string            `yaml:"uid"`
	JSONData       map[string]any    `yaml:"jsonData"`
	SecureJSONData map[string]string `yaml:"secureJsonData"`
}

// grafanaProvisioningDir is where the stack mounts provisioning/<kind> in the grafana service.
const grafanaProvisioningDir = "/etc/grafana/provisioning"

// stackDatasource returns the provisioned SLOGuard data source and its settings as the plugin
// loads them; ${VAR} in secureJsonData is expanded from the grafana service's environment,
// as Grafana's provisioning does.
func stackDatasource(t *testing.T, c composeFile) (provisionedDatasource, Settings) {
	t.Helper()
	var p struct {
		Datasources []provisionedDatasource `yaml:"datasources"`
	}
	readYAML(t, "provisioning/datasources/sloguard.yaml", &p)
	if len(p.Datasources) != 1 || p.Datasources[0].Type != ID || p.Datasources[0].UID != "sloguard" {
		t.Fatalf("want one %s data source with the fixed uid sloguard, got %+v", ID, p.Datasources)
	}
	ds := p.Datasources[0]
	raw, err := json.Marshal(ds.JSONData)
	if err != nil {
		t.Fatal(err)
	}
	env := c.Services["grafana"].Environment
	secure := map[string]string{}
	for k, v := range ds.SecureJSONData {
		secure[k] = os.Expand(v, func(name string) string { return env[name] })
	}
	s, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: raw, DecryptedSecureJSONData: secure})
	if err != nil {
		t.Fatalf("the provisioned settings are invalid: %v", err)
	}
	return ds, s
}

// stackConfig parses the stack's SLO config, which every provisioned file must agree with.
func stackConfig(t *testing.T) *slo.Config {
	t.Helper()
	cfg, diags := slo.Parse([]byte(contractConfig))
	if cfg == nil || len(diags) > 0 {
		t.Fatalf("provisioning/sloguard/slo.yaml: %v", diags)
	}
	return cfg
}

// checkStackURL checks that a URL of a provisioned file reaches a service of the stack
// (Grafana and the plugin run inside the compose network).
func checkStackURL(t *testing.T, c composeFile, what, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Errorf("%s %q is not a URL", what, raw)
		return
	}
	if _, ok := c.Services[u.Hostname()]; !ok {
		t.Errorf("%s %s: host %s is no service of docker-compose.yaml", what, raw, u.Hostname())
	}
}

func TestProvisionedDatasourceReachesTheStack(t *testing.T) {
	c := loadCompose(t)
	ds, s := stackDatasource(t, c)
	grafana, pg := c.Services["grafana"], c.Services["postgres"]

	if _, ok := c.Services[s.DB.Host]; !ok || s.DB.Port != 5432 || s.DB.User != pg.Environment["POSTGRES_USER"] ||
		s.DB.Database != pg.Environment["POSTGRES_DB"] || s.DB.Password != pg.Environment["POSTGRES_PASSWORD"] {
		t.Errorf("the data source does not reach the postgres service's database as its user: %s:%d/%s", s.DB.Host, s.DB.Port, s.DB.Database)
	}
	local, ok := grafana.hostPath(s.SLOConfigPath)
	if !ok {
		t.Fatalf("sloConfigPath %s is in none of grafana's mounted directories", s.SLOConfigPath)
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, local))
	if err != nil {
		t.Fatalf("sloConfigPath %s: %v", s.SLOConfigPath, err)
	}
	if string(data) != contractConfig {
		t.Errorf("sloConfigPath %s is %s, not the stack's SLO config", s.SLOConfigPath, local)
	}
	if len(stackConfig(t).SLOs()) != 4 {
		t.Errorf("the stack's SLO config should define the seed's 4 SLOs")
	}

	if !s.DetectionEnabled {
		t.Error("detection is off: the stack would never notify")
	}
	_, active, problems := BuildNotifiers(s, stackConfig(t).Channels)
	if want := []string{"email", "pager", "slack"}; !slices.Equal(active, want) || len(problems) > 0 {
		t.Errorf("notification channels %v (problems %v), want %v", active, problems, want)
	}
	checkStackURL(t, c, "secureJsonData.slackWebhookUrl", ds.SecureJSONData["slackWebhookUrl"])
	checkStackURL(t, c, "jsonData.pagerDutyEndpoint", s.Notify.PagerDutyEndpoint)
	if _, ok := c.Services[s.Notify.SMTPHost]; !ok || s.Notify.SMTPTLS != "none" {
		t.Errorf("email goes to %s (tls %q), want the stack's mailpit without TLS", s.Notify.SMTPHost, s.Notify.SMTPTLS)
	}

	// The links in notifications open the provisioned dashboard, as published on localhost.
	u, err := url.Parse(s.DashboardURL)
	if err != nil || u.Path != "/d/"+loadDashboard(t).UID {
		t.Errorf("dashboardUrl %q does not open the provisioned dashboard", s.DashboardURL)
	}
	if !slices.Contains(grafana.Ports, "127.0.0.1:"+u.Port()+":3000") {
		t.Errorf("dashboardUrl %q is not where grafana is published (%v)", s.DashboardURL, grafana.Ports)
	}
}

func TestGrafanaMountsEveryProvisioningKind(t *testing.T) {
	grafana := loadCompose(t).Services["grafana"]
	for _, kind := range []string{"datasources", "dashboards", "alerting"} {
		host, ok := grafana.hostPath(path.Join(grafanaProvisioningDir, kind))
		if !ok || host != "provisioning/"+kind {
			t.Errorf("grafana mounts %s at %s, want provisioning/%s", host, path.Join(grafanaProvisioningDir, kind), kind)
		}
	}

	var p struct {
		Providers []struct {
			Type    string `yaml:"type"`
			Folder  string `yaml:"folder"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, "provisioning/dashboards/sloguard.yaml", &p)
	if len(p.Providers) != 1 || p.Providers[0].Type != "file" {
		t.Fatalf("want one file dashboard provider, got %+v", p.Providers)
	}
	// Both find the folder by its title: a folder uid on one side only would make two.
	var rules alertRuleFile
	readYAML(t, "provisioning/alerting/sloguard-rules.yaml", &rules)
	for _, g := range rules.Groups {
		if g.Folder != p.Providers[0].Folder {
			t.Errorf("alert rule group %s is in folder %q, the dashboards in %q", g.Name, g.Folder, p.Providers[0].Folder)
		}
	}
	host, ok := grafana.hostPath(p.Providers[0].Options.Path)
	if !ok {
		t.Fatalf("the dashboard provider reads %s, which grafana does not mount", p.Providers[0].Options.Path)
	}
	entries, err := os.ReadDir(filepath.Join(repoRoot, host))
	if err != nil {
		t.Fatal(err)
	}
	var dashboards []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			dashboards = append(dashboards, e.Name())
		}
	}
	if !slices.Equal(dashboards, []string{dashboardFile}) {
		t.Errorf("the provider loads %v, want %s", dashboards, dashboardFile)
	}
}
