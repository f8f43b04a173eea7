package pagerduty

import (
	"errors"
	"fmt"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
)

// Events API v2 endpoints (https://developer.pagerduty.com/docs/events-api-v2/overview/).
const (
	// DefaultEndpoint is the US service region.
	DefaultEndpoint = "https://events.pagerduty.com"
	// EUEndpoint is the EU service region.
	EUEndpoint = "https://events.eu.pagerduty.com"
)

// DefaultTimeout bounds one delivery attempt.
const DefaultTimeout = 10 * time.Second

// routingKeyLen is the length of an Events API v2 integration key.
const routingKeyLen = 32

// Config configures the PagerDuty Events API v2 integration.
type Config struct {
	// RoutingKey is the 32-character integration key of an Events API v2 integration. Secret.
	RoutingKey notify.Secret
	// Endpoint is the API base URL; "" means DefaultEndpoint. Use EUEndpoint for the EU region.
	Endpoint string
	// Source overrides payload.source; "" uses the message's service.
	Source string
	// Timeout bounds one attempt; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Validate names the first invalid field.
func (c Config) Validate() error {
	if err := notify.Required("pagerduty", "routing_key", c.RoutingKey.Reveal()); err != nil {
		return err
	}
	if len(c.RoutingKey.Reveal()) != routingKeyLen {
		return fmt.Errorf("pagerduty: routing_key must be %d characters", routingKeyLen)
	}
	if c.Endpoint != "" {
		if err := notify.CheckURL(c.Endpoint); err != nil {
			return fmt.Errorf("pagerduty: endpoint: %w", err)
		}
	}
	if c.Timeout < 0 {
		return errors.New("pagerduty: timeout must not be negative")
	}
	return nil
}

// String prints the config with its secrets redacted.
func (c Config) String() string {
	return fmt.Sprintf("pagerduty.Config{RoutingKey:%s Endpoint:%q Source:%q Timeout:%s}",
		c.RoutingKey, c.Endpoint, c.Source, c.Timeout)
}
