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
func (p *parser) journeys(e entry, cfg *Config) {
	ents, ok := p.entries(e.val, e.path, "a mapping of journey names to journeys")
	if !ok {
		return
	}
	for _, je := range ents {
		before := p.errors
		j := Journey{Name: je.name}
		if !isNull(je.val) {
			p.journey(je, &j)
		}
		if p.errors == before {
			cfg.Journeys[je.name] = j
		} else {
			p.badJourneys[je.name] = true
		}
	}
}

func (p *parser) journey(je entry, j *Journey) {
	f, ok := p.fields(je.val, je.path, "a mapping with steps", journeyKeys, nil)
	if !ok {
		return
	}
	if de, ok := present(f, "description"); ok {
		j.Description, _ = p.str(de)
	}
	se, ok := present(f, "steps")
	if !ok {
		return
	}
	items, ok := p.list(se)
	if !ok {
		return
	}
	seen := map[string]int{}
	for i, it := range items {
		sf, ok := p.fields(it.val, it.path, "a mapping with step and max_duration_ms", stepKeys, nil)
		if !ok {
			continue
		}
		var step JourneyStep
		if ne, ok := p.required(sf, it, "step", "the step name as logged in step_name"); ok {
			if name, ok := p.str(ne); ok {
				if first, dup := seen[name]; dup {
					p.errorf(ne.val, ne.path, "duplicate step %q (also %s)", name, index(se.path, first))
				}
				seen[name] = i
				step.Name = name
			}
		}
		if me, ok := present(sf, "max_duration_ms"); ok {
			if v, ok := p.number(me); ok && v <= 0 {
				p.errorf(me.val, me.path, "must be > 0 (milliseconds); leave it out for no limit%s", got(me))
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
func (p *parser) channels(e entry, cfg *Config) {
	f, ok := p.fields(e.val, e.path, "a mapping with slack, pager and/or email", channelSections, nil)
	if !ok {
		return
	}
	if se, ok := present(f, ChannelSlack); ok {
		cfg.Channels.Slack = p.slack(se)
	}
	if pe, ok := present(f, ChannelPager); ok {
		cfg.Channels.Pager = p.pager(pe)
	}
	if ee, ok := present(f, ChannelEmail); ok {
		cfg.Channels.Email = p.email(ee)
	}
}

// secret reads a secret-bearing key (architecture.md: secrets come only from secureJsonData or
// the environment). It returns the NAME of a `${NAME}` reference, never resolving it. A literal
// is accepted but not kept: it returns "" with a warning naming setting, the data source's
// secure setting for the secret. A malformed reference is an error. No message holds the value.
func (p *parser) secret(e entry, setting string) (string, bool) {
	s, ok := p.str(e)
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	if m := envRef.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	if strings.HasPrefix(s, "$") || strings.Contains(s, "${") {
		p.errorf(e.val, e.path, "an environment reference is the whole value, written ${NAME} "+
			"(NAME: letters, digits and _, not starting with a digit)")
		return "", false
	}
	p.warnf(e.val, e.path, "secrets in the SLO config are not used: set %s in the data source's secure settings, "+
		"or write ${ENV_VAR}", setting)
	return "", true
}

func (p *parser) slack(e entry) *SlackChannel {
	before := p.errors
	f, ok := p.fields(e.val, e.path, "a mapping with webhook_url and channel", slackKeys, nil)
	if !ok {
		return nil
	}
	var c SlackChannel
	if we, ok := present(f, "webhook_url"); ok {
		c.WebhookURLEnv, _ = p.secret(we, "slackWebhookUrl")
	}
	if ce, ok := present(f, "channel"); ok {
		c.Channel, _ = p.str(ce)
	}
	if p.errors != before {
		return nil
	}
	return &c
}

// pager reads `alert_channels.pager`. service_key (the seed's, Events API v1 name) and
// routing_key (Events API v2) are the same integration key; only one may be given.
func (p *parser) pager(e entry) *PagerChannel {
	before := p.errors
	f, ok := p.fields(e.val, e.path, "a mapping with routing_key (or service_key)", pagerKeys, nil)
	if !ok {
		return nil
	}
	var c PagerChannel
	se, hasS := present(f, "service_key")
	re, hasR := present(f, "routing_key")
	switch {
	case hasS && hasR:
		p.errorf(se.key, se.path, "set either service_key or routing_key, not both: both are the PagerDuty integration key")
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

func (p *parser) email(e entry) *EmailChannel {
	before := p.errors
	f, ok := p.fields(e.val, e.path, "a mapping with smtp_server and recipients", emailKeys, nil)
	if !ok {
		return nil
	}
	var c EmailChannel
	if se, ok := present(f, "smtp_server"); ok {
		c.SMTPServer, _ = p.str(se)
	}
	if fe, ok := present(f, "from"); ok {
		if s, ok := p.str(fe); ok {
			if _, err := mail.ParseAddress(s); err != nil {
				p.errorf(fe.val, fe.path, "must be an email address")
			}
			c.From = s
		}
	}
	if re, ok := present(f, "recipients"); ok {
		if items, ok := p.list(re); ok {
			for _, it := range items {
				if s, ok := p.str(it); ok {
					if _, err := mail.ParseAddress(s); err != nil {
						p.errorf(it.val, it.path, "must be an email address")
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
func (p *parser) tables(e entry) *Tables {
	before := p.errors
	f, ok := p.fields(e.val, e.path, "a mapping with requests and/or journeys", []string{"requests", "journeys"}, nil)
	if !ok {
		return nil
	}
	var t Tables
	fields := t.fields() // pointers into t
	pos := map[string]*yaml.Node{}
	for _, sec := range []string{"requests", "journeys"} {
		se, ok := present(f, sec)
		if !ok {
			continue
		}
		prefix := se.path + "."
		var allowed []string
		for _, tf := range fields {
			if strings.HasPrefix(tf.path, prefix) {
				allowed = append(allowed, tf.key)
			}
		}
		sf, ok := p.fields(se.val, se.path, "a mapping of names", allowed, nil)
		if !ok {
			continue
		}
		for _, tf := range fields {
			if ve, ok := present(sf, tf.key); ok && strings.HasPrefix(tf.path, prefix) {
				if s, ok := p.str(ve); ok {
					*tf.value = s
					pos[tf.path] = ve.val
				}
			}
		}
	}
	t = t.WithDefaults()
	for _, d := range t.Validate() {
		p.errorf(pos[d.Path], d.Path, "%s", d.Message)
	}
	if p.errors != before {
		return nil
	}
	return &t
}
