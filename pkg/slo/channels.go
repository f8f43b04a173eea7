package slo

import (
	"fmt"
	"regexp"
	"strconv"
)

// Channels is the `alert_channels:` section. A nil member is a channel not configured here
// (the plugin may still configure it from its secure settings).
//
// It holds no secrets. The secret-bearing keys (slack.webhook_url, pager.service_key and
// pager.routing_key) keep only the name of the environment variable of a `${NAME}` reference;
// a literal value is accepted but dropped with a warning, and an *Env field left empty means
// the secret comes from the data source's secure settings. String and GoString print the
// names only, so %v, %+v and %#v of a Config stay free of secrets.
type Channels struct {
	Slack *SlackChannel
	Pager *PagerChannel
	Email *EmailChannel
}

// SlackChannel is `alert_channels.slack`: where the incoming-webhook URL comes from and the
// channel to post to.
type SlackChannel struct {
	// WebhookURLEnv names the environment variable holding the webhook URL
	// (`webhook_url: "${SLACK_WEBHOOK_URL}"` -> "SLACK_WEBHOOK_URL"); empty when the URL
	// comes from the secure setting slackWebhookUrl.
	WebhookURLEnv string
	Channel       string
}

// PagerChannel is `alert_channels.pager` (PagerDuty).
type PagerChannel struct {
	// RoutingKeyEnv names the environment variable holding the Events API v2 integration
	// (routing) key, from routing_key or the seed's service_key (the Events API v1 name of the
	// same key); empty when the key comes from the secure setting pagerDutyRoutingKey.
	RoutingKeyEnv string
}

// EmailChannel is `alert_channels.email`: SMTPServer as "host" or "host:port", From and
// Recipients as RFC 5322 addresses. SMTP credentials come from the secure settings, not YAML.
type EmailChannel struct {
	SMTPServer string
	From       string
	Recipients []string
}

// envNamePattern is the NAME of a `${NAME}` environment reference.
const envNamePattern = `[A-Za-z_][A-Za-z0-9_]*`

var (
	// envName matches a variable name; envRef a whole-value reference, capturing the name.
	envName = regexp.MustCompile(`^` + envNamePattern + `$`)
	envRef  = regexp.MustCompile(`^\$\{(` + envNamePattern + `)\}$`)
)

// shownEnv is an *Env field as printed: the name itself, or a placeholder should anything but
// a variable name ever be stored there.
func shownEnv(name string) string {
	if name == "" || envName.MatchString(name) {
		return name
	}
	return "(redacted)"
}

// String prints the channels with environment-variable names and no secret values.
func (c Channels) String() string {
	return fmt.Sprintf("{Slack:%v Pager:%v Email:%+v}", c.Slack, c.Pager, c.Email)
}

// GoString is String for %#v.
func (c Channels) GoString() string {
	slack, pager := "(*slo.SlackChannel)(nil)", "(*slo.PagerChannel)(nil)"
	if c.Slack != nil {
		slack = "&" + c.Slack.GoString()
	}
	if c.Pager != nil {
		pager = "&" + c.Pager.GoString()
	}
	return fmt.Sprintf("slo.Channels{Slack:%s, Pager:%s, Email:%#v}", slack, pager, c.Email)
}

// String prints the channel with the webhook's environment-variable name, never a URL.
func (s SlackChannel) String() string {
	return fmt.Sprintf("{WebhookURLEnv:%s Channel:%s}", shownEnv(s.WebhookURLEnv), s.Channel)
}

// GoString is String for %#v.
func (s SlackChannel) GoString() string {
	return fmt.Sprintf("slo.SlackChannel{WebhookURLEnv:%s, Channel:%s}",
		strconv.Quote(shownEnv(s.WebhookURLEnv)), strconv.Quote(s.Channel))
}

// String prints the channel with the key's environment-variable name, never a key.
func (p PagerChannel) String() string {
	return fmt.Sprintf("{RoutingKeyEnv:%s}", shownEnv(p.RoutingKeyEnv))
}

// GoString is String for %#v.
func (p PagerChannel) GoString() string {
	return fmt.Sprintf("slo.PagerChannel{RoutingKeyEnv:%s}", strconv.Quote(shownEnv(p.RoutingKeyEnv)))
}
