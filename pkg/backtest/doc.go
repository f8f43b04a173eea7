// Package backtest replays SLOGuard's detector over history ("what would have paged last
// month?") and scores the replay against labelled incidents.
//
// # Replay
//
// Run and Compare evaluate every SLO at every step of [From, To] exactly as the detection
// loop would have at those instants: one engine.Series call per SLO (per
// engine.MaxSeriesPoints points) reads the windows the rules need at every step, and each
// point goes through detector.Evaluate (alerting.Cycle: rule evaluation, the alert state
// machine, suppression; then the incident events) and incident.Decide, the same pure code
// the live detector runs each cycle. Nothing is sent and nothing is written to the
// detection tables; only the per-minute rollups are refreshed first (engine.Refresh), as
// the detector does. The report holds every transition, the notifications the detector
// would have queued (one per notifying transition and channel of its rule) and the
// incidents it would have opened, escalated and resolved.
//
// # Rule sets
//
// A RuleSet with Rules replaces every SLO's rules with another rule set, so two rule sets
// can be scored on the same history. Compare replays several sets at once: per SLO one
// refresh and one engine.Series read over the windows of all of them, each point stepped
// through one replayer per set; Run is Compare with the config's own rules alone. Naive is
// the built-in comparison: a single 5-minute window, error ratio above 1 - objective for 2
// minutes, paging.
//
// # Scoring
//
// Score compares a replay with labelled incidents (simulate.Label). See score.go for the
// definitions of detection, delays, false pages, precision and recall.
package backtest
