package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sloguard/sloguard/pkg/notify/pagerduty"
)

// Payload checks of the local receiver, as the vendors document them:
// Slack incoming webhooks (https://api.slack.com/messaging/webhooks) take a JSON object with
// text, blocks and/or (legacy, still accepted, what Grafana's Slack contact point sends)
// attachments; PagerDuty Events API v2 (https://developer.pagerduty.com/api-reference/
// 368ae3d938c9e-send-an-event-to-pager-duty) takes routing_key, event_action, dedup_key and,
// to trigger, a payload with summary, source and severity.

// pdRoutingKeyLen is the length of a PagerDuty integration (routing) key.
const pdRoutingKeyLen = 32

// pdMaxDedupKey is the Events API v2 limit of dedup_key (the summary's is
// pagerduty.MaxSummary).
const pdMaxDedupKey = 255

var (
	pdActions    = []string{"trigger", "acknowledge", "resolve"}
	pdSeverities = []string{"critical", "error", "warning", "info"}
)

// slackMessage is what the receiver reads of a Slack webhook body.
type slackMessage struct {
	Text        *string           `json:"text"`
	Blocks      []json.RawMessage `json:"blocks"`
	Attachments []json.RawMessage `json:"attachments"`
}

// slackAttachment is what the receiver reads of a legacy attachment: Slack shows fallback
// where attachments cannot be shown, else title and text.
type slackAttachment struct {
	Fallback string `json:"fallback"`
	Title    string `json:"title"`
	Text     string `json:"text"`
}

// checkSlack returns the message's summary (its text, else the first text block, else the
// first attachment's fallback, title or text) or why the body is not a valid webhook message.
func checkSlack(body []byte) (string, error) {
	var m slackMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return "", fmt.Errorf("invalid_payload: %v", err)
	}
	var firstText string
	for i, raw := range m.Blocks {
		var b struct {
			Type string `json:"type"`
			Text *struct {
				Text string `json:"text"`
			} `json:"text"`
		}
		if err := json.Unmarshal(raw, &b); err != nil || b.Type == "" {
			return "", fmt.Errorf("invalid_blocks: blocks[%d] must be an object with a type", i)
		}
		if firstText == "" && b.Text != nil {
			firstText = b.Text.Text
		}
	}
	for i, raw := range m.Attachments {
		var a slackAttachment
		if err := json.Unmarshal(raw, &a); err != nil {
			return "", fmt.Errorf("invalid_attachments: attachments[%d] must be an object", i)
		}
		if firstText == "" {
			firstText = cmp.Or(a.Fallback, a.Title, a.Text)
		}
	}
	switch {
	case m.Text != nil && *m.Text != "":
		return *m.Text, nil
	case len(m.Blocks) > 0 || len(m.Attachments) > 0:
		return firstText, nil
	}
	return "", fmt.Errorf("no_text: a message needs text, blocks or attachments")
}

// pdEvent is a PagerDuty Events API v2 event.
type pdEvent struct {
	RoutingKey  string `json:"routing_key"`
	EventAction string `json:"event_action"`
	DedupKey    string `json:"dedup_key"`
	Payload     *struct {
		Summary  string `json:"summary"`
		Source   string `json:"source"`
		Severity string `json:"severity"`
	} `json:"payload"`
}

// checkPagerDuty decodes an event and lists what is wrong with it, in PagerDuty's wording.
func checkPagerDuty(body []byte) (pdEvent, []string) {
	var e pdEvent
	if err := json.Unmarshal(body, &e); err != nil {
		return e, []string{"Event object is not valid JSON: " + err.Error()}
	}
	var errs []string
	if len(e.RoutingKey) != pdRoutingKeyLen {
		errs = append(errs, fmt.Sprintf("'routing_key' must be a %d-character integration key", pdRoutingKeyLen))
	}
	if !slices.Contains(pdActions, e.EventAction) {
		errs = append(errs, "'event_action' must be one of trigger, acknowledge, resolve")
	}
	if len(e.DedupKey) > pdMaxDedupKey {
		errs = append(errs, fmt.Sprintf("'dedup_key' must be at most %d characters", pdMaxDedupKey))
	}
	if e.EventAction != "trigger" {
		if e.EventAction != "" && e.DedupKey == "" {
			errs = append(errs, "'dedup_key' is required to acknowledge or resolve")
		}
		return e, errs
	}
	if e.Payload == nil {
		return e, append(errs, "'payload' is missing or invalid")
	}
	if e.Payload.Summary == "" || len(e.Payload.Summary) > pagerduty.MaxSummary {
		errs = append(errs, fmt.Sprintf("'payload.summary' must be 1 to %d characters", pagerduty.MaxSummary))
	}
	if e.Payload.Source == "" {
		errs = append(errs, "'payload.source' is missing or blank")
	}
	if !slices.Contains(pdSeverities, e.Payload.Severity) {
		errs = append(errs, "'payload.severity' must be one of critical, error, warning, info")
	}
	return e, errs
}
