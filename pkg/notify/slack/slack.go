// Package slack sends SLOGuard notifications to Slack as Block Kit messages, through an
// incoming webhook or a bot token (chat.postMessage), using github.com/slack-go/slack.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	goslack "github.com/slack-go/slack"

	"github.com/sloguard/sloguard/pkg/notify"
)

// ThreadStore remembers the ts of each alert's firing message, so the resolved message can
// be posted in its thread (bot mode only). The delivery worker may persist it.
type ThreadStore interface {
	// ThreadTS returns the ts stored for alertID, "" when none.
	ThreadTS(ctx context.Context, alertID string) (string, error)
	// SetThreadTS stores ts for alertID.
	SetThreadTS(ctx context.Context, alertID, ts string) error
}

// MemoryThreadStore is an in-process ThreadStore, safe for concurrent use.
type MemoryThreadStore struct {
	mu sync.Mutex
	ts map[string]string
}

// ThreadTS implements ThreadStore.
func (s *MemoryThreadStore) ThreadTS(_ context.Context, alertID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ts[alertID], nil
}

// SetThreadTS implements ThreadStore.
func (s *MemoryThreadStore) SetThreadTS(_ context.Context, alertID, ts string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ts == nil {
		s.ts = map[string]string{}
	}
	s.ts[alertID] = ts
	return nil
}

// Option configures a Notifier.
type Option func(*Notifier)

// WithHTTPClient sets the HTTP client (default: one with the config's timeout).
func WithHTTPClient(c *http.Client) Option { return func(n *Notifier) { n.http = c } }

// WithThreadStore sets where firing message timestamps are kept (default: in memory).
func WithThreadStore(s ThreadStore) Option { return func(n *Notifier) { n.threads = s } }

// Notifier posts messages to Slack. It is safe for concurrent use and never mutates its config.
type Notifier struct {
	cfg     Config
	http    *http.Client
	api     *goslack.Client // nil in webhook mode
	threads ThreadStore
}

var _ notify.Notifier = (*Notifier)(nil)

// New validates cfg and returns a Notifier.
func New(cfg Config, opts ...Option) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := &Notifier{cfg: cfg, threads: &MemoryThreadStore{}}
	for _, o := range opts {
		o(n)
	}
	if n.http == nil {
		n.http = notify.HTTPClient(cfg.Timeout, DefaultTimeout)
	}
	if cfg.Token != "" {
		apiURL := cfg.APIURL
		if apiURL == "" {
			apiURL = DefaultAPIURL
		}
		n.api = goslack.New(cfg.Token.Reveal(), goslack.OptionAPIURL(apiURL), goslack.OptionHTTPClient(n.http))
	}
	return n, nil
}

// Notify implements notify.Notifier. With a bot token, the firing message's ts is stored in
// the ThreadStore and a resolved message is posted in that thread.
func (n *Notifier) Notify(ctx context.Context, msg notify.Message) (bool, error) {
	var threadTS string
	if n.api != nil && msg.Kind == notify.KindResolved {
		ts, err := n.threads.ThreadTS(ctx, msg.AlertID)
		if err != nil {
			return true, fmt.Errorf("slack: load thread of alert %q: %w", msg.AlertID, err)
		}
		threadTS = ts
	}
	ts, retry, err := n.Post(ctx, msg, threadTS)
	if err != nil {
		return retry, err
	}
	if n.api != nil && msg.Kind == notify.KindFiring && ts != "" {
		// The message is out; failing on a store error here would send it twice, so the
		// error is dropped (the resolved message is then posted unthreaded).
		_ = n.threads.SetThreadTS(ctx, msg.AlertID, ts)
	}
	return false, nil
}

// Post sends msg, as a reply in threadTS when it is set (bot mode), and returns the posted
// message's ts ("" for webhooks, which return none) for the caller to keep.
func (n *Notifier) Post(ctx context.Context, msg notify.Message, threadTS string) (ts string, retry bool, err error) {
	if err := msg.Validate(); err != nil {
		return "", false, fmt.Errorf("slack: %w", err)
	}
	blocks := Blocks(msg)
	text := FallbackText(msg)
	if n.api == nil {
		wh := &goslack.WebhookMessage{Text: text, Blocks: &goslack.Blocks{BlockSet: blocks}}
		err = goslack.PostWebhookCustomHTTPContext(ctx, n.cfg.WebhookURL.Reveal(), n.http, wh)
	} else {
		opts := []goslack.MsgOption{goslack.MsgOptionText(text, false), goslack.MsgOptionBlocks(blocks...)}
		if threadTS != "" {
			opts = append(opts, goslack.MsgOptionTS(threadTS))
		}
		_, ts, err = n.api.PostMessageContext(ctx, n.cfg.Channel, opts...)
	}
	if err != nil {
		retry, err = n.classify(err)
		return "", retry, err
	}
	return ts, false, nil
}

// slackTransientErrors are chat.postMessage "ok": false errors worth retrying
// (https://api.slack.com/methods/chat.postMessage#errors).
var slackTransientErrors = map[string]bool{
	"ratelimited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true,
}

// classify maps a slack-go error to the retry policy and redacts it.
func (n *Notifier) classify(err error) (bool, error) {
	secrets := []notify.Secret{n.cfg.WebhookURL, n.cfg.Token}
	var rl *goslack.RateLimitedError
	var sc goslack.StatusCodeError
	var se goslack.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		return notify.Retryable(http.StatusTooManyRequests, nil),
			&notify.StatusError{Integration: "slack", Code: http.StatusTooManyRequests, Reason: "rate limited", RetryAfter: rl.RetryAfter}
	case errors.As(err, &sc):
		return notify.Retryable(sc.Code, nil),
			&notify.StatusError{Integration: "slack", Code: sc.Code, Reason: notify.RedactString(http.StatusText(sc.Code), secrets...)}
	case errors.As(err, &se):
		return slackTransientErrors[se.Err], fmt.Errorf("slack: api error: %w", notify.Redact(se, secrets...))
	}
	return notify.Retryable(0, err), fmt.Errorf("slack: %w", notify.Redact(err, secrets...))
}
