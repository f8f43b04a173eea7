package alerting

import (
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

// minuteSeries is a synthetic per-minute traffic series: perMinute valid requests every minute,
// all bad during [outageStart, outageEnd).
type minuteSeries struct {
	outageStart, outageEnd time.Time
}

func (s minuteSeries) minute(m time.Time) slo.Counts {
	if !m.Before(s.outageStart) && m.Before(s.outageEnd) {
		return slo.Counts{Valid: perMinute}
	}
	return slo.Counts{Valid: perMinute, Good: perMinute}
}

// window returns the counts of [at - w, at), summing whole minutes (at and w are whole minutes).
func (s minuteSeries) window(at time.Time, w time.Duration) slo.Counts {
	var c slo.Counts
	for m := at.Add(-w); m.Before(at); m = m.Add(time.Minute) {
		c = c.Add(s.minute(m))
	}
	return c
}

func (s minuteSeries) observe(at time.Time, windows []time.Duration) Observation {
	obs := Observation{At: at, Burn: make(map[time.Duration]slo.Counts, len(windows))}
	for _, w := range windows {
		obs.Burn[w] = s.window(at, w)
	}
	return obs
}

// notification is one transition that notified during a replay.
type notification struct {
	rule string
	kind TransitionKind
	at   time.Time
}

// replay runs Cycle every interval over [from, to) and returns the notifications sent.
func replay(s minuteSeries, rules []slo.Rule, from, to time.Time, interval time.Duration) []notification {
	windows := Windows(rules)
	var alerts []Alert
	var sent []notification
	for at := from; at.Before(to); at = at.Add(interval) {
		var ts []Transition
		alerts, ts = Cycle(exampleSLO(), rules, alerts, s.observe(at, windows))
		for _, t := range ts {
			if t.Notify {
				sent = append(sent, notification{t.Alert.Rule, t.Kind, t.At})
			}
		}
	}
	return sent
}

func TestReplayOfATotalOutagePagesWithinTheDetectionBoundAndResolvesAfterTheShortWindow(t *testing.T) {
	const interval = 60 * time.Second // the detector's default cycle
	fast := rule("fast_burn")
	s := exampleSLO()
	// slo-math.md: ((1 - objective) / e) * b * T = 0.001 * 0.02 * 720 h = 51.84 s at e = 1.
	detect, ok := fast.DetectionTime(1, s.Objective, s.Window)
	if !ok || detect < 51*time.Second || detect > 52*time.Second {
		t.Fatalf("detection time = %v, %v; want ~52 s", detect, ok)
	}
	series := minuteSeries{outageStart: t0, outageEnd: t0.Add(30 * time.Minute)}
	sent := replay(series, []slo.Rule{fast}, t0.Add(-2*time.Hour), t0.Add(2*time.Hour), interval)

	if len(sent) != 2 || sent[0].kind != TransitionFiring || sent[1].kind != TransitionResolved {
		t.Fatalf("notifications = %+v; want one firing then one resolved", sent)
	}
	fired := sent[0].at.Sub(series.outageStart)
	if bound := detect + fast.For + interval; fired > bound || fired < fast.For {
		t.Errorf("paged %v after the outage began; want within [for %v, %v]", fired, fast.For, bound)
	}
	resolved := sent[1].at.Sub(series.outageEnd)
	if bound := fast.Short + interval; resolved > bound || resolved <= 0 {
		t.Errorf("resolved %v after recovery; want within (0, %v]", resolved, bound)
	}
	t.Logf("paged %v after the outage began, resolved %v after recovery", fired, resolved)
}

func TestReplayOfATotalOutageWithTheDefaultRulesPagesOnceThenHandsOverToSlowBurn(t *testing.T) {
	rules := []slo.Rule{rule("fast_burn"), rule("slow_burn"), rule("budget_exhaustion")}
	series := minuteSeries{outageStart: t0, outageEnd: t0.Add(30 * time.Minute)}
	sent := replay(series, rules, t0.Add(-7*time.Hour), t0.Add(3*time.Hour), time.Minute)

	want := []struct {
		rule string
		kind TransitionKind
	}{
		{"fast_burn", TransitionFiring},   // the page; slow_burn fires later, suppressed
		{"fast_burn", TransitionResolved}, // 5m window clears
		{"slow_burn", TransitionFiring},   // still burning over its 30m window: announced once
		{"slow_burn", TransitionResolved}, // 30m window clears
	}
	if len(sent) != len(want) {
		t.Fatalf("notifications = %+v; want %v", sent, want)
	}
	for i, w := range want {
		if sent[i].rule != w.rule || sent[i].kind != w.kind {
			t.Fatalf("notification %d = %+v; want %v (all %+v)", i, sent[i], w, sent)
		}
	}
	if !sent[1].at.Equal(sent[2].at) {
		t.Errorf("slow_burn announced at %v, want when fast_burn resolved (%v)", sent[2].at, sent[1].at)
	}
	if d := sent[3].at.Sub(series.outageEnd); d > 30*time.Minute+time.Minute || d <= 0 {
		t.Errorf("slow_burn resolved %v after recovery; want within its 30m short window + one interval", d)
	}
}
