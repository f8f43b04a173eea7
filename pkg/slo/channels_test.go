package slo

import (
	"fmt"
	"strings"
	"testing"
)

func TestChannelSecretsAreKeptOnlyAsEnvironmentVariableNames(t *testing.T) {
	const literal = "lit3ral-s3cret"
	tests := []struct {
		name     string
		channels string
		slack    *SlackChannel
		pager    *PagerChannel
		path     string // of the one diagnostic, "" for none
		warning  bool
		fragment string
	}{
		{name: "a webhook URL given as a reference keeps the variable's name",
			channels: "  slack:\n    webhook_url: \"${SLACK_WEBHOOK_URL}\"\n    channel: \"#incidents\"\n",
			slack:    &SlackChannel{WebhookURLEnv: "SLACK_WEBHOOK_URL", Channel: "#incidents"}},
		{name: "an unquoted reference with surrounding spaces is a reference",
			channels: "  slack: {webhook_url: \" ${_hook2} \"}\n", slack: &SlackChannel{WebhookURLEnv: "_hook2"}},
		{name: "a routing key given as a reference keeps the variable's name",
			channels: "  pager:\n    routing_key: ${PAGERDUTY_ROUTING_KEY}\n", pager: &PagerChannel{RoutingKeyEnv: "PAGERDUTY_ROUTING_KEY"}},
		{name: "the seed's service_key is the same routing key",
			channels: "  pager:\n    service_key: ${PD_KEY}\n", pager: &PagerChannel{RoutingKeyEnv: "PD_KEY"}},
		{name: "a literal webhook URL is accepted but dropped, with a warning naming the secure setting",
			channels: "  slack:\n    webhook_url: \"https://hooks.slack.invalid/services/T0/B0/" + literal + "\"\n    channel: \"#incidents\"\n",
			slack:    &SlackChannel{Channel: "#incidents"},
			path:     "alert_channels.slack.webhook_url", warning: true, fragment: "set slackWebhookUrl in the data source's secure settings"},
		{name: "a literal routing key is accepted but dropped, with a warning naming the secure setting",
			channels: "  pager:\n    routing_key: " + literal + "\n", pager: &PagerChannel{},
			path: "alert_channels.pager.routing_key", warning: true, fragment: "set pagerDutyRoutingKey in the data source's secure settings"},
		{name: "a literal service key is accepted but dropped, with a warning naming the secure setting",
			channels: "  pager:\n    service_key: " + literal + "\n", pager: &PagerChannel{},
			path: "alert_channels.pager.service_key", warning: true, fragment: "set pagerDutyRoutingKey in the data source's secure settings"},
		{name: "service_key and routing_key together are an error",
			channels: "  pager:\n    service_key: ${A}\n    routing_key: ${B}\n",
			path:     "alert_channels.pager.service_key", fragment: "set either service_key or routing_key, not both"},
		{name: "a reference without braces is an error",
			channels: "  slack:\n    webhook_url: $SLACK_WEBHOOK_URL\n", path: "alert_channels.slack.webhook_url", fragment: "written ${NAME}"},
		{name: "a reference to a name starting with a digit is an error",
			channels: "  pager:\n    routing_key: ${1KEY}\n", path: "alert_channels.pager.routing_key", fragment: "not starting with a digit"},
		{name: "an empty reference is an error",
			channels: "  pager:\n    routing_key: \"${}\"\n", path: "alert_channels.pager.routing_key", fragment: "written ${NAME}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ds := parse([]byte("services: {s: {a: {target: 99.9, window: 30d, sli_type: success_rate}}}\nalert_channels:\n" + tt.channels))
			if cfg == nil {
				t.Fatalf("nil config: %v", ds)
			}
			if tt.path == "" {
				if len(ds) != 0 {
					t.Errorf("diagnostics: %v", ds)
				}
			} else if len(ds) != 1 || ds[0].Path != tt.path || !strings.Contains(ds[0].Message, tt.fragment) ||
				(ds[0].Severity == SeverityWarning) != tt.warning {
				t.Errorf("diagnostics = %v, want one %s at %s mentioning %q", ds, map[bool]string{true: "warning", false: "error"}[tt.warning], tt.path, tt.fragment)
			}
			for _, d := range ds {
				if strings.Contains(d.String(), literal) {
					t.Errorf("a diagnostic quotes the secret: %s", d)
				}
			}
			if got := cfg.Channels.Slack; (got == nil) != (tt.slack == nil) || (got != nil && *got != *tt.slack) {
				t.Errorf("slack = %v, want %v", got, tt.slack)
			}
			if got := cfg.Channels.Pager; (got == nil) != (tt.pager == nil) || (got != nil && *got != *tt.pager) {
				t.Errorf("pager = %v, want %v", got, tt.pager)
			}
		})
	}
}

func TestFormattingAConfigNeverShowsAChannelSecret(t *testing.T) {
	secrets := []string{"https://hooks.slack.invalid/services/T0/B0/lit3ral-hook", "lit3ral-routing-key", "lit3ral-service-key"}
	data := []byte(`services:
  s:
    a: {target: 99.9, window: 30d, sli_type: success_rate}
alert_channels:
  slack:
    webhook_url: "` + secrets[0] + `"
    channel: "#incidents"
  pager:
    routing_key: ` + secrets[1] + `
  email:
    smtp_server: smtp.company.com
    recipients: [sre@company.com]
`)
	cfg, ds := mustParse(t, data)
	if len(ds.Warnings()) != 2 {
		t.Errorf("want a warning for each literal secret: %v", ds)
	}
	other, _ := mustParse(t, []byte("services: {}\nalert_channels: {pager: {service_key: "+secrets[2]+"}}\n"))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, x := range []any{cfg, *cfg, cfg.Channels, cfg.Channels.Slack, *cfg.Channels.Pager, other, ds} {
			out := fmt.Sprintf(verb, x)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s of %T shows a secret: %s", verb, x, out)
				}
			}
		}
	}
	if out := fmt.Sprintf("%+v", cfg); !strings.Contains(out, "Channel:#incidents") || !strings.Contains(out, "sre@company.com") {
		t.Errorf("the non-secret channel settings are missing: %s", out)
	}
}

func TestChannelsFormatVariableNamesAndNothingElse(t *testing.T) {
	named := Channels{
		Slack: &SlackChannel{WebhookURLEnv: "SLACK_WEBHOOK_URL", Channel: "#incidents"},
		Pager: &PagerChannel{RoutingKeyEnv: "PAGERDUTY_ROUTING_KEY"},
	}
	tests := []struct{ verb, want string }{
		{"%v", "{Slack:{WebhookURLEnv:SLACK_WEBHOOK_URL Channel:#incidents} Pager:{RoutingKeyEnv:PAGERDUTY_ROUTING_KEY} Email:<nil>}"},
		{"%+v", "{Slack:{WebhookURLEnv:SLACK_WEBHOOK_URL Channel:#incidents} Pager:{RoutingKeyEnv:PAGERDUTY_ROUTING_KEY} Email:<nil>}"},
		{"%#v", `slo.Channels{Slack:&slo.SlackChannel{WebhookURLEnv:"SLACK_WEBHOOK_URL", Channel:"#incidents"}, ` +
			`Pager:&slo.PagerChannel{RoutingKeyEnv:"PAGERDUTY_ROUTING_KEY"}, Email:(*slo.EmailChannel)(nil)}`},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf(tt.verb, named); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.verb, got, tt.want)
		}
	}
	if got := fmt.Sprintf("%#v", Channels{}); got != "slo.Channels{Slack:(*slo.SlackChannel)(nil), Pager:(*slo.PagerChannel)(nil), Email:(*slo.EmailChannel)(nil)}" {
		t.Errorf("%%#v of no channels = %s", got)
	}

	// Should a value ever land in an *Env field, it is still not printed.
	leaked := Channels{
		Slack: &SlackChannel{WebhookURLEnv: "https://hooks.slack.invalid/services/T0/B0/s3cret"},
		Pager: &PagerChannel{RoutingKeyEnv: "s3cret-key!"},
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, x := range []any{leaked, leaked.Slack, leaked.Pager, *leaked.Slack, *leaked.Pager, &Config{Channels: leaked}} {
			if out := fmt.Sprintf(verb, x); strings.Contains(out, "s3cret") || !strings.Contains(out, "(redacted)") {
				t.Errorf("%s of %T = %s", verb, x, out)
			}
		}
	}
}
