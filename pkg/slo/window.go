package slo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Day and Week are the calendar-free units of SLO windows: a day is always 24 h (SLO periods
// are rolling, not calendar-aligned).
const (
	Day  = 24 * time.Hour
	Week = 7 * Day
)

// windowUnits lists the units a window may use, largest first.
var windowUnits = []struct {
	name byte
	size time.Duration
}{
	{'w', Week},
	{'d', Day},
	{'h', time.Hour},
	{'m', time.Minute},
	{'s', time.Second},
}

// ParseWindow parses a window such as "5m", "1h", "30d", "4w" or a combination with units in
// decreasing order such as "1h30m" or "1d12h". Units are w, d (24 h), h, m and s; numbers are
// non-negative integers. The result must be > 0.
func ParseWindow(s string) (time.Duration, error) {
	d, err := parseSpan(s)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, fmt.Errorf("window %q: must be > 0", s)
	}
	return d, nil
}

// parseSpan is ParseWindow without the > 0 check; a bare "0" is accepted (for `for: 0`).
func parseSpan(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("window is empty; want e.g. 5m, 1h, 30d")
	}
	if s == "0" {
		return 0, nil
	}
	var total time.Duration
	lastUnit := -1 // index of the previous unit; each must be smaller (a larger index)
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("window %q: want a number then a unit (w, d, h, m, s), e.g. 30d or 1h30m", s)
		}
		if i == len(rest) {
			return 0, fmt.Errorf("window %q: missing unit after %s; want w, d, h, m or s, e.g. 30d", s, rest)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("window %q: number too large", s)
		}
		u := unitIndex(rest[i])
		if u < 0 {
			return 0, fmt.Errorf("window %q: unknown unit %q; want w, d, h, m or s", s, string(rest[i]))
		}
		if u <= lastUnit {
			return 0, fmt.Errorf("window %q: units must appear once each, largest first (e.g. 1h30m)", s)
		}
		lastUnit = u
		size := windowUnits[u].size
		if n > math.MaxInt64/int64(size) || total > time.Duration(math.MaxInt64)-time.Duration(n)*size {
			return 0, fmt.Errorf("window %q: too long", s)
		}
		total += time.Duration(n) * size
		rest = rest[i+1:]
	}
	return total, nil
}

func unitIndex(c byte) int {
	for i, u := range windowUnits {
		if u.name == c {
			return i
		}
	}
	return -1
}

// FormatWindow formats a positive whole number of seconds in the units ParseWindow reads,
// largest first and without weeks: 30d -> "30d", 1h -> "1h", 90m -> "1h30m", 4w -> "28d".
// ParseWindow(FormatWindow(d)) == d for such durations. Other durations (<= 0 or with
// fractions of a second) are formatted by time.Duration.String.
func FormatWindow(d time.Duration) string {
	if d <= 0 || d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	for _, u := range windowUnits[1:] { // no weeks: "28d" reads better than "4w" next to "30d"
		if n := d / u.size; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10))
			b.WriteByte(u.name)
			d -= n * u.size
		}
	}
	return b.String()
}
