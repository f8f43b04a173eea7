package alerting

import (
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// cycles runs Step and Suppress over rules (their `for` set to 0) for each cycle's statuses
// (one per rule, in order) and returns, per cycle, the notifications sent as "rule kind".
func cycles(rules []slo.Rule, statuses [][]Status) [][]string {
	alerts := make([]Alert, len(rules))
	var out [][]string
	for c, sts := range statuses {
		at := t0.Add(time.Duration(c) * time.Minute)
		var ts []Transition
		for i, r := range rules {
			r.For = 0
			next, tr := Step(alerts[i], result(r, sts[i]), at)
			alerts[i] = next
			if tr != nil {
				ts = append(ts, *tr)
			}
		}
		ts, alerts = Suppress(ts, alerts)
		sent := []string{}
		for _, t := range ts {
			if t.Notify {
				sent = append(sent, t.Alert.Rule+" "+string(t.Kind))
			}
		}
		out = append(out, sent)
	}
	return out
}

func TestSuppress(t *testing.T) {
	fast, slow, exhaustion := rule("fast_burn"), rule("slow_burn"), rule("budget_exhaustion")
	fastMajor := fast
	fastMajor.Name, fastMajor.Severity = "fast_major", slo.AlertMajor
	burns := []slo.Rule{fast, slow}
	const y, n = Met, NotMet

	tests := []struct {
		name     string
		rules    []slo.Rule
		statuses [][]Status
		want     [][]string
	}{
		{"fast_burn and slow_burn firing together notify only the critical one", burns,
			[][]Status{{y, y}},
			[][]string{{"fast_burn firing"}}},
		{"a lower-severity burn alert firing while the critical one fires stays silent", burns,
			[][]Status{{y, n}, {y, y}, {y, y}},
			[][]string{{"fast_burn firing"}, {}, {}}},
		{"a lower-severity burn alert that paged first is not recalled by a later critical one", burns,
			[][]Status{{n, y}, {y, y}},
			[][]string{{"slow_burn firing"}, {"fast_burn firing"}}},
		{"a suppressed alert resolves silently", burns,
			[][]Status{{y, y}, {y, n}, {n, n}},
			[][]string{{"fast_burn firing"}, {}, {"fast_burn resolved"}}},
		{"a suppressed alert still firing when the critical one resolves is announced once", burns,
			[][]Status{{y, y}, {n, y}, {n, y}, {n, n}},
			[][]string{{"fast_burn firing"}, {"fast_burn resolved", "slow_burn firing"}, {}, {"slow_burn resolved"}}},
		{"burn alerts of equal severity both notify", []slo.Rule{fast, func() slo.Rule { r := fast; r.Name = "fast_2"; return r }()},
			[][]Status{{y, y}},
			[][]string{{"fast_burn firing", "fast_2 firing"}}},
		{"a major burn alert suppresses a warning one", []slo.Rule{slow, fastMajor},
			[][]Status{{y, y}},
			[][]string{{"fast_major firing"}}},
		{"budget_remaining alerts are not suppressed by a critical burn alert", []slo.Rule{fast, exhaustion},
			[][]Status{{y, y}},
			[][]string{{"fast_burn firing", "budget_exhaustion firing"}}},
		{"budget_remaining alerts do not suppress lower-severity burn alerts", []slo.Rule{exhaustion, slow},
			[][]Status{{y, y}},
			[][]string{{"budget_exhaustion firing", "slow_burn firing"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cycles(tt.rules, tt.statuses)
			for i := range tt.want {
				if !slices.Equal(got[i], tt.want[i]) {
					t.Fatalf("cycle %d notified %q, want %q (all: %q)", i, got[i], tt.want[i], got)
				}
			}
		})
	}
}

func TestSuppressDoesNotModifyItsInput(t *testing.T) {
	fast, slow := rule("fast_burn"), rule("slow_burn")
	fast.For, slow.For = 0, 0
	a1, t1 := Step(Alert{}, result(fast, Met), t0)
	a2, t2 := Step(Alert{}, result(slow, Met), t0)
	ts, as := []Transition{*t1, *t2}, []Alert{a1, a2}
	gotT, gotA := Suppress(ts, as)
	if !ts[1].Notify || as[1].Suppressed {
		t.Fatal("Suppress changed its input slices")
	}
	if gotT[1].Notify || !gotA[1].Suppressed || !gotT[1].Alert.Suppressed {
		t.Fatalf("slow_burn not suppressed: %+v", gotT[1])
	}
}

func TestCycleSuppressesTheWarningWhenBothBurnRulesFire(t *testing.T) {
	s := exampleSLO()
	fast, slow := rule("fast_burn"), rule("slow_burn")
	fast.For, slow.For = 0, 0
	// A total outage over every window: both rules' conditions hold.
	obs := Observation{At: t0, Burn: map[time.Duration]slo.Counts{}}
	for _, w := range Windows([]slo.Rule{fast, slow}) {
		obs.Burn[w] = slo.Counts{Valid: int64(w/time.Minute) * perMinute}
	}
	alerts, ts := Cycle(s, []slo.Rule{fast, slow}, nil, obs)
	if len(alerts) != 2 || alerts[0].State != StateFiring || alerts[1].State != StateFiring {
		t.Fatalf("alerts = %+v", alerts)
	}
	if len(ts) != 2 || !ts[0].Notify || ts[0].Alert.Rule != "fast_burn" || ts[1].Notify {
		t.Fatalf("transitions = %+v; want fast_burn notified and slow_burn suppressed", ts)
	}
}
