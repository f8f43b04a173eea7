// Package alerting evaluates alert rules on observations of an SLO and runs the alert state
// machine. It is pure: no I/O and no clock of its own; every instant is passed in (the
// detector's clock, or a test's).
//
// # Conditions (docs/slo-math.md, SRE workbook ch. 5)
//
// A burn_rate rule's condition holds when both of its windows burn faster than its threshold:
//
//	e(W)   = bad(W) / valid(W)
//	BR(W)  = e(W) / (1 - objective)
//	BR_thr = b * T / long            (or the rule's explicit BurnRate)
//	met    = BR(long) > BR_thr AND BR(short) > BR_thr AND bad(long) >= MinBadEvents
//
// At 99.9 %, 30 d and 1,000 valid requests a minute, fast_burn (b = 2 %, 1h/5m, 14.4x) holds
// with more than 864 bad requests in the last hour and more than 72 in the last 5 minutes. A
// window without valid events is no data: it never fires a burn alert (seed ERRATA 7). The
// arithmetic is slo.Rule.Condition; this package only adds the no-data verdict and the values.
//
// A budget_remaining rule holds when the budget left over the whole SLO period,
// 1 - bad(T) / ((1 - objective) * valid(T)), is below RemainingBelow (ERRATA 6); a nil
// remaining budget is no data.
//
// # Alert states
//
// There is one Alert per (SLO, rule), identified by "service/slo/rule". Its states are
// inactive, pending and firing; "resolved" is a transition, not a state:
//
//	inactive --met, for > 0--------------> pending
//	inactive --met, for = 0--------------> firing    (Transition firing)
//	pending  --met, held for `for`-------> firing    (Transition firing)
//	pending  --not met or no data--------> inactive  (no notification)
//	firing   --not met-------------------> inactive  (Transition resolved; ResolvedAt set)
//	firing   --met or no data------------> firing    (nothing)
//
// After a resolution the alert is inactive again and can go pending and fire anew (a new
// firing transition). Resolved is not a state of its own because an alert that has resolved
// behaves exactly like one that never fired; Alert.ResolvedAt keeps when it last resolved for
// display. Data gaps never change a firing alert: no data is not evidence that a problem has
// cleared (ERRATA 7), so a firing alert resolves only on a window that has data and is below
// the threshold. A pending alert needs its condition to hold on every evaluation for `for`;
// no data resets it.
//
// Step returns a Transition only for firing and resolved, the two events that notify, so a
// steady firing alert notifies once however many cycles it lasts (ERRATA 5).
//
// # Suppression (one page per problem)
//
// Suppress looks at one SLO's transitions of one cycle. A burn_rate alert's firing
// notification is suppressed while a burn_rate alert of the same SLO with a strictly higher
// severity (critical > major > warning > info) is firing; its resolution is then silent too.
// When the higher alert resolves while the lower one still fires, the lower one is released:
// Suppress emits its firing notification then, once. budget_remaining alerts are a different
// problem (the budget is nearly spent, not "it is burning now"): they neither suppress nor are
// suppressed.
package alerting
