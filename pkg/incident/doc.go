// Package incident is SLOGuard's incident lifecycle. It is pure: no I/O and no clock; every
// instant is passed in, and the caller (the detector) persists what Decide returns.
//
// # One incident per ongoing problem (seed ERRATA 5)
//
// Each cycle the detector hands Decide the SLO's open incident (or nil) and the alert events
// of that SLO in the cycle. Only alerts whose rule opens incidents (slo.Rule.OpensIncident;
// fast_burn, critical, by default) count:
//
//	no open incident, an opening alert fires      -> open (timeline: opened)
//	open incident, another opening alert fires    -> join (timeline: escalated when its
//	                                                 severity is higher than the incident's)
//	open incident, the last opening alert of the  -> resolve (timeline: resolved)
//	SLO resolves
//	anything else (warnings, repeated states,     -> nothing
//	one of several opening alerts resolving)
//
// A cycle that repeats the same state changes nothing, so a problem that lasts for many cycles
// keeps one incident; a firing after the resolution opens a new one. The seed's sketch opened
// an incident on every cycle for every critical alert.
//
// # Text
//
// [Title] is "SLO violation: <service> <slo>". [Description] follows the seed's template
// (_generate_incident_description) with units by SLI type (ERRATA 8): success_rate and
// user_journey SLIs in %, a latency SLI as the % of requests within the threshold in ms, with
// the p95 in ms when known; a missing value is written "no data" (ERRATA 7).
//
// # Timeline
//
// Decide writes the opened, escalated and resolved entries of the timeline; the detector adds
// the notification_sent and notification_failed entries to the stored timeline as it
// delivers (store.EventNotificationSent, store.EventNotificationFailed).
package incident
