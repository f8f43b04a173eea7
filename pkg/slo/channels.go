package slo

// Channels is the `alert_channels:` section. A nil member is a channel not configured here
// (the plugin may still configure it from its secure settings). Values, placeholders
// included, are kept exactly as written and never appear in diagnostics.
type Channels struct {
	Slack *SlackChannel
	Pager *PagerChannel
	Email *EmailChannel
}

// SlackChannel is `alert_channels.slack`: an incoming-webhook URL and the channel to post to.
type SlackChannel struct {
	WebhookURL string
	Channel    string
}

// PagerChannel is `alert_channels.pager` (PagerDuty): ServiceKey is the Events API v1
// integration key the seed uses, RoutingKey the Events API v2 one.
type PagerChannel struct {
	ServiceKey string
	RoutingKey string
}

// EmailChannel is `alert_channels.email`: SMTPServer as "host" or "host:port", From and
// Recipients as RFC 5322 addresses. SMTP credentials come from the secure settings, not YAML.
type EmailChannel struct {
	SMTPServer string
	From       string
	Recipients []string
}
