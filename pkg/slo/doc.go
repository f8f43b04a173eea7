// Package slo is SLOGuard's SLO model: the configuration (types, parsing, validation) and the
// error-budget, burn-rate and multi-window multi-burn-rate (MWMBR) arithmetic of
// docs/slo-math.md (Google SRE Workbook ch. 5, "Alerting on SLOs"). It is pure: no I/O, no
// clock, no database; callers pass counts, objectives and periods in.
//
// # Configuration
//
// [Parse] reads the seed's YAML format (seed/slo-driven-incident-detection.ja.md, "設定ファイル例")
// unchanged, plus the extensions below. It reports every problem at once, each with a path,
// line and column ("12:7: services.payment_service.latency.target: must be > 0 ..."), and keeps
// every valid SLO when others are invalid. Unknown keys are errors with a did-you-mean.
//
// The seed's keys: services.<service>.<slo>.{target, window, sli_type, percentile,
// journey_name, alert_rules} and alert_channels.{slack {webhook_url, channel}, pager
// {service_key}, email {smtp_server, recipients}}. The extensions: a service's log_name, an
// SLO's description and filters, pager.routing_key, email.from, and the top-level journeys,
// alert_rules and tables sections. Secrets are environment references only (see Secrets).
// A document using all of them (testdata/full.yaml, checked by the tests):
//
//	# slo.yaml: every key SLOGuard reads.
//	services:
//	  payment_service:
//	    log_name: payment-service   # the service's name in the request logs (default: the key)
//	    availability:
//	      sli_type: success_rate    # good = status_code < 500
//	      target: 99.9              # always a percentage, 0 < target < 100
//	      window: 30d               # the SLO period: w, d, h, m, s; e.g. 4w, 30d, 1d12h
//	      description: Payments answer without a server error.
//	      alert_rules: [fast_burn, slow_burn, budget_exhaustion, ticket_burn_1d, payments_page]
//	    pay_latency:
//	      sli_type: latency         # good = valid requests answered within target ms
//	      target: 200               # the threshold in milliseconds
//	      percentile: 95            # the objective: 95 % of valid requests within 200 ms
//	      window: 28d
//	      filters:                  # only rows whose column holds one of the values (AND across filters)
//	        - column: route
//	          values: ["/api/pay", "/api/refund"]
//	  web:
//	    checkout:
//	      sli_type: user_journey    # good = journeys whose steps all succeeded within their limits
//	      target: 99.5
//	      window: 7d
//	      journey_name: checkout_flow
//	      alert_rules: [slow_burn, budget_half]
//
//	journeys:                       # optional per-step limits; a journey not listed here has none
//	  checkout_flow:
//	    description: From login to payment.
//	    steps:
//	      - step: login
//	        max_duration_ms: 2000
//	      - step: product_search
//	        max_duration_ms: 3000
//	      - step: add_to_cart       # no limit
//	      - step: checkout
//	        max_duration_ms: 5000
//	      - step: payment
//	        max_duration_ms: 10000
//
//	alert_rules:                    # optional: new rules, and overrides of the built-in ones
//	  fast_burn:                    # a built-in name overrides only the fields given
//	    for: 1m
//	  payments_page:
//	    type: burn_rate             # burn_rate | budget_remaining
//	    budget_fraction: 0.05       # b: fires when 5 % of the budget is spent; threshold b*T/long
//	    long_window: 2h
//	    short_window: 10m           # default: long_window / 12; = long_window: one window
//	    for: 5m                     # default: 0
//	    severity: critical          # critical | major | warning | info
//	    channels: [pager, slack]    # pager | slack | email
//	    min_bad_events: 20          # low-traffic guard on the long window
//	    opens_incident: true
//	    description: 5% of the payments budget within 2 hours.
//	  budget_half:
//	    type: budget_remaining
//	    remaining_below: 0.5        # fires while less than 50 % of the budget remains
//	    severity: info
//	    channels: [email]
//
//	alert_channels:                 # no secrets here: ${NAME} environment references only
//	  slack:
//	    webhook_url: "${SLACK_WEBHOOK_URL}"          # or leave out: secure setting slackWebhookUrl
//	    channel: "#incidents"
//	  pager:
//	    routing_key: "${PAGERDUTY_ROUTING_KEY}"      # or service_key (its Events API v1 name)
//	  email:
//	    smtp_server: "smtp.company.com:587"
//	    from: "sloguard@company.com"
//	    recipients: ["sre-team@company.com"]
//
//	tables:                         # optional; every name defaults to the seed's tables
//	  requests:
//	    table: logs.request_logs    # may be schema-qualified
//	    service: service_name
//	  journeys:
//	    table: user_journey_logs
//
// # Secrets
//
// The SLO config often sits inline in the data source's jsonData, which Grafana sends to every
// browser that can see the data source, so it holds no secrets: they come only from the data
// source's secure settings (secureJsonData) or from the environment. The secret-bearing keys
// are slack.webhook_url and pager.routing_key, or pager.service_key, the seed's Events API v1
// name for the same integration key (giving both is an error). Their value may be a reference
// to an environment variable, "${SLACK_WEBHOOK_URL}": the whole value, the name made of
// letters, digits and _ and not starting with a digit. [Channels] keeps only the name
// (SlackChannel.WebhookURLEnv, PagerChannel.RoutingKeyEnv); the notifier reads the variable,
// this package never does. A literal value, such as the seed's placeholders, is accepted but
// not kept: it draws a warning naming the secure setting to use instead (slackWebhookUrl,
// pagerDutyRoutingKey). With the key left out or written as a literal, the secret comes from
// that secure setting. No diagnostic quotes a value of alert_channels, and printing a Config
// with %v, %+v or %#v shows variable names only. A Grafana provisioning file expands $NAME and
// ${NAME} itself: write $${SLACK_WEBHOOK_URL} there so that the reference, not the secret,
// reaches jsonData.
//
// # Targets, percentiles and windows
//
// For success_rate and user_journey SLOs, target is always a percentage and must lie strictly
// between 0 and 100: 99.9 means an objective of 0.999. A ratio such as 0.999 is therefore read
// as 0.999 %; values up to 1 draw a warning saying so. Inside the package objectives are
// ratios (SLO.Objective).
//
// For latency SLOs (seed ERRATA 2), target is the threshold in milliseconds (> 0) and
// percentile (required, strictly between 0 and 100) is the objective: "target: 200,
// percentile: 95" means 95 % of valid requests within 200 ms, SLO.ThresholdMS 200 and
// SLO.Objective 0.95; good = valid requests with response_time_ms <= 200.
//
// A user_journey SLO names its journey with journey_name; without one (as in the seed's
// SLOManager example) the service name is used, with a warning. A journey that the journeys
// section does not define is valid: it has no per-step time limit.
//
// window is the SLO period T, read by [ParseWindow]: an integer and a unit, w (7 d), d (24 h),
// h, m or s, or several with units largest first ("1d12h").
//
// # What an error drops
//
// An SLO with any error is left out of [Config]; its service and the other SLOs stay. A
// service whose own name or log_name is wrong is left out with all its SLOs. An invalid rule
// is left out of Config.Rules (a built-in one too) and SLOs naming it skip it with a warning,
// so every name in SLO.AlertRules is a key of Config.Rules. An SLO naming an invalid journey
// is an error. An invalid tables section leaves Config.Tables nil. Warnings drop nothing but
// literal secrets (see Secrets).
// Filters compare a column of the SLO's log table (by its name in the database) with a list of
// values; an SLO matches rows that pass every filter.
//
// # Alert rules
//
// Rules are typed data (seed ERRATA 4). [DefaultRules] is the catalog; an SLO without
// alert_rules uses [DefaultRuleNames]. The burn-rate threshold of a rule is b*T/long for its
// budget fraction b, so it follows the SLO period:
//
//	rule               b     long/short  for  30 d    28 d   severity  channels
//	fast_burn          2 %   1h / 5m     2m   14.4x   13.44x critical  pager, slack (opens an incident)
//	slow_burn          5 %   6h / 30m    15m  6x      5.6x   warning   slack, email
//	ticket_burn_1d     10 %  1d / 2h     -    3x      2.8x   info      email
//	ticket_burn_3d     10 %  3d / 6h     -    1x      0.933x info      email
//	budget_exhaustion  remaining budget < 10 %               major     slack, email
//
// A custom rule needs type and severity; a burn_rate rule also budget_fraction (or a fixed
// burn_rate) and long_window. The seed's notification_channels is accepted for channels; its
// condition strings are not. A rule that can never fire for an SLO (its threshold is above
// 1/(1-objective), e.g. 14.4x at a 90 % objective where a full outage burns at 10x) draws a
// warning on that SLO.
//
// # Math
//
// [Counts] are exact good/valid counts of a window. [SLI], [ErrorRatio], [BurnRate],
// [BudgetConsumed] and [BudgetRemaining] return ok == false when the window has no valid
// events: no data is a state of its own ([StateNoData]), never 100 % or 0 % (seed ERRATA 7).
// Remaining budget is over the whole SLO window and is not clamped (ERRATA 6).
package slo
