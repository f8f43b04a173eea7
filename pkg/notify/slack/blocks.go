package slack

import (
	"fmt"
	"strings"

	goslack "github.com/slack-go/slack"

	"github.com/sloguard/sloguard/pkg/notify"
)

// Slack's documented Block Kit limits (https://api.slack.com/reference/block-kit/blocks and
// https://api.slack.com/reference/block-kit/block-elements#button), counted in characters.
const (
	// MaxHeaderText: header block text, "Maximum length for the text in this field is 150
	// characters."
	MaxHeaderText = 150
	// MaxSectionText: section block text, "Maximum length ... is 3000 characters."
	MaxSectionText = 3000
	// MaxSectionFields: section block fields, "Maximum number of items is 10."
	MaxSectionFields = 10
	// MaxFieldText: each section field, "Maximum length for the text in each item is 2000
	// characters."
	MaxFieldText = 2000
	// MaxButtonText: button text, "Maximum length ... is 75 characters."
	MaxButtonText = 75
	// MaxButtonURL: button url, "Maximum length ... is 3000 characters."
	MaxButtonURL = 3000
	// MaxMessageText: chat.postMessage text, truncated by Slack beyond 40,000 characters
	// (https://api.slack.com/methods/chat.postMessage#truncating).
	MaxMessageText = 40000
)

// Blocks renders msg as Block Kit: a header with the state and severity, a section of fields
// (service, SLO, SLI, objective, budget remaining, burn rates and windows, time to exhaustion,
// rule), the description, a dashboard button and a context line with the alert id and time.
func Blocks(msg notify.Message) []goslack.Block {
	icon := ":rotating_light:"
	if msg.Kind == notify.KindResolved {
		icon = ":white_check_mark:"
	}
	header := goslack.NewHeaderBlock(plain(icon+" "+msg.Title(), MaxHeaderText))

	fields := []*goslack.TextBlockObject{
		field("Service", msg.Service),
		field("SLO", msg.SLO),
		field("SLI ("+string(msg.SLIType)+")", msg.SLIText()),
		field("Objective", msg.ObjectiveText()),
		field("Budget remaining", msg.BudgetText()),
		field("Burn rate", msg.BurnRatesText()),
		field("Time to exhaustion", msg.TimeToExhaustionText()),
		field("Rule", msg.Rule),
	}
	if len(fields) > MaxSectionFields {
		fields = fields[:MaxSectionFields]
	}
	blocks := []goslack.Block{header, goslack.NewSectionBlock(nil, fields, nil)}

	if strings.TrimSpace(msg.Description) != "" {
		blocks = append(blocks, goslack.NewSectionBlock(mrkdwn(Escape(msg.Description), MaxSectionText), nil, nil))
	}
	if msg.DashboardURL != "" && len(msg.DashboardURL) <= MaxButtonURL {
		btn := goslack.NewButtonBlockElement("open_dashboard", msg.AlertID,
			plain("Open dashboard", MaxButtonText)).WithURL(msg.DashboardURL)
		blocks = append(blocks, goslack.NewActionBlock("links", btn))
	}
	ctx := fmt.Sprintf("Alert `%s`", Escape(msg.AlertID))
	if !msg.Timestamp.IsZero() {
		ctx += " · " + msg.Timestamp.UTC().Format("2006-01-02 15:04:05 MST")
	}
	blocks = append(blocks, goslack.NewContextBlock("", mrkdwn(ctx, MaxSectionText)))
	return blocks
}

// FallbackText is the top-level text Slack shows in notifications and screen readers.
func FallbackText(msg notify.Message) string {
	return notify.Truncate(msg.Title()+": SLI "+msg.SLIText()+", objective "+msg.ObjectiveText(), MaxMessageText)
}

// Escape escapes the three characters mrkdwn reserves
// (https://api.slack.com/reference/surfaces/formatting#escaping).
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func plain(text string, limit int) *goslack.TextBlockObject {
	return goslack.NewTextBlockObject(goslack.PlainTextType, notify.Truncate(text, limit), true, false)
}

func field(name, value string) *goslack.TextBlockObject {
	if value == "" {
		value = "n/a"
	}
	return mrkdwn("*"+name+"*\n"+Escape(value), MaxFieldText)
}

// mrkdwn builds a mrkdwn text object of at most limit characters, never cutting an escape
// entity (&amp; &lt; &gt;) in half.
func mrkdwn(text string, limit int) *goslack.TextBlockObject {
	return goslack.NewTextBlockObject(goslack.MarkdownType, truncateEscaped(text, limit), false, false)
}

func truncateEscaped(s string, limit int) string {
	t := notify.Truncate(s, limit)
	if t == s {
		return s
	}
	body := strings.TrimSuffix(t, notify.Ellipsis)
	if amp := strings.LastIndexByte(body, '&'); amp >= 0 && !strings.Contains(body[amp:], ";") {
		body = body[:amp]
	}
	return body + notify.Ellipsis
}
