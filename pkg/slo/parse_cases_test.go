package slo

import (
	"strings"
	"testing"
)

// goodFixture is valid; each case below changes one thing in it (Sloth style). Line numbers
// are on the right.
const goodFixture = `services:
  payment_service:
    availability:
      target: 99.9
      window: 30d
      sli_type: success_rate
      alert_rules: [fast_burn, slow_burn]
    latency:
      target: 200
      percentile: 95
      window: 30d
      sli_type: latency
  user_api:
    signup:
      target: 99.5
      window: 7d
      sli_type: user_journey
      journey_name: user_registration
alert_rules:
  page_fast:
    type: burn_rate
    budget_fraction: 0.02
    long_window: 1h
    severity: critical
    channels: [pager]
alert_channels:
  slack:
    webhook_url: "${SLACK_WEBHOOK_URL}"
    channel: "#incidents"
`

var fixtureSLOs = []string{"payment_service/availability", "payment_service/latency", "user_api/signup"}

func TestTheGoodFixtureIsValid(t *testing.T) {
	cfg, ds := mustParse(t, []byte(goodFixture))
	if len(ds) != 0 || len(cfg.SLOs()) != 3 {
		t.Errorf("diagnostics %v, SLOs %v", ds, cfg.SLOs())
	}
}

func TestOneChangeFromAGoodConfiguration(t *testing.T) {
	const (
		avail  = "services.payment_service.availability"
		lat    = "services.payment_service.latency"
		signup = "services.user_api.signup"
		rule   = "alert_rules.page_fast"
	)
	tests := []struct {
		name     string
		old, new string
		path     string
		fragment string
		line     int
		warning  bool     // the diagnostic is a warning and nothing else is wrong
		errors   int      // error count when not 1 (and not a warning case)
		dropped  []string // SLOs left out of the config
	}{
		{name: "a success-rate target of 100 is rejected: a percentage must be below 100",
			old: "target: 99.9", new: "target: 100", path: avail + ".target", fragment: "between 0 and 100", line: 4, dropped: []string{"payment_service/availability"}},
		{name: "a target of 0 is rejected",
			old: "target: 99.9", new: "target: 0", path: avail + ".target", fragment: "between 0 and 100", line: 4, dropped: []string{"payment_service/availability"}},
		{name: "a target with a percent sign is rejected with a hint",
			old: "target: 99.9", new: "target: 99.9%", path: avail + ".target", fragment: "without %", line: 4, dropped: []string{"payment_service/availability"}},
		{name: "a target that is not a number is rejected naming the value",
			old: "target: 99.9", new: "target: abc", path: avail + ".target", fragment: `must be a number, got "abc"`, line: 4, dropped: []string{"payment_service/availability"}},
		{name: "a quoted number is not a number",
			old: "target: 99.9", new: `target: "99.9"`, path: avail + ".target", fragment: "must be a number", line: 4, dropped: []string{"payment_service/availability"}},
		{name: "a target that looks like a ratio draws a warning that it is a percentage",
			old: "target: 99.9", new: "target: 0.999", path: avail + ".target", fragment: "0.999 means 0.999 %", line: 4, warning: true},
		{name: "a latency threshold of 0 is rejected",
			old: "target: 200", new: "target: 0", path: lat + ".target", fragment: "must be > 0 (the latency threshold in milliseconds)", line: 9, dropped: []string{"payment_service/latency"}},
		{name: "a latency SLO without a percentile is rejected",
			old: "      percentile: 95\n", new: "", path: lat + ".percentile", fragment: "required", line: 8, dropped: []string{"payment_service/latency"}},
		{name: "a percentile of 100 is rejected",
			old: "percentile: 95", new: "percentile: 100", path: lat + ".percentile", fragment: "between 0 and 100", line: 10, dropped: []string{"payment_service/latency"}},
		{name: "a percentile on a success-rate SLO is rejected",
			old: "      window: 30d\n      sli_type: success_rate", new: "      window: 30d\n      percentile: 95\n      sli_type: success_rate",
			path: avail + ".percentile", fragment: "applies only to sli_type latency", line: 6, dropped: []string{"payment_service/availability"}},
		{name: "a misspelt key is rejected with a did-you-mean",
			old: "target: 99.9", new: "traget: 99.9", path: avail + ".traget", fragment: `unknown key; did you mean "target"?`, line: 4, errors: 2, dropped: []string{"payment_service/availability"}},
		{name: "an unknown sli_type is rejected listing the allowed ones",
			old: "sli_type: success_rate", new: "sli_type: availability", path: avail + ".sli_type", fragment: "want one of success_rate, latency, user_journey", line: 6, dropped: []string{"payment_service/availability"}},
		{name: "a misspelt sli_type gets a did-you-mean",
			old: "sli_type: latency", new: "sli_type: latncy", path: lat + ".sli_type", fragment: `did you mean "latency"?`, line: 12, dropped: []string{"payment_service/latency"}},
		{name: "a missing sli_type is rejected",
			old: "      sli_type: latency\n", new: "", path: lat + ".sli_type", fragment: "required", line: 8, dropped: []string{"payment_service/latency"}},
		{name: "a window without a unit is rejected",
			old: "window: 7d", new: "window: 7", path: signup + ".window", fragment: "missing unit", line: 16, dropped: []string{"user_api/signup"}},
		{name: "a zero window is rejected",
			old: "window: 7d", new: "window: 0d", path: signup + ".window", fragment: "must be > 0", line: 16, dropped: []string{"user_api/signup"}},
		{name: "a window in an unknown unit is rejected",
			old: "window: 7d", new: "window: 1y", path: signup + ".window", fragment: `unknown unit "y"`, line: 16, dropped: []string{"user_api/signup"}},
		{name: "a missing window is rejected",
			old: "      window: 7d\n", new: "", path: signup + ".window", fragment: "required", line: 14, dropped: []string{"user_api/signup"}},
		{name: "a user-journey SLO without journey_name uses the service name, with a warning",
			old: "      journey_name: user_registration\n", new: "", path: signup + ".journey_name", fragment: `using the service name "user_api"`, line: 14, warning: true},
		{name: "journey_name on a latency SLO is rejected",
			old: "      sli_type: latency\n", new: "      sli_type: latency\n      journey_name: x\n", path: lat + ".journey_name", fragment: "applies only to sli_type user_journey", line: 13, dropped: []string{"payment_service/latency"}},
		{name: "an unknown alert rule is rejected with a did-you-mean",
			old: "[fast_burn, slow_burn]", new: "[fast_burn, slow_brun]", path: avail + ".alert_rules[1]", fragment: `unknown rule "slow_brun"; did you mean "slow_burn"?`, line: 7, dropped: []string{"payment_service/availability"}},
		{name: "a rule listed twice draws a warning",
			old: "[fast_burn, slow_burn]", new: "[fast_burn, slow_burn, fast_burn]", path: avail + ".alert_rules[2]", fragment: `"fast_burn" is listed twice`, line: 7, warning: true},
		{name: "alert_rules that is not a list is rejected",
			old: "alert_rules: [fast_burn, slow_burn]", new: "alert_rules: fast_burn", path: avail + ".alert_rules", fragment: "must be a list", line: 7, dropped: []string{"payment_service/availability"}},
		{name: "a duplicate key is rejected naming the first one's line",
			old: "      target: 99.9\n", new: "      target: 99.9\n      target: 99.5\n", path: avail + ".target", fragment: "duplicate key (first at line 4)", line: 5, dropped: []string{"payment_service/availability"}},
		{name: "a rule that can never fire at the SLO's objective draws a warning with the numbers",
			old: "target: 99.9", new: "target: 90", path: avail + ".alert_rules[0]",
			fragment: `rule "fast_burn" can never fire: it needs a burn rate above 14.4x, but at a 90 % objective a full outage burns at 10x`, line: 7, warning: true},
		{name: "a defaulted rule that can never fire is reported at the SLO",
			old: "target: 99.5", new: "target: 70", path: signup, fragment: `rule "fast_burn" can never fire: it needs a burn rate above 3.36x, but at a 70 % objective a full outage burns at 3.333x`, line: 14, warning: true},
		{name: "a rule looking back further than the SLO window draws a warning",
			old: "      window: 30d\n      sli_type: success_rate", new: "      window: 2h\n      sli_type: success_rate", path: avail + ".alert_rules[1]",
			fragment: `rule "slow_burn" looks back 6h, longer than the SLO window 2h`, line: 7, warning: true},
		{name: "an SLO that is not a mapping is rejected",
			old: "    signup:\n      target: 99.5\n      window: 7d\n      sli_type: user_journey\n      journey_name: user_registration\n", new: "    signup: 99.5\n",
			path: signup, fragment: "must be a mapping (an SLO", line: 14, dropped: []string{"user_api/signup"}},
		{name: "a service name with a slash is rejected with all its SLOs",
			old: "  user_api:", new: "  user/api:", path: "services.user/api", fragment: "invalid service name", line: 13, dropped: []string{"user_api/signup"}},
		{name: "a misspelt log_name is rejected with all the service's SLOs",
			old: "  payment_service:\n", new: "  payment_service:\n    log_nme: payments\n", path: "services.payment_service.log_nme", fragment: `did you mean "log_name"?`, line: 3,
			dropped: []string{"payment_service/availability", "payment_service/latency"}},
		{name: "a custom rule with both budget_fraction and burn_rate is rejected",
			old: "    budget_fraction: 0.02\n", new: "    budget_fraction: 0.02\n    burn_rate: 10\n", path: rule + ".burn_rate", fragment: "either budget_fraction or burn_rate", line: 23},
		{name: "a budget fraction written as a percentage is rejected",
			old: "budget_fraction: 0.02", new: "budget_fraction: 2", path: rule + ".budget_fraction", fragment: "e.g. 0.02 for 2 %", line: 22},
		{name: "a custom rule without severity is rejected",
			old: "    severity: critical\n", new: "", path: rule + ".severity", fragment: "required", line: 20},
		{name: "a custom rule without a type is rejected",
			old: "    type: burn_rate\n", new: "", path: rule + ".type", fragment: "required", line: 20},
		{name: "a custom burn-rate rule without a long window is rejected",
			old: "    long_window: 1h\n", new: "", path: rule + ".long_window", fragment: "required", line: 20},
		{name: "a misspelt channel is rejected with a did-you-mean",
			old: "channels: [pager]", new: "channels: [pagr]", path: rule + ".channels[0]", fragment: `did you mean "pager"?`, line: 25},
		{name: "an unknown severity is rejected",
			old: "severity: critical", new: "severity: sev1", path: rule + ".severity", fragment: "want one of critical, major, warning, info", line: 24},
		{name: "a seed-style condition string is rejected with advice",
			old: "    type: burn_rate\n", new: "    type: burn_rate\n    condition: \"burn_rate > 14.4 AND duration >= 2m\"\n", path: rule + ".condition", fragment: "ERRATA 4", line: 22},
		{name: "a short window longer than the long window is rejected",
			old: "    long_window: 1h\n", new: "    long_window: 1h\n    short_window: 2h\n", path: rule + ".short_window", fragment: "must not be longer than long_window", line: 24},
		{name: "a key of budget_remaining rules on a burn-rate rule is rejected",
			old: "    severity: critical\n", new: "    severity: critical\n    remaining_below: 0.1\n", path: rule + ".remaining_below", fragment: "does not apply to rules of type burn_rate", line: 25},
		{name: "a negative low-traffic guard is rejected",
			old: "    severity: critical\n", new: "    severity: critical\n    min_bad_events: -1\n", path: rule + ".min_bad_events", fragment: "must be >= 0", line: 25},
		{name: "a non-boolean opens_incident is rejected",
			old: "    severity: critical\n", new: "    severity: critical\n    opens_incident: yes\n", path: rule + ".opens_incident", fragment: "must be true or false", line: 25},
		{name: "changing the type of a built-in rule is rejected",
			old: "alert_rules:\n", new: "alert_rules:\n  fast_burn:\n    type: budget_remaining\n", path: "alert_rules.fast_burn.type", fragment: "built-in rule \"fast_burn\" is of type burn_rate", line: 21},
		{name: "a literal Slack webhook is dropped with a warning that does not echo it",
			old: "${SLACK_WEBHOOK_URL}", new: "https://hooks.slack.invalid/services/T000/B000/SECRET", path: "alert_channels.slack.webhook_url",
			fragment: "not used: set slackWebhookUrl in the data source's secure settings, or write ${ENV_VAR}", line: 28, warning: true},
		{name: "a malformed environment reference is rejected without echoing it",
			old: "${SLACK_WEBHOOK_URL}", new: "${SLACK-SECRET}", path: "alert_channels.slack.webhook_url", fragment: "written ${NAME}", line: 28},
		{name: "an environment reference inside a value is rejected: only a whole value is one",
			old: "${SLACK_WEBHOOK_URL}", new: "https://hooks.slack.com/services/${SECRET}", path: "alert_channels.slack.webhook_url", fragment: "is the whole value", line: 28},
		{name: "a misspelt channel section is rejected with a did-you-mean",
			old: "  slack:", new: "  slak:", path: "alert_channels.slak", fragment: `did you mean "slack"?`, line: 27},
		{name: "a filter on a column that is not an identifier is rejected",
			old: "      sli_type: latency\n", new: "      sli_type: latency\n      filters: [{column: \"route; drop\", values: [/pay]}]\n", path: lat + ".filters[0].column", fragment: "plain SQL identifier", line: 13, dropped: []string{"payment_service/latency"}},
		{name: "a filter without values is rejected",
			old: "      sli_type: latency\n", new: "      sli_type: latency\n      filters: [{column: route, values: []}]\n", path: lat + ".filters[0].values", fragment: "at least one value", line: 13, dropped: []string{"payment_service/latency"}},
		{name: "a journey step without a name is rejected, and so is the SLO using the journey",
			old: "alert_rules:\n", new: "journeys:\n  user_registration:\n    steps:\n      - max_duration_ms: 100\nalert_rules:\n", path: "journeys.user_registration.steps[0].step", fragment: "required", line: 22,
			errors: 2, dropped: []string{"user_api/signup"}},
		{name: "a table name that is not an identifier is rejected",
			old: "alert_channels:\n", new: "tables:\n  requests:\n    status_code: \"status code\"\nalert_channels:\n", path: "tables.requests.status_code", fragment: "plain SQL identifier", line: 28},
		{name: "an unknown top-level key is rejected with a did-you-mean",
			old: "alert_channels:\n", new: "alert_channel:\n", path: "alert_channel", fragment: `did you mean "alert_channels"?`, line: 26},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(goodFixture, tt.old) {
				t.Fatalf("the fixture has no %q", tt.old)
			}
			cfg, ds := parse([]byte(strings.Replace(goodFixture, tt.old, tt.new, 1)))
			if cfg == nil {
				t.Fatalf("nil config: %v", ds)
			}
			var found *Diagnostic
			for i, d := range ds {
				if d.Path == tt.path && strings.Contains(d.Message, tt.fragment) {
					found = &ds[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no diagnostic at %s mentioning %q in:\n%v", tt.path, tt.fragment, ds)
			}
			if found.Line != tt.line {
				t.Errorf("line = %d, want %d", found.Line, tt.line)
			}
			wantSeverity, wantErrors := SeverityError, tt.errors
			if tt.warning {
				wantSeverity, wantErrors = SeverityWarning, 0
			} else if wantErrors == 0 {
				wantErrors = 1
			}
			if found.Severity != wantSeverity {
				t.Errorf("severity = %s, want %s", found.Severity, wantSeverity)
			}
			if n := len(ds.Errors()); n != wantErrors {
				t.Errorf("%d errors, want %d:\n%v", n, wantErrors, ds)
			}
			for _, d := range ds {
				if strings.Contains(d.String(), "SECRET") {
					t.Errorf("a diagnostic quotes a channel value: %s", d)
				}
			}
			for _, id := range fixtureSLOs {
				_, kept := cfg.FindSLO(id)
				if dropped := contains(tt.dropped, id); kept == dropped {
					t.Errorf("SLO %s kept = %v, want %v", id, kept, !dropped)
				}
			}
		})
	}
}
