// Package notify is the message model and the shared policy of SLOGuard's notification
// integrations (modelled on Prometheus Alertmanager's notify/): one small Notifier interface,
// the retry policy (Retryable, RetryableSMTP, Backoff) in one place, and the redaction helpers
// that keep secrets out of errors.
//
// Each integration is its own package (notify/slack, notify/pagerduty, notify/email) with a
// config.go (Config + Validate) and <name>.go (New, Notify); only the wiring code imports them
// all.
package notify
