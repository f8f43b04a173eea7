package notify

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// Kind is the alert transition a message announces.
type Kind string

// The two transitions that notify.
const (
	KindFiring   Kind = "firing"
	KindResolved Kind = "resolved"
)

// BurnRate is the error-budget burn rate measured over one look-back window.
type BurnRate struct {
	Window time.Duration
	// Rate is the multiple of the sustainable burn (1 = the budget lasts exactly the period).
	Rate float64
}

// Message is one alert transition, everything every integration renders. Ratios are in [0, 1]
// (Objective 0.999 = 99.9 %) and converted to percent only when rendered.
type Message struct {
	Kind Kind
	// AlertID identifies the alert (one per SLO and rule); integrations use it as dedup key.
	AlertID  string
	Service  string
	SLO      string
	SLIType  slo.SLIType
	Rule     string
	Severity string // slo.AlertCritical, AlertMajor, AlertWarning or AlertInfo
	// CurrentSLI is the measured good ratio: requests that succeeded (success_rate), journeys
	// that completed (user_journey), or requests answered within ThresholdMS (latency).
	CurrentSLI float64
	// ThresholdMS is the latency threshold in milliseconds; latency SLIs only.
	ThresholdMS float64
	// Objective is the target ratio (the percentile for latency SLIs).
	Objective float64
	// BudgetRemaining is the fraction of the error budget left (negative when overspent).
	BudgetRemaining float64
	// BurnRates are the rates over the rule's windows, long window first.
	BurnRates []BurnRate
	// TimeToExhaustion is how long the remaining budget lasts at the current burn; 0 when
	// unknown or the budget is not burning.
	TimeToExhaustion time.Duration
	Description      string
	DashboardURL     string
	Timestamp        time.Time
}

// Validate reports a message no integration can send. Its errors wrap ErrPermanent.
func (m Message) Validate() error {
	switch {
	case m.Kind != KindFiring && m.Kind != KindResolved:
		return fmt.Errorf("message: kind %q is not firing or resolved: %w", m.Kind, ErrPermanent)
	case m.AlertID == "":
		return fmt.Errorf("message: alert id is empty: %w", ErrPermanent)
	}
	return nil
}

// Title is "FIRING critical: payment_service availability" (RESOLVED when resolved).
func (m Message) Title() string {
	return fmt.Sprintf("%s %s: %s %s", strings.ToUpper(string(m.Kind)), m.Severity, m.Service, m.SLO)
}

// SLIText renders the current SLI with the unit of its type (seed ERRATA 8): "99.52 %" for
// success_rate and user_journey, "97.1 % of requests within 200 ms" for latency.
func (m Message) SLIText() string { return m.ratioText(m.CurrentSLI) }

// ObjectiveText renders the objective like SLIText: "99.9 %", "95 % of requests within 200 ms".
func (m Message) ObjectiveText() string { return m.ratioText(m.Objective) }

func (m Message) ratioText(r float64) string {
	if m.SLIType == slo.Latency {
		return fmt.Sprintf("%s of requests within %s ms", Percent(r), trimFloat(m.ThresholdMS, 1))
	}
	return Percent(r)
}

// BudgetText renders the remaining budget: "42.5 %".
func (m Message) BudgetText() string { return Percent(m.BudgetRemaining) }

// BurnRatesText renders "14.4x over 1h, 15.2x over 5m", or "n/a" without rates.
func (m Message) BurnRatesText() string {
	if len(m.BurnRates) == 0 {
		return "n/a"
	}
	parts := make([]string, len(m.BurnRates))
	for i, b := range m.BurnRates {
		parts[i] = fmt.Sprintf("%sx over %s", trimFloat(b.Rate, 2), slo.FormatWindow(b.Window))
	}
	return strings.Join(parts, ", ")
}

// TimeToExhaustionText renders "exhausted" when no budget is left, "n/a" when unknown, else
// "2d 4h", "3h 20m" or "12m".
func (m Message) TimeToExhaustionText() string {
	if m.BudgetRemaining <= 0 && m.Kind == KindFiring {
		return "exhausted"
	}
	d := m.TimeToExhaustion
	if d <= 0 {
		return "n/a"
	}
	d = d.Round(time.Minute)
	days, hours, mins := d/(24*time.Hour), d%(24*time.Hour)/time.Hour, d%time.Hour/time.Minute
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	default:
		return fmt.Sprintf("%dm", max(mins, 1))
	}
}

// Percent renders a ratio as a percentage with up to 3 decimals: 0.9995 -> "99.95 %".
func Percent(r float64) string { return trimFloat(r*100, 3) + " %" }

// trimFloat formats v with at most prec decimals and no trailing zeros.
func trimFloat(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// Required returns "<integration>: <field> is required" when value is empty.
func Required(integration, field, value string) error {
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("%s: %s is required", integration, field)
	}
	return nil
}

// CheckURL accepts absolute http(s) URLs; its errors never quote the URL (it may hold a
// secret).
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	return nil
}

// HTTPClient is an integration's HTTP client: timeout bounds one attempt, or def when 0.
func HTTPClient(timeout, def time.Duration) *http.Client {
	if timeout == 0 {
		timeout = def
	}
	return &http.Client{Timeout: timeout}
}
