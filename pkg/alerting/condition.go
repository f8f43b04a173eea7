package alerting

import (
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// Status is the verdict of a rule's condition at one instant.
type Status string

// The condition statuses.
const (
	// Met: the condition holds.
	Met Status = "met"
	// NotMet: there is data and the condition does not hold.
	NotMet Status = "not_met"
	// NoData: a window the rule reads has no valid events; never fires (seed ERRATA 7).
	NoData Status = "no_data"
)

// Values are the numbers behind a verdict, kept on the alert for messages and panels. A nil
// pointer means no data.
type Values struct {
	// BurnLong and BurnShort are BR(long) and BR(short) of a burn_rate rule.
	BurnLong, BurnShort *float64
	// LongBad is bad(long), the count the MinBadEvents guard reads.
	LongBad int64
	// Threshold is BR_thr = b * T / long for burn_rate rules; RemainingBelow for
	// budget_remaining rules.
	Threshold float64
	// BudgetRemaining is the remaining budget fraction over the SLO period.
	BudgetRemaining *float64
}

// Result is the evaluation of one rule for one SLO at one instant.
type Result struct {
	// AlertID is AlertID(SLOID, Rule.Name).
	AlertID string
	SLOID   string
	Rule    slo.Rule
	At      time.Time
	Status  Status
	Values  Values
}

// AlertID returns the stable id of the alert of a rule on an SLO: "service/slo/rule".
func AlertID(sloID, rule string) string { return sloID + "/" + rule }

// Evaluate evaluates rule r of SLO s on obs. burn_rate: NoData when the long or the short
// window has no valid events; otherwise slo.Rule.Condition decides (both burn rates above
// b*T/long and at least MinBadEvents bad events in the long window). budget_remaining: NoData
// when obs.BudgetRemaining is nil, else Met when it is below RemainingBelow. An unknown kind is
// NotMet.
func Evaluate(s slo.SLO, r slo.Rule, obs Observation) Result {
	res := Result{AlertID: AlertID(s.ID(), r.Name), SLOID: s.ID(), Rule: r, At: obs.At, Status: NotMet}
	switch r.Kind {
	case slo.KindBurnRate:
		long, short := obs.Burn[r.Long], obs.Burn[r.Short]
		res.Values.Threshold = r.Threshold(s.Window)
		res.Values.LongBad = long.Bad()
		res.Values.BurnLong = burnRate(long, s.Objective)
		res.Values.BurnShort = burnRate(short, s.Objective)
		switch {
		case r.Long <= 0 || r.Short <= 0 || !long.HasData() || !short.HasData():
			res.Status = NoData
		case r.Condition(slo.RuleInput{Long: long, Short: short}, s.Objective, s.Window):
			res.Status = Met
		}
	case slo.KindBudgetRemaining:
		res.Values.Threshold = r.RemainingBelow
		if obs.BudgetRemaining == nil {
			res.Status = NoData
			break
		}
		rem := *obs.BudgetRemaining
		res.Values.BudgetRemaining = &rem
		if rem < r.RemainingBelow {
			res.Status = Met
		}
	}
	return res
}

// burnRate returns BR(W) = e(W) / (1 - objective), nil without data.
func burnRate(c slo.Counts, objective float64) *float64 {
	br, ok := slo.BurnRate(c, objective)
	if !ok {
		return nil
	}
	return &br
}
