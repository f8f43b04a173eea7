package slo

import (
	"net/mail"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file reads the sections around services: journeys, alert_channels and tables.

var (
	journeyKeys = []string{"steps", "description"}
	stepKeys    = []string{"step", "max_duration_ms"}
)

// journeys reads `journeys:`; an invalid journey is left out and remembered in p.badJourneys.
func (p *parser) journeys(e YAMLEntry, cfg *Config) {
	ents, ok := p.entries(e.Val, e.Path, "a mapping of journey names to journeys")
	if !ok {
		return
	}
	for _, je := range ents {
		before := p.errors
		j := Journey{Name: je.Name}
		if !isNull(je.Val) {
			p.journey(je, &j)
		}
		if p.errors == before {
			cfg.Journeys[je.Name] = j
		} else {
			p.badJourneys[je.Name] = true
		}
	}
}

func (p *parser) journey(je YAMLEntry, j *Journey) {
	f, ok := p.Fields(je.Val, je.Path, "a mapping with steps", journeyKeys, nil)
	if !ok {
		return
	}
	if de, ok := Present(f, "description"); ok {
		j.Description, _ = p.Str(de)
	}
	se, ok := Present(f, "steps")
	if !ok {
		return
	}
	items, ok := p.List(se)
	if !ok {
		return
	}
	seen := map[string]int{}
	for i, it := range items {
		sf, ok := p.Fields(it.Val, it.Path, "a mapping with step and max_duration_ms", stepKeys, nil)
		if !ok {
			continue
		}
		var step JourneyStep
		if ne, ok := p.required(sf, it, "step", "the step name as logged in step_name"); ok {
			if name, ok := p.Str(ne); ok {
				if first, dup := seen[name]; dup {
					p.Errorf(ne.Val, ne.Path, "duplicate step %q (also %s)", name, index(se.Path, first))
				}
				seen[name] = i
				step.Name = name
			}
		}
		if me, ok := Present(sf, "max_duration_ms"); ok {
			if v, ok := p.Number(me); ok && v <= 0 {
				p.Errorf(me.Val, me.Path, "must be > 0 (milliseconds); leave it out for no limit%s", Got(me))
			} else if ok {
				step.MaxDurationMS = v
			}
		}
		j.Steps = append(j.Steps, step)
	}
}

var (
	channelSections = []string{ChannelSlack, ChannelPager, ChannelEmail}
	slackKeys       = []string{"webhook_url", "channel"}
	pagerKeys       = []string{"service_key", "routing_key"}
	emailKeys       = []string{"smtp_server", "from", "recipients"}
)

// channels reads `alert_channels:`. Values are never quoted in diagnostics (see got), and
// secrets are never kept (see secret).
func (p *parser) channels(e YAMLEntry, cfg *Config) {
	f, ok := p.Fields(e.Val, e.Path, "a mapping with slack, pager and/or email", channelSections, nil)
	if !ok {
		return
	}
	if se, ok := Present(f, ChannelSlack); ok {
		cfg.Channels.Slack = p.slack(se)
	}
	if pe, ok := Present(f, ChannelPager); ok {
		cfg.Channels.Pager = p.pager(pe)
	}
	if ee, ok := Present(f, ChannelEmail); ok {
		cfg.Channels.Email = p.email(ee)
	}
}

// secret reads a secret-bearing key (architecture.md: secrets come only from secureJsonData or
// the environment). It returns the NAME of a `${NAME}` reference, never resolving it. A literal
// is accepted but not kept: it returns "" with a warning naming setting, the data source's
// secure setting for the secret. A malformed reference is an error. No message holds the value.
func (p *parser) secret(e YAMLEntry, setting string) (string, bool) {
	s, ok := p.Str(e)
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	if m := envRef.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	if strings.HasPrefix(s, "$") || strings.Contains(s, "${") {
		p.Errorf(e.Val, e.Path, "an environment reference is the whole value, written ${NAME} "+
			"(NAME: letters, digits and _, not starting with a digit)")
		return "", false
	}
	p.warnf(e.Val, e.Path, "secrets in the SLO config are not used: set %s in the data source's secure settings, "+
		"or write ${ENV_VAR}", setting)
	return "", true
}

func (p *parser) slack(e YAMLEntry) *SlackChannel {
	before := p.errors
	f, ok := p.Fields(e.Val, e.Path, "a mapping with webhook_url and channel", slackKeys, nil)
	if !ok {
		return nil
	}
	var c SlackChannel
	if we, ok := Present(f, "webhook_url"); ok {
		c.WebhookURLEnv, _ = p.secret(we, "slackWebhookUrl")
	}
	if ce, ok := Present(f, "channel"); ok {
		c.Channel, _ = p.Str(ce)
	}
	if p.errors != before {
		return nil
	}
	return &c
}

// pager reads `alert_channels.pager`. service_key (the seed's, Events API v1 name) and
// routing_key (Events API v2) are the same integration key; only one may be given.
func (p *parser) pager(e YAMLEntry) *PagerChannel {
	before := p.errors
	f, ok := p.Fields(e.Val, e.Path, "a mapping with routing_key (or service_key)", pagerKeys, nil)
	if !ok {
		return nil
	}
	var c PagerChannel
	se, hasS := Present(f, "service_key")
	re, hasR := Present(f, "routing_key")
	switch {
	case hasS && hasR:
		p.Errorf(se.Key, se.Path, "set either service_key or routing_key, not both: both are the PagerDuty integration key")
	case hasS:
		c.RoutingKeyEnv, _ = p.secret(se, "pagerDutyRoutingKey")
	case hasR:
		c.RoutingKeyEnv, _ = p.secret(re, "pagerDutyRoutingKey")
	}
	if p.errors != before {
		return nil
	}
	return &c
}

func (p *parser) email(e YAMLEntry) *EmailChannel {
	before := p.errors
	f, ok := p.Fields(e.Val, e.Path, "a mapping with smtp_server and recipients", emailKeys, nil)
	if !ok {
		return nil
	}
	var c EmailChannel
	if se, ok := Present(f, "smtp_server"); ok {
		c.SMTPServer, _ = p.Str(se)
	}
	if fe, ok := Present(f, "from"); ok {
		if s, ok := p.Str(fe); ok {
			if _, err := mail.ParseAddress(s); err != nil {
				p.Errorf(fe.Val, fe.Path, "must be an email address")
			}
			c.From = s
		}
	}
	if re, ok := Present(f, "recipients"); ok {
		if items, ok := p.List(re); ok {
			for _, it := range items {
				if s, ok := p.Str(it); ok {
					if _, err := mail.ParseAddress(s); err != nil {
						p.Errorf(it.Val, it.Path, "must be an email address")
					}
					c.Recipients = append(c.Recipients, s)
				}
			}
		}
	}
	if p.errors != before {
		return nil
	}
	return &c
}

// tables reads `tables:`, fills in defaults and validates every name; nil when invalid.
func (p *parser) tables(e YAMLEntry) *Tables {
	before := p.errors
	f, ok := p.Fields(e.Val, e.Path, "a mapping with requests and/or journeys", []string{"requests", "journeys"}, nil)
	if !ok {
		return nil
	}
	var t Tables
	fields := t.fields() // pointers into t
	pos := map[string]*yaml.Node{}
	for _, sec := range []string{"requests", "journeys"} {
		se, ok := Present(f, sec)
		if !ok {
			continue
		}
		prefix := se.Path + "."
		var allowed []string
		for _, tf := range fields {
			if strings.HasPrefix(tf.path, prefix) {
				allowed = append(allowed, tf.key)
			}
		}
		sf, ok := p.Fields(se.Val, se.Path, "a mapping of names", allowed, nil)
		if !ok {
			continue
		}
		for _, tf := range fields {
			if ve, ok := Present(sf, tf.key); ok && strings.HasPrefix(tf.path, prefix) {
				if s, ok := p.Str(ve); ok {
					*tf.value = s
					pos[tf.path] = ve.Val
				}
			}
		}
	}
	t = t.WithDefaults()
	for _, d := range t.Validate() {
		p.Errorf(pos[d.Path], d.Path, "%s", d.Message)
	}
	if p.errors != before {
		return nil
	}
	return &t
}
