package notify

import "unicode/utf8"

// Ellipsis ends a truncated text.
const Ellipsis = "…"

// Truncate shortens s to at most max characters (runes, as vendors count them), ending it
// with Ellipsis when shortened. It never splits a UTF-8 sequence.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max == 1 {
		return Ellipsis
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + Ellipsis
		}
		n++
	}
	return s
}

// TruncateBytes shortens s to at most max bytes, ending it with Ellipsis when shortened, at a
// UTF-8 boundary.
func TruncateBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	if max < len(Ellipsis) {
		return ""
	}
	cut := max - len(Ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + Ellipsis
}
