package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// parseInstant reads a time flag: "now", an RFC 3339 time, or a window before now such as
// -7d, -36h or -1d12h (slo.ParseWindow's units). The error names the flag.
func parseInstant(flagName, text string, now time.Time) (time.Time, error) {
	switch {
	case text == "now":
		return now.UTC(), nil
	case strings.HasPrefix(text, "-"):
		d, err := slo.ParseWindow(text[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("--%s: %q: %w", flagName, text, err)
		}
		return now.Add(-d).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: %q is not an RFC 3339 time (2026-11-01T00:00:00Z), now, or a window before now (-7d)", flagName, text)
	}
	return t.UTC(), nil
}
