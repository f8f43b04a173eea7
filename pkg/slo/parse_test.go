package slo

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTheSeedsConfigurationExampleParsesWithoutErrors(t *testing.T) {
	cfg, ds := mustParse(t, readTestdata(t, "seed.yaml"))
	// Its two secret placeholders are accepted, not kept, and each draws a warning.
	wantDiags := []struct {
		path, setting string
		line, column  int
	}{
		{"alert_channels.slack.webhook_url", "slackWebhookUrl", 36, 18},
		{"alert_channels.pager.service_key", "pagerDutyRoutingKey", 40, 18},
	}
	if len(ds) != len(wantDiags) {
		t.Fatalf("diagnostics = %v, want %d warnings", ds, len(wantDiags))
	}
	for i, w := range wantDiags {
		d := ds[i]
		msg := "secrets in the SLO config are not used: set " + w.setting + " in the data source's secure settings, or write ${ENV_VAR}"
		if d.Severity != SeverityWarning || d.Path != w.path || d.Line != w.line || d.Column != w.column || d.Message != msg {
			t.Errorf("diagnostic %d = %s %q, want a warning at %d:%d: %s: %s", i, d.Severity, d, w.line, w.column, w.path, msg)
		}
	}
	var ids []string
	for _, s := range cfg.SLOs() {
		ids = append(ids, s.ID())
	}
	want := []string{"payment_service/availability", "payment_service/latency", "user_api/availability", "user_api/user_journey"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("SLOs in file order = %v, want %v", ids, want)
	}
	avail, _ := cfg.FindSLO("payment_service/availability")
	assertApprox(t, "availability objective", avail.Objective, 0.999, 1e-15)
	if avail.Window != 30*Day || avail.WindowText != "30d" || avail.Type != SuccessRate {
		t.Errorf("availability = %+v", avail)
	}
	if !reflect.DeepEqual(avail.AlertRules, []string{"fast_burn", "slow_burn", "budget_exhaustion"}) {
		t.Errorf("availability rules = %v", avail.AlertRules)
	}
	lat, _ := cfg.FindSLO("payment_service/latency")
	if lat.Type != Latency || lat.ThresholdMS != 200 || lat.Percentile() != 95 || !reflect.DeepEqual(lat.AlertRules, []string{"fast_burn", "slow_burn"}) {
		t.Errorf("latency = %+v", lat)
	}
	assertApprox(t, "latency objective", lat.Objective, 0.95, 1e-15)
	api, _ := cfg.FindSLO("user_api/availability")
	assertApprox(t, "user_api objective", api.Objective, 0.9995, 1e-15)
	if !reflect.DeepEqual(api.AlertRules, DefaultRuleNames) {
		t.Errorf("an SLO without alert_rules has %v, want the defaults", api.AlertRules)
	}
	j, _ := cfg.FindSLO("user_api/user_journey")
	if j.Type != UserJourney || j.Journey != "user_registration" || j.Window != 7*Day {
		t.Errorf("journey = %+v", j)
	}
	assertApprox(t, "journey objective", j.Objective, 0.995, 1e-15)
	if got := cfg.Journey("user_registration"); got.Name != "user_registration" || len(got.Steps) != 0 {
		t.Errorf("an undefined journey = %+v, want one without steps", got)
	}
	ch := cfg.Channels
	if ch.Slack == nil || *ch.Slack != (SlackChannel{Channel: "#incidents"}) {
		t.Errorf("slack = %+v, want the channel without the placeholder URL", ch.Slack)
	}
	if ch.Pager == nil || *ch.Pager != (PagerChannel{}) {
		t.Errorf("pager = %+v, want a configured channel without the placeholder key", ch.Pager)
	}
	if ch.Email == nil || ch.Email.SMTPServer != "smtp.company.com" || !reflect.DeepEqual(ch.Email.Recipients, []string{"sre-team@company.com"}) {
		t.Errorf("email = %+v", ch.Email)
	}
	if cfg.Tables != nil {
		t.Error("Tables is set without a tables section")
	}
	if !reflect.DeepEqual(cfg.Rules, DefaultRules()) {
		t.Error("Rules is not the default catalog")
	}
}

func TestTheSeedsSLOManagerDictionaryParsesWithoutErrors(t *testing.T) {
	cfg, ds := mustParse(t, readTestdata(t, "seed_manager.yaml"))
	if len(cfg.SLOs()) != 3 {
		t.Fatalf("SLOs = %v", cfg.SLOs())
	}
	// The dictionary's user_journey SLO has no journey_name: the service name stands in.
	if len(ds) != 1 || ds[0].Severity != SeverityWarning || ds[0].Path != "services.user_checkout.journey_success.journey_name" || ds[0].Line != 16 {
		t.Errorf("diagnostics = %v", ds)
	}
	j, _ := cfg.FindSLO("user_checkout/journey_success")
	if j.Journey != "user_checkout" {
		t.Errorf("journey = %q", j.Journey)
	}
}

func TestTheFullExampleParsesCleanlyAndIsThePackageDocsExample(t *testing.T) {
	full := readTestdata(t, "full.yaml")
	cfg, ds := mustParse(t, full)
	if len(ds) != 0 {
		t.Errorf("diagnostics: %v", ds)
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if got := docExample(string(doc)); got != string(full) {
		t.Errorf("the YAML block of doc.go differs from testdata/full.yaml:\n%s", got)
	}

	svc := cfg.Services[0]
	if svc.LogName != "payment-service" || svc.SLOs[0].LogService != "payment-service" {
		t.Errorf("log_name not applied: %+v", svc)
	}
	lat, _ := cfg.FindSLO("payment_service/pay_latency")
	if !reflect.DeepEqual(lat.Filters, []Filter{{Column: "route", Values: []string{"/api/pay", "/api/refund"}}}) {
		t.Errorf("filters = %+v", lat.Filters)
	}
	steps := cfg.Journey("checkout_flow").Steps
	if len(steps) != 5 || steps[0] != (JourneyStep{"login", 2000}) || steps[2] != (JourneyStep{"add_to_cart", 0}) {
		t.Errorf("steps = %+v", steps)
	}
	fast := cfg.Rules["fast_burn"]
	want := DefaultRules()["fast_burn"]
	want.For = time.Minute
	if !reflect.DeepEqual(fast, want) {
		t.Errorf("an override changed more than `for`: %+v", fast)
	}
	page := cfg.Rules["payments_page"]
	if page.Kind != KindBurnRate || page.Long != 2*time.Hour || page.Short != 10*time.Minute || page.For != 5*time.Minute ||
		page.Severity != AlertCritical || !reflect.DeepEqual(page.Channels, []string{"pager", "slack"}) || page.MinBadEvents != 20 || !page.OpensIncident {
		t.Errorf("payments_page = %+v", page)
	}
	assertApprox(t, "payments_page threshold at 30d", page.Threshold(30*Day), 18, 1e-12)
	if half := cfg.Rules["budget_half"]; half.Kind != KindBudgetRemaining || half.RemainingBelow != 0.5 {
		t.Errorf("budget_half = %+v", half)
	}
	if cfg.Tables == nil || cfg.Tables.Requests.Table != "logs.request_logs" || cfg.Tables.Requests.Service != "service_name" ||
		cfg.Tables.Requests.StatusCode != "status_code" || cfg.Tables.Journeys.Table != "user_journey_logs" {
		t.Errorf("tables = %+v", cfg.Tables)
	}
	if e := cfg.Channels.Email; e == nil || e.From != "sloguard@company.com" || e.SMTPServer != "smtp.company.com:587" {
		t.Errorf("email = %+v", e)
	}
	if p := cfg.Channels.Pager; p == nil || p.RoutingKeyEnv != "PAGERDUTY_ROUTING_KEY" {
		t.Errorf("pager = %+v", p)
	}
	if s := cfg.Channels.Slack; s == nil || s.WebhookURLEnv != "SLACK_WEBHOOK_URL" || s.Channel != "#incidents" {
		t.Errorf("slack = %+v", s)
	}
	rules := cfg.RulesFor(lat)
	if len(rules) != 3 || rules[0].Name != "fast_burn" {
		t.Errorf("RulesFor = %+v", rules)
	}
}

// docExample returns the indented YAML block of the package documentation.
func docExample(doc string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "//\t# slo.yaml") {
			in = true
		}
		if !in {
			continue
		}
		switch {
		case strings.HasPrefix(line, "//\t"):
			b.WriteString(strings.TrimPrefix(line, "//\t") + "\n")
		case line == "//":
			b.WriteString("\n")
		default:
			return strings.TrimRight(b.String(), "\n") + "\n"
		}
	}
	return b.String()
}

func TestTargetsArePercentagesConvertedToRatios(t *testing.T) {
	tests := []struct {
		target string
		want   float64
	}{
		{"99.9", 0.999}, {"99.95", 0.9995}, {"99.99", 0.9999}, {"99", 0.99}, {"90", 0.9}, {"50.5", 0.505}, {"99.999", 0.99999},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("target %s is the objective %v", tt.target, tt.want), func(t *testing.T) {
			cfg, _ := mustParse(t, []byte("services:\n  s:\n    a:\n      target: "+tt.target+"\n      window: 30d\n      sli_type: success_rate\n"))
			got := cfg.Services[0].SLOs[0].Objective
			if got != tt.want {
				t.Errorf("Objective = %v, want exactly %v", got, tt.want)
			}
		})
	}
}

func TestALatencySLOIsAThresholdAndAPercentileObjective(t *testing.T) {
	cfg, _ := mustParse(t, []byte("services:\n  s:\n    p99:\n      target: 350.5\n      percentile: 99.5\n      window: 1d\n      sli_type: latency\n"))
	s := cfg.Services[0].SLOs[0]
	if s.ThresholdMS != 350.5 || s.Objective != 0.995 || s.Percentile() != 99.5 {
		t.Errorf("SLO = %+v", s)
	}
	assertApprox(t, "max burn", MaxBurnRate(s.Objective), 200, 1e-9)
}

func TestABadSLODoesNotStopTheOthers(t *testing.T) {
	data := []byte(`services:
  a:
    good1: {target: 99.9, window: 30d, sli_type: success_rate}
    bad1: {target: 101, window: 30d, sli_type: success_rate}
    good2: {target: 200, percentile: 90, window: 7d, sli_type: latency}
  b:
    bad2: {target: 99.9, window: forever, sli_type: success_rate}
    bad3: {target: 99.9, window: 30d, sli_type: success_rate, alert_rules: [no_such_rule]}
  c:
    good3: {target: 99.5, window: 7d, sli_type: user_journey, journey_name: signup}
`)
	cfg, ds := parse(data)
	if cfg == nil {
		t.Fatal("nil config")
	}
	var ids []string
	for _, s := range cfg.SLOs() {
		ids = append(ids, s.ID())
	}
	if want := []string{"a/good1", "a/good2", "c/good3"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("SLOs = %v, want %v", ids, want)
	}
	if len(cfg.Services) != 2 {
		t.Errorf("a service without a valid SLO is kept: %+v", cfg.Services)
	}
	var lines []int
	for _, d := range ds.Errors() {
		lines = append(lines, d.Line)
	}
	if !reflect.DeepEqual(lines, []int{4, 7, 8}) {
		t.Errorf("error lines = %v (%v)", lines, ds)
	}
}

func TestEveryProblemIsReportedAtOnceInLineOrder(t *testing.T) {
	data := []byte(`services:
  s:
    a:
      traget: 99.9
      window: 30
      sli_type: succes_rate
alert_rules:
  r:
    type: burn_rate
alert_channels:
  slak: {}
tables:
  requests: {table: "a b"}
extra: 1
`)
	_, ds := parse(data)
	want := []string{
		`3:5: services.s.a.target: required`,
		`4:7: services.s.a.traget: unknown key; did you mean "target"?`,
		`5:15: services.s.a.window: missing unit after 30`,
		`6:17: services.s.a.sli_type: unknown value "succes_rate"; did you mean "success_rate"?`,
		`8:3: alert_rules.r.severity: required`,
		`8:3: alert_rules.r.budget_fraction: required`,
		`8:3: alert_rules.r.long_window: required`,
		`11:3: alert_channels.slak: unknown key; did you mean "slack"?`,
		`13:21: tables.requests.table: must be a plain SQL identifier`,
		`14:1: extra: unknown key; allowed keys: services, journeys, alert_rules, alert_channels, tables`,
	}
	if len(ds) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%v", len(ds), len(want), ds)
	}
	for i, w := range want {
		if !strings.HasPrefix(ds[i].String(), w) || ds[i].Severity != SeverityError {
			t.Errorf("diagnostic %d = %q, want prefix %q", i, ds[i].String(), w)
		}
	}
}

func TestChannelSecretsNeverAppearInDiagnostics(t *testing.T) {
	const secret = "s3cr3t-XYZ"
	data := []byte(`services: {}
alert_channels:
  slack:
    webhook_url: "` + secret + `"
    channel: [` + secret + `]
  pager:
    service_key: {k: ` + secret + `}
  email:
    smtp_server: 1
    from: "` + secret + `"
    recipients: ["` + secret + `", 5]
`)
	_, ds := parse(data)
	if len(ds.Errors()) != 5 {
		t.Errorf("expected errors for every bad channel value, got %v", ds)
	}
	var literal bool
	for _, w := range ds.Warnings() {
		literal = literal || w.Path == "alert_channels.slack.webhook_url"
	}
	if !literal {
		t.Errorf("want a warning for the literal webhook URL, got %v", ds)
	}
	for _, d := range ds {
		if strings.Contains(d.String(), secret) {
			t.Errorf("diagnostic leaks a secret: %s", d)
		}
	}
}

func TestEveryRuleAnSLONamesIsInTheCatalog(t *testing.T) {
	data := []byte(`alert_rules:
  fast_burn:
    long_window: nonsense
  broken:
    type: burn_rate
services:
  s:
    defaulted: {target: 99.9, window: 30d, sli_type: success_rate}
    explicit: {target: 99.9, window: 30d, sli_type: success_rate, alert_rules: [broken, slow_burn, fast_burn]}
`)
	cfg, ds := parse(data)
	if _, ok := cfg.Rules["fast_burn"]; ok {
		t.Error("an invalid override of fast_burn is in the catalog")
	}
	for _, s := range cfg.SLOs() {
		for _, name := range s.AlertRules {
			if _, ok := cfg.Rules[name]; !ok {
				t.Errorf("%s names %s, which is not in the catalog", s.ID(), name)
			}
		}
	}
	if len(cfg.SLOs()) != 2 {
		t.Errorf("an SLO naming an invalid rule was dropped: %v", ds)
	}
	if got := cfg.SLOs()[0].AlertRules; !reflect.DeepEqual(got, []string{"slow_burn", "budget_exhaustion"}) {
		t.Errorf("defaulted rules = %v", got)
	}
	if got := cfg.SLOs()[1].AlertRules; !reflect.DeepEqual(got, []string{"slow_burn"}) {
		t.Errorf("explicit rules = %v", got)
	}
	if len(ds.Warnings()) != 2 {
		t.Errorf("want a warning for each skipped invalid rule: %v", ds)
	}
}

func TestParsingIsDeterministic(t *testing.T) {
	data := readTestdata(t, "full.yaml")
	bad := []byte(strings.ReplaceAll(string(data), "99.9", "abc"))
	for _, in := range [][]byte{data, bad} {
		c1, d1 := parse(in)
		for i := 0; i < 10; i++ {
			c2, d2 := parse(in)
			if !reflect.DeepEqual(c1, c2) || !reflect.DeepEqual(d1, d2) {
				t.Fatal("two parses of the same document differ")
			}
		}
	}
}
