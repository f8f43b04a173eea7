package slo

import (
	"strings"
	"testing"
	"time"
)

func TestParseWindowAcceptsTheSeedsWindowsAndCombinations(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"5m", 5 * time.Minute},
		{"30m", 30 * time.Minute},
		{"1h", time.Hour},
		{"2h", 2 * time.Hour},
		{"6h", 6 * time.Hour},
		{"1d", 24 * time.Hour},
		{"3d", 72 * time.Hour},
		{"7d", 168 * time.Hour},
		{"4w", 28 * 24 * time.Hour},
		{"30d", 720 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{"1d12h", 36 * time.Hour},
		{"1w2d", 9 * Day},
		{"90s", 90 * time.Second},
		{"0d1h", time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWindow(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseWindow(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseWindowRejectsNonPositiveAndGarbage(t *testing.T) {
	tests := []struct {
		in, fragment string
	}{
		{"", "empty"},
		{"0", "> 0"},
		{"0d", "> 0"},
		{"0h0m", "> 0"},
		{"-1h", "want a number"},
		{"30", "missing unit"},
		{"30x", `unknown unit "x"`},
		{"30D", `unknown unit "D"`},
		{"1.5h", `unknown unit "."`},
		{"h", "want a number"},
		{"30m1h", "largest first"},
		{"1h1h", "largest first"},
		{" 1h", "want a number"},
		{"1h ", "want a number"},
		{"99999999999999999999d", "too large"},
		{"9999999w", "too long"},
		{"106751d23h47m17s", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWindow(tt.in)
			if err == nil {
				t.Fatalf("ParseWindow(%q) = %v, want an error", tt.in, got)
			}
			if !strings.Contains(err.Error(), tt.fragment) {
				t.Errorf("error %q does not mention %q", err, tt.fragment)
			}
		})
	}
}

func TestFormatWindow(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{30 * Day, "30d"},
		{time.Hour, "1h"},
		{5 * time.Minute, "5m"},
		{4 * Week, "28d"},
		{90 * time.Minute, "1h30m"},
		{36 * time.Hour, "1d12h"},
		{61 * time.Second, "1m1s"},
		{0, "0s"},
		{1500 * time.Millisecond, "1.5s"},
	}
	for _, tt := range tests {
		if got := FormatWindow(tt.in); got != tt.want {
			t.Errorf("FormatWindow(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatWindowRoundTripsThroughParseWindow(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 59 * time.Second, time.Hour + time.Second, 30 * Day, 400*Day + 3*time.Hour + 7*time.Minute + 9*time.Second} {
		got, err := ParseWindow(FormatWindow(d))
		if err != nil || got != d {
			t.Errorf("ParseWindow(FormatWindow(%v)) = %v, %v", d, got, err)
		}
	}
}

func FuzzWindowRoundTrip(f *testing.F) {
	for _, s := range []string{"30d", "1h30m", "4w", "5m", "1d12h", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseWindow(s)
		if err != nil {
			return
		}
		if d <= 0 {
			t.Fatalf("ParseWindow(%q) = %v", s, d)
		}
		back, err := ParseWindow(FormatWindow(d))
		if err != nil || back != d {
			t.Fatalf("round trip of %q: %v -> %q -> %v, %v", s, d, FormatWindow(d), back, err)
		}
	})
}
