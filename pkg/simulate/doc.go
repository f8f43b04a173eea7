// Package simulate writes realistic synthetic traffic into the request and journey log
// tables, with labelled incidents, so that SLOGuard's detection can be seen and scored:
// Backfill COPYs a time range, Live writes the present as it passes. Generation is
// deterministic: the same scenario, seed and range give the same rows.
//
// # Scenario YAML
//
//	start: 2026-11-01T00:00:00Z      # optional anchor of relative (at:) incident times;
//	                                 # default: the start of the backfill or of live mode
//	duration: 3d                     # optional: how long the scenario runs from start
//	services:                        # request-log traffic, one row per request
//	  - name: payment_service        # the service column
//	    endpoints: [/api/pay, /api/refund]   # optional routes, chosen evenly; none: NULL
//	    rate_per_minute: 600         # mean requests a minute (Poisson counts)
//	    daily_amplitude: 0.5         # optional: rate * (1 + a*sin(2π(h-6)/24)), peak 12:00 UTC
//	    weekly_amplitude: 0.2        # optional: Saturdays and Sundays at rate * (1 - a)
//	    error_ratio: 0.0005          # base share of 5xx (500, 502, 503, 504)
//	    client_error_ratio: 0.02     # share of 4xx (400, 404, 409, 429): good for success_rate
//	    latency: {p50_ms: 40, p95_ms: 150}   # log-normal fitted to median and p95
//	journeys:                        # journey-log traffic, one row per step of a run
//	  - name: user_registration      # the journey_name column
//	    rate_per_minute: 20          # runs started a minute; daily/weekly_amplitude as above
//	    steps:                       # in order; a failed step ends the run (drop-off)
//	      - {name: submit_form, failure_ratio: 0.001, p50_ms: 300, p95_ms: 900}
//	incidents:
//	  - name: payment outage         # the label's name
//	    service: payment_service     # or journey: user_registration and step: submit_form
//	    start: 2026-11-03T14:00:00Z  # absolute, or at: 50h (after the anchor)
//	    duration: 20m
//	    every: 45m                   # optional: repeats from its start on, forever
//	    error_ratio: 1.0             # 5xx share (a step's failure ratio) while it lasts
//	    latency_multiplier: 3        # latencies (step durations) times 3
//	    traffic_factor: 0.1          # request rate times 0.1 (service incidents only)
//
// Durations use the SLO config's syntax (30m, 2h, 1d12h). Every incident needs at least one
// effect. Overlapping incidents combine: the highest error ratio wins, latency multipliers
// and traffic factors multiply. A journey run takes the incidents active when it starts.
// Rows are spread uniformly over their minute (microsecond timestamps); a journey's steps
// follow each other by the previous step's duration.
//
// ParseScenario reports every problem at once as "file:line:col: path: message".
package simulate
