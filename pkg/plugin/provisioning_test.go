package plugin

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// repoRoot is the repository root, two levels above this package.
const repoRoot = "../.."

// Docker cannot run on the machines that test SLOGuard, so the stack's files are checked
// statically: what docker compose and docker build would read must exist and agree with
// each other and with the plugin. provisioning_*_test.go check what Grafana reads.

// composeFile is the part of docker-compose.yaml the checks read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Build       *composeBuild     `yaml:"build"`
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	DependsOn   composeDependsOn  `yaml:"depends_on"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

// composeBuild is `build:`, a context path or a mapping.
type composeBuild struct {
	Context    string `yaml:"context"`
	Dockerfile string `yaml:"dockerfile"`
	Target     string `yaml:"target"`
}

func (b *composeBuild) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		b.Context = n.Value
		return nil
	}
	type plain composeBuild
	return n.Decode((*plain)(b))
}

// composeDependsOn is `depends_on:`, a list of services or a mapping to conditions.
type composeDependsOn map[string]string

func (d *composeDependsOn) UnmarshalYAML(n *yaml.Node) error {
	*d = composeDependsOn{}
	if n.Kind == yaml.SequenceNode {
		var names []string
		if err := n.Decode(&names); err != nil {
			return err
		}
		for _, name := range names {
			(*d)[name] = "service_started"
		}
		return nil
	}
	var m map[string]struct {
		Condition string `yaml:"condition"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	for name, v := range m {
		(*d)[name] = v.Condition
	}
	return nil
}

// bindMount is one `host:container[:mode]` volume of a service whose host side is a path.
type bindMount struct{ host, container string }

// bindMounts returns the service's bind mounts; named volumes are skipped.
func (s composeService) bindMounts() []bindMount {
	var out []bindMount
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !(strings.HasPrefix(parts[0], ".") || strings.HasPrefix(parts[0], "/")) {
			continue
		}
		out = append(out, bindMount{host: path.Clean(parts[0]), container: path.Clean(parts[1])})
	}
	return out
}

// hostPath maps a path inside the service's container to the repository path it is mounted
// from; ok is false when no bind mount holds it.
func (s composeService) hostPath(container string) (string, bool) {
	container = path.Clean(container)
	for _, m := range s.bindMounts() {
		if rel, err := filepath.Rel(m.container, container); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return path.Join(m.host, rel), true
		}
	}
	return "", false
}

// flag returns the value after name in the service's command, "" when it has none.
func (s composeService) flag(name string) string {
	i := slices.Index(s.Command, name)
	if i < 0 || i+1 >= len(s.Command) {
		return ""
	}
	return s.Command[i+1]
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

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	readYAML(t, "docker-compose.yaml", &c)
	for _, name := range []string{"postgres", "grafana", "simulator", "receiver", "mailpit"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("docker-compose.yaml has no %s service", name)
		}
	}
	return c
}

func exists(p string) bool {
	_, err := os.Stat(filepath.Join(repoRoot, p))
	return err == nil
}

func TestComposeServicesAreConsistent(t *testing.T) {
	c := loadCompose(t)
	hostPorts := map[string]string{}
	for name, s := range c.Services {
		if s.Build == nil && s.Image == "" {
			t.Errorf("service %s has neither build nor image", name)
		}
		for _, m := range s.bindMounts() {
			if !exists(m.host) {
				t.Errorf("service %s mounts %s, which does not exist", name, m.host)
			}
		}
		for _, v := range s.Volumes {
			if host, _, _ := strings.Cut(v, ":"); !strings.HasPrefix(host, ".") && !strings.HasPrefix(host, "/") {
				if _, ok := c.Volumes[host]; !ok {
					t.Errorf("service %s uses volume %s, which is not defined", name, host)
				}
			}
		}
		for _, p := range s.Ports {
			parts := strings.Split(p, ":")
			if len(parts) != 3 || parts[0] != "127.0.0.1" {
				t.Errorf("service %s publishes %q: want 127.0.0.1:HOST:CONTAINER (never beyond localhost)", name, p)
				continue
			}
			if other, ok := hostPorts[parts[1]]; ok {
				t.Errorf("services %s and %s both publish host port %s", other, name, parts[1])
			}
			hostPorts[parts[1]] = name
		}
		for dep, cond := range s.DependsOn {
			d, ok := c.Services[dep]
			switch {
			case !ok:
				t.Errorf("service %s depends on %s, which is not defined", name, dep)
			case cond == "service_healthy" && d.Healthcheck == nil:
				t.Errorf("service %s waits for %s to be healthy, which has no healthcheck", name, dep)
			}
		}
	}
	for _, name := range []string{"grafana", "simulator"} {
		if c.Services[name].DependsOn["postgres"] != "service_healthy" {
			t.Errorf("service %s should start once PostgreSQL is healthy", name)
		}
	}
	if got := c.Services["grafana"].Environment["GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"]; got != ID {
		t.Errorf("grafana allows unsigned plugin %q, want %q", got, ID)
	}
	pg := c.Services["postgres"]
	if c.Services["grafana"].Environment["SLOGUARD_DB_PASSWORD"] != pg.Environment["POSTGRES_PASSWORD"] {
		t.Error("grafana's SLOGUARD_DB_PASSWORD (the data source's password) is not postgres' POSTGRES_PASSWORD")
	}
	if !exists("pkg/store/log_tables.sql") || !slices.ContainsFunc(pg.bindMounts(), func(m bindMount) bool {
		return m.host == "pkg/store/log_tables.sql" && strings.HasPrefix(m.container, "/docker-entrypoint-initdb.d/")
	}) {
		t.Error("postgres does not create the log tables (pkg/store/log_tables.sql in /docker-entrypoint-initdb.d)")
	}
}

func TestComposeSimulatorAndReceiver(t *testing.T) {
	c := loadCompose(t)
	pg := c.Services["postgres"].Environment

	sim := c.Services["simulator"]
	if len(sim.Command) == 0 || sim.Command[0] != "simulate" || !slices.Contains(sim.Command, "--live") || sim.flag("--backfill") == "" {
		t.Errorf("simulator runs %q, want sloguard simulate --live --backfill DURATION", sim.Command)
	}
	dsn, err := url.Parse(sim.flag("--dsn"))
	if err != nil || dsn.Scheme != "postgres" {
		t.Fatalf("simulator --dsn %q is not a postgres URL", sim.flag("--dsn"))
	}
	password, _ := dsn.User.Password()
	if dsn.Hostname() != "postgres" || dsn.User.Username() != pg["POSTGRES_USER"] || password != pg["POSTGRES_PASSWORD"] ||
		strings.TrimPrefix(dsn.Path, "/") != pg["POSTGRES_DB"] {
		t.Errorf("simulator --dsn does not reach the postgres service's database as its user")
	}
	scenario := sim.flag("--scenario")
	host, ok := sim.hostPath(scenario)
	if !ok {
		t.Fatalf("simulator --scenario %s is in none of its mounted directories", scenario)
	}
	if !exists(path.Dir(host)) {
		t.Errorf("the scenario's directory %s does not exist", path.Dir(host))
	}
	if !exists(host) {
		t.Errorf("the simulator's scenario %s does not exist", host)
	}

	recv := c.Services["receiver"]
	_, port, err := net.SplitHostPort(recv.flag("--listen"))
	if len(recv.Command) == 0 || recv.Command[0] != "receive" || err != nil {
		t.Fatalf("receiver runs %q, want sloguard receive --listen :PORT", recv.Command)
	}
	if !slices.ContainsFunc(recv.Ports, func(p string) bool { return strings.HasSuffix(p, ":"+port) }) {
		t.Errorf("receiver listens on %s but does not publish it", port)
	}
}

// dockerStage is one FROM of the Dockerfile and the COPY instructions under it.
type dockerStage struct {
	name, base string
	copies     []dockerCopy
}

type dockerCopy struct {
	line    int
	from    string // --from=STAGE, "" for the build context
	sources []string
	dest    string
}

func parseDockerfile(t *testing.T, data []byte) []dockerStage {
	t.Helper()
	var stages []dockerStage
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "FROM":
			st := dockerStage{base: fields[1]}
			if len(fields) == 4 && strings.EqualFold(fields[2], "AS") {
				st.name = fields[3]
			}
			stages = append(stages, st)
		case "COPY":
			if len(stages) == 0 {
				t.Fatalf("Dockerfile:%d: COPY before FROM", line)
			}
			cp := dockerCopy{line: line}
			args := fields[1:]
			for len(args) > 0 && strings.HasPrefix(args[0], "--") {
				if v, ok := strings.CutPrefix(args[0], "--from="); ok {
					cp.from = v
				}
				args = args[1:]
			}
			if len(args) < 2 {
				t.Fatalf("Dockerfile:%d: COPY needs a source and a destination", line)
			}
			cp.sources, cp.dest = args[:len(args)-1], args[len(args)-1]
			stages[len(stages)-1].copies = append(stages[len(stages)-1].copies, cp)
		}
	}
	return stages
}

func TestDockerfileBuildsWhatComposeRuns(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		dockerfile := path.Join(s.Build.Context, "Dockerfile")
		if s.Build.Dockerfile != "" {
			dockerfile = path.Join(s.Build.Context, s.Build.Dockerfile)
		}
		data, err := os.ReadFile(filepath.Join(repoRoot, dockerfile))
		if err != nil {
			t.Fatalf("service %s: %v", name, err)
		}
		stages := parseDockerfile(t, data)
		names := make([]string, 0, len(stages))
		for _, st := range stages {
			names = append(names, st.name)
		}
		if s.Build.Target != "" && !slices.Contains(names, s.Build.Target) {
			t.Errorf("service %s builds target %s; the stages of %s are %v", name, s.Build.Target, dockerfile, names)
		}
		ignored := dockerignore(t, s.Build.Context)
		for i, st := range stages {
			for _, cp := range st.copies {
				checkCopy(t, dockerfile, s.Build.Context, names[:i], ignored, cp)
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "/var/lib/grafana/plugins/"+ID) {
		t.Errorf("Dockerfile does not install the plugin at /var/lib/grafana/plugins/%s", ID)
	}
}

// checkCopy checks that a COPY reads an earlier stage, or files of the build context that
// exist and that .dockerignore keeps.
func checkCopy(t *testing.T, dockerfile, context string, earlier, ignored []string, cp dockerCopy) {
	t.Helper()
	where := fmt.Sprintf("%s:%d", dockerfile, cp.line)
	if cp.from != "" {
		if !slices.Contains(earlier, cp.from) {
			t.Errorf("%s: COPY --from=%s names no earlier stage (%v)", where, cp.from, earlier)
		}
		return
	}
	for _, src := range cp.sources {
		p := path.Join(context, src)
		if !exists(p) {
			t.Errorf("%s: COPY %s, which does not exist", where, src)
		}
		for _, ig := range ignored {
			if clean := path.Clean(src); clean == ig || strings.HasPrefix(clean, ig+"/") {
				t.Errorf("%s: COPY %s, which .dockerignore (%s) leaves out of the context", where, src, ig)
			}
		}
	}
}

// dockerignore returns the plain paths of the context's .dockerignore.
func dockerignore(t *testing.T, context string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, context, ".dockerignore"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, path.Clean(line))
		}
	}
	return out
}
