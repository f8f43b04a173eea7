package slack

import (
	"errors"
	"fmt"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
)

// DefaultAPIURL is Slack's Web API base (https://api.slack.com/web); it must end with "/".
const DefaultAPIURL = "https://slack.com/api/"

// DefaultTimeout bounds one delivery attempt.
const DefaultTimeout = 10 * time.Second

// Config configures the Slack integration: an incoming webhook, or a bot token and channel.
// Only with the bot can a resolved message be threaded under its firing message.
type Config struct {
	// WebhookURL is an incoming webhook (https://api.slack.com/messaging/webhooks). Secret.
	WebhookURL notify.Secret
	// Token is a bot token (xoxb-...) with chat:write. Secret.
	Token notify.Secret
	// Channel is the channel ID or name the bot posts to; required with Token.
	Channel string
	// APIURL overrides DefaultAPIURL (tests, proxies).
	APIURL string
	// Timeout bounds one attempt; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Validate names the first invalid field.
func (c Config) Validate() error {
	hasHook, hasToken := c.WebhookURL != "", c.Token != ""
	switch {
	case hasHook && hasToken:
		return errors.New("slack: webhook_url and token are exclusive; set one")
	case !hasHook && !hasToken:
		return errors.New("slack: webhook_url or token is required")
	case hasHook:
		if err := notify.CheckURL(c.WebhookURL.Reveal()); err != nil {
			return fmt.Errorf("slack: webhook_url: %w", err)
		}
	case c.Channel == "":
		return errors.New("slack: channel is required with token")
	}
	if c.APIURL != "" {
		if err := notify.CheckURL(c.APIURL); err != nil {
			return fmt.Errorf("slack: api_url: %w", err)
		}
	}
	if c.Timeout < 0 {
		return errors.New("slack: timeout must not be negative")
	}
	return nil
}

// String prints the config with its secrets redacted.
func (c Config) String() string {
	return fmt.Sprintf("slack.Config{WebhookURL:%s Token:%s Channel:%q APIURL:%q Timeout:%s}",
		c.WebhookURL, c.Token, c.Channel, c.APIURL, c.Timeout)
}
