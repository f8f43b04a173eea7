package plugin

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"gopkg.in/yaml.v3"

	"github.com/sloguard/sloguard/pkg/slo"
)

// repoRoot is the repository root, two levels above this package.
const repoRoot = "../.."

// Docker cannot run on the machines that test SLOGuard, so the stack's files are checked
// statically: what docker compose would read must exist and agree with the plugin.

type composeFile struct {
	Services map[string]struct {
		Build       any               `yaml:"build"`
		Image       string            `yaml:"image"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestComposeStackIsConsistent(t *testing.T) {
	var c composeFile
	readYAML(t, "docker-compose.yaml", &c)
	grafana, ok := c.Services["grafana"]
	if !ok {
		t.Fatal("no grafana service")
	}
	if grafana.Build != "." {
		t.Errorf("grafana builds %v, want the repository (.)", grafana.Build)
	}
	if got := grafana.Environment["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"]; got != ID {
		t.Errorf("unsigned plugin allowed = %q, want %q", got, ID)
	}
	if _, ok := c.Services["postgres"]; !ok {
		t.Error("no postgres service")
	}
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			host, _, _ := strings.Cut(v, ":")
			if _, err := os.Stat(filepath.Join(repoRoot, host)); err != nil {
				t.Errorf("service %s mounts %s, which does not exist", name, host)
			}
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("service %s publishes %s beyond localhost", name, p)
			}
		}
	}
}

func TestDockerfileCopiesFilesThatExist(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	copyLine := regexp.MustCompile(`(?m)^COPY\s+(.+)$`)
	for _, m := range copyLine.FindAllStringSubmatch(string(data), -1) {
		fields := strings.Fields(m[1])
		if strings.HasPrefix(fields[0], "--from=") {
			continue
		}
		for _, src := range fields[:len(fields)-1] {
			if _, err := os.Stat(filepath.Join(repoRoot, src)); err != nil {
				t.Errorf("Dockerfile copies %s, which does not exist", src)
			}
		}
	}
	if !strings.Contains(string(data), "/var/lib/grafana/plugins/"+ID) {
		t.Errorf("Dockerfile does not install the plugin at /var/lib/grafana/plugins/%s", ID)
	}
}

func TestProvisionedDatasourceLoads(t *testing.T) {
	var p struct {
		Datasources []struct {
			Type           string            `yaml:"type"`
			UID            string            `yaml:"uid"`
			JSONData       map[string]any    `yaml:"jsonData"`
			SecureJSONData map[string]string `yaml:"secureJsonData"`
		} `yaml:"datasources"`
	}
	readYAML(t, "provisioning/datasources/sloguard.yaml", &p)
	if len(p.Datasources) != 1 || p.Datasources[0].Type != ID || p.Datasources[0].UID == "" {
		t.Fatalf("want one %s data source with a fixed uid, got %+v", ID, p.Datasources)
	}
	ds := p.Datasources[0]
	raw, err := json.Marshal(ds.JSONData)
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSettings(backend.DataSourceInstanceSettings{JSONData: raw, DecryptedSecureJSONData: ds.SecureJSONData})
	if err != nil {
		t.Fatalf("the provisioned settings are invalid: %v", err)
	}
	// The compose stack mounts provisioning/sloguard at /etc/sloguard.
	local := strings.Replace(s.SLOConfigPath, "/etc/sloguard/", "provisioning/sloguard/", 1)
	data, err := os.ReadFile(filepath.Join(repoRoot, local))
	if err != nil {
		t.Fatalf("sloConfigPath %s: %v", s.SLOConfigPath, err)
	}
	cfg, diags := slo.Parse(data)
	if len(diags) > 0 {
		t.Errorf("the stack's SLO config has diagnostics: %v", diags)
	}
	if cfg == nil || len(cfg.SLOs()) != 4 {
		t.Errorf("the stack's SLO config should define the seed's 4 SLOs")
	}
}
