package notify

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sloguard/sloguard/pkg/slo"
)

func TestSLITextUnitFollowsSLIType(t *testing.T) {
	tests := []struct {
		name                string
		msg                 Message
		wantSLI, wantTarget string
	}{
		{"success rate is a percentage",
			Message{SLIType: slo.SuccessRate, CurrentSLI: 0.9952, Objective: 0.999},
			"99.52 %", "99.9 %"},
		{"user journey is a percentage",
			Message{SLIType: slo.UserJourney, CurrentSLI: 0.97, Objective: 0.99},
			"97 %", "99 %"},
		{"latency is the share within the threshold in ms (ERRATA 8)",
			Message{SLIType: slo.Latency, CurrentSLI: 0.931, Objective: 0.95, ThresholdMS: 200},
			"93.1 % of requests within 200 ms", "95 % of requests within 200 ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.msg.SLIText(); got != tt.wantSLI {
				t.Errorf("SLIText = %q, want %q", got, tt.wantSLI)
			}
			if got := tt.msg.ObjectiveText(); got != tt.wantTarget {
				t.Errorf("ObjectiveText = %q, want %q", got, tt.wantTarget)
			}
		})
	}
}

func TestMessageTexts(t *testing.T) {
	m := Message{Kind: KindFiring, Severity: "critical", Service: "payment_service", SLO: "availability",
		BudgetRemaining: 0.425, TimeToExhaustion: 3*time.Hour + 20*time.Minute,
		BurnRates: []BurnRate{{time.Hour, 14.4}, {5 * time.Minute, 15.25}}}
	checks := map[string][2]string{
		"title":              {m.Title(), "FIRING critical: payment_service availability"},
		"budget":             {m.BudgetText(), "42.5 %"},
		"burn rates":         {m.BurnRatesText(), "14.4x over 1h, 15.25x over 5m"},
		"time to exhaustion": {m.TimeToExhaustionText(), "3h 20m"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	m.BudgetRemaining = -0.1
	if got := m.TimeToExhaustionText(); got != "exhausted" {
		t.Errorf("overspent budget: %q, want exhausted", got)
	}
}

func TestMessageValidateRejectsUnsendableMessages(t *testing.T) {
	if err := (Message{Kind: "pending", AlertID: "a"}).Validate(); err == nil {
		t.Error("unknown kind accepted")
	}
	if err := (Message{Kind: KindFiring}).Validate(); err == nil {
		t.Error("empty alert id accepted")
	}
	if err := (Message{Kind: KindResolved, AlertID: "a"}).Validate(); err != nil {
		t.Errorf("valid message rejected: %v", err)
	}
}

func TestTruncateKeepsUTF8AndLimit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
	}{
		{"short text is kept", "abc", 10},
		{"ascii is cut with an ellipsis", strings.Repeat("a", 200), 150},
		{"multibyte runes are not split", strings.Repeat("é🔥", 100), 151},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.max)
			if n := utf8.RuneCountInString(got); n > tt.max || !utf8.ValidString(got) {
				t.Errorf("Truncate: %d runes, valid=%v", n, utf8.ValidString(got))
			}
			if utf8.RuneCountInString(tt.in) > tt.max && !strings.HasSuffix(got, Ellipsis) {
				t.Error("truncated text must end with an ellipsis")
			}
			b := TruncateBytes(tt.in, tt.max)
			if len(b) > tt.max || !utf8.ValidString(b) {
				t.Errorf("TruncateBytes: %d bytes, valid=%v", len(b), utf8.ValidString(b))
			}
		})
	}
}
