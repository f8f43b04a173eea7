package slo

import (
	"strconv"
	"time"
)

// SLIType is the kind of indicator an SLO measures.
type SLIType string

// The SLI types of the seed.
const (
	// SuccessRate: good = requests with status_code < 500, valid = all requests.
	SuccessRate SLIType = "success_rate"
	// Latency: good = valid requests answered within ThresholdMS (seed ERRATA 2).
	Latency SLIType = "latency"
	// UserJourney: good = journeys whose steps all succeeded within their max durations.
	UserJourney SLIType = "user_journey"
)

var sliTypes = []string{string(SuccessRate), string(Latency), string(UserJourney)}

// Config is a parsed SLO configuration. See the package documentation for the YAML.
type Config struct {
	// Services in file order, each holding only its valid SLOs.
	Services []Service
	// Journeys are the journeys defined under `journeys:`, by name.
	Journeys map[string]Journey
	// Rules is the default catalog merged with the valid rules of `alert_rules:`. Every name
	// in an SLO's AlertRules is a key here.
	Rules map[string]Rule
	// Channels is `alert_channels:` without secrets: environment-variable names only.
	Channels Channels
	// Tables is the optional `tables:` section with defaults filled in; nil when absent or
	// invalid.
	Tables *Tables
}

// Service is one entry of `services:`.
type Service struct {
	Name string
	// LogName is the service's name in the request logs (`log_name:`), Name by default.
	LogName string
	SLOs    []SLO
}

// SLO is one service level objective.
type SLO struct {
	Service    string
	LogService string // the service's LogName
	Name       string
	Type       SLIType
	// Objective is the target ratio in (0, 1): `target: 99.9` -> 0.999; for latency the
	// percentile, `percentile: 95` -> 0.95.
	Objective float64
	// Window is the SLO period T; WindowText is how it was written ("30d").
	Window     time.Duration
	WindowText string
	// ThresholdMS is the latency threshold (`target: 200` = 200 ms); latency SLOs only.
	ThresholdMS float64
	// Journey is the journey name (`journey_name:`); user_journey SLOs only.
	Journey string
	// Filters restrict the SLO to rows matching every filter.
	Filters []Filter
	// AlertRules names the rules evaluated for the SLO (DefaultRuleNames when not given).
	AlertRules  []string
	Description string
}

// ID returns "service/slo", the SLO's unique name.
func (s SLO) ID() string { return s.Service + "/" + s.Name }

// Percentile returns the latency percentile as written (95 for an objective of 0.95), 0 for
// other SLI types.
func (s SLO) Percentile() float64 {
	if s.Type != Latency {
		return 0
	}
	return roundSignificant(s.Objective * 100)
}

// Filter restricts an SLO to log rows whose Column (a column of the SLO's log table: the
// request table for success_rate and latency, the journey table for user_journey) equals one
// of Values.
type Filter struct {
	Column string
	Values []string
}

// Journey is a user journey: ordered steps, each with an optional time limit.
type Journey struct {
	Name        string
	Description string
	Steps       []JourneyStep
}

// JourneyStep is one step of a Journey; MaxDurationMS 0 means no limit.
type JourneyStep struct {
	Name          string
	MaxDurationMS float64
}

// SLOs returns every SLO of every service, in file order.
func (c *Config) SLOs() []SLO {
	var out []SLO
	for _, svc := range c.Services {
		out = append(out, svc.SLOs...)
	}
	return out
}

// ReadsTables says which log tables the SLOs read: the request table (success_rate and
// latency) and the journey table (user_journey). A nil or empty config reads both, as far
// as a check of the tables is concerned.
func (c *Config) ReadsTables() (requests, journeys bool) {
	if c == nil || len(c.SLOs()) == 0 {
		return true, true
	}
	for _, s := range c.SLOs() {
		if s.Type == UserJourney {
			journeys = true
		} else {
			requests = true
		}
	}
	return requests, journeys
}

// FindSLO returns the SLO with the given ID ("service/slo").
func (c *Config) FindSLO(id string) (SLO, bool) {
	for _, svc := range c.Services {
		for _, s := range svc.SLOs {
			if s.ID() == id {
				return s, true
			}
		}
	}
	return SLO{}, false
}

// Journey returns the journey called name; one not defined under `journeys:` is a journey
// without per-step limits.
func (c *Config) Journey(name string) Journey {
	if j, ok := c.Journeys[name]; ok {
		return j
	}
	return Journey{Name: name}
}

// RulesFor returns the rules of s, in the order of s.AlertRules.
func (c *Config) RulesFor(s SLO) []Rule {
	out := make([]Rule, 0, len(s.AlertRules))
	for _, name := range s.AlertRules {
		if r, ok := c.Rules[name]; ok {
			out = append(out, r.clone())
		}
	}
	return out
}

// percentToRatio converts a percentage to a ratio, rounded to 15 significant digits so that
// 99.9 becomes exactly the float64 nearest 0.999.
func percentToRatio(p float64) float64 { return roundSignificant(p / 100) }

func roundSignificant(x float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64)
	if err != nil {
		return x
	}
	return r
}
