package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	s := Secret("xoxb-123-supersecret")
	type cfg struct{ Token Secret }
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%s %v %+v %#v %q %x", s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", cfg{s}, cfg{s}, cfg{s}),
	}
	js, _ := json.Marshal(cfg{s})
	outs = append(outs, string(js))
	for _, out := range outs {
		if strings.Contains(out, "supersecret") {
			t.Errorf("secret printed: %s", out)
		}
	}
	if s.Reveal() != "xoxb-123-supersecret" {
		t.Error("Reveal must return the value")
	}
}

func TestRedactRemovesSecretsAndURLPaths(t *testing.T) {
	hook := Secret("https://hooks.slack.invalid/services/T0/B0/abcdefSECRET")
	tests := []struct {
		name, in, mustNot, must string
	}{
		{"a configured webhook URL is replaced whole", `Post "https://hooks.slack.invalid/services/T0/B0/abcdefSECRET": dial tcp: refused`, "abcdefSECRET", `Post "<redacted>"`},
		{"an unknown URL keeps only its host", `Get "http://127.0.0.1:8080/v2/enqueue?key=k3y": EOF`, "k3y", "http://127.0.0.1:8080/<redacted>"},
		{"a bare secret", "token xoxb-1 rejected: abcdefSECRET", "abcdefSECRET", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(errors.New(tt.in), hook, Secret("abcdefSECRET")).Error()
			if strings.Contains(got, tt.mustNot) {
				t.Errorf("Redact = %q, contains %q", got, tt.mustNot)
			}
			if !strings.Contains(got, tt.must) {
				t.Errorf("Redact = %q, want it to contain %q", got, tt.must)
			}
		})
	}
	if Redact(nil) != nil {
		t.Error("Redact(nil) must be nil")
	}
}
