package notify

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Redacted replaces every secret in text and in String() output.
const Redacted = "<redacted>"

// Secret is a configuration value that must never be printed: a webhook URL, token, routing
// key or password. Every fmt verb and JSON marshalling print Redacted; use Reveal to send it.
type Secret string

// Reveal returns the secret itself, for use on the wire only.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString implements fmt.GoStringer.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// Format implements fmt.Formatter so that %s, %v, %+v, %q and %x never print the value.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s.String())
		return
	}
	fmt.Fprint(f, s.String())
}

// MarshalJSON prints Redacted, so a config dumped as JSON holds no secret.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%q", s.String())), nil }

// urlPattern matches absolute http(s) URLs in free text (net/http errors quote the URL).
var urlPattern = regexp.MustCompile(`https?://[^\s"'<>]+`)

// RedactURL keeps a URL's scheme and host and hides its path, query, fragment and user info,
// where webhook secrets and keys live: "https://hooks.slack.com/<redacted>".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Redacted
	}
	if u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + "://" + u.Host + "/" + Redacted
}

// RedactString removes every secret (also URL-escaped) from s and shortens every URL with
// RedactURL.
func RedactString(s string, secrets ...Secret) string {
	var vals []string
	for _, sec := range secrets {
		v := sec.Reveal()
		if v == "" {
			continue
		}
		vals = append(vals, v, url.QueryEscape(v), url.PathEscape(v))
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	for _, v := range vals {
		s = strings.ReplaceAll(s, v, Redacted)
	}
	return urlPattern.ReplaceAllStringFunc(s, RedactURL)
}

// redactedError is an error whose text went through RedactString. It deliberately does not
// unwrap: the original error (for example a *url.Error) would print the secret.
type redactedError struct{ msg string }

func (e *redactedError) Error() string { return e.msg }

// Redact returns err with every secret and URL path removed from its text, or nil. Classify
// the original error (status code, Retryable) before redacting it: the result does not unwrap.
func Redact(err error, secrets ...Secret) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: RedactString(err.Error(), secrets...)}
}
