package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// The property: whatever the refresh history, as long as every row arrives within the grace
// after its timestamp, the engine's counts over any range equal a plain scan of the log
// table over the same range, exactly.

const (
	propSpan  = 3 * time.Hour
	propGrace = store.DefaultGrace
)

// arriving is a log row with the instant it reaches the database.
type arriving struct {
	at  time.Time
	req *request
	stp *stepRow
}

// randInstant is a random microsecond in [from, from+span).
func randInstant(r *rand.Rand, from time.Time, span time.Duration) time.Time {
	return from.Add(time.Duration(r.Int63n(int64(span/time.Microsecond))) * time.Microsecond)
}

// delay is how late a row arrives: mostly at once, often up to just under the grace.
func delay(r *rand.Rand) time.Duration {
	switch x := r.Float64(); {
	case x < 0.5:
		return time.Duration(r.Int63n(int64(2 * time.Second)))
	default:
		return time.Duration(r.Int63n(int64(propGrace)))
	}
}

// propData generates request and journey rows over [start, start+propSpan).
func propData(r *rand.Rand, start time.Time) []arriving {
	var out []arriving
	add := func(q *request, s *stepRow, ts time.Time) {
		out = append(out, arriving{at: ts.Add(delay(r)), req: q, stp: s})
	}
	routes := []string{"/a", "/b", "/c"}
	for _, svc := range []struct {
		name string
		rows int
	}{{"api", 1500}, {"other", 300}, {"rare", 12}} {
		// rare rows come in bursts, leaving most windows empty
		burst := randInstant(r, start, propSpan)
		for range svc.rows {
			ts := randInstant(r, start, propSpan)
			if svc.name == "rare" {
				ts = randInstant(r, burst, 3*time.Minute)
			}
			status := []int{200, 200, 200, 201, 404, 429, 500, 503}[r.Intn(8)]
			q := &request{ts, svc.name, routes[r.Intn(3)], status, float64(r.Intn(300))}
			if r.Intn(10) == 0 {
				q.rtMS = 150 // exactly at the latency threshold
			}
			add(q, nil, ts)
		}
	}
	for _, j := range []struct {
		name  string
		n     int
		steps []string
	}{{"checkout", 250, []string{"login", "browse", "cart", "pay"}}, {"signup", 120, []string{"start", "form", "confirm"}}} {
		for i := range j.n {
			id := fmt.Sprintf("%s-%d", j.name, i)
			ts := randInstant(r, start.Add(-10*time.Minute), propSpan)
			steps := j.steps[:1+r.Intn(len(j.steps))]
			for k, step := range steps {
				s := &stepRow{ts, id, j.name, step, k + 1, r.Intn(25) != 0, float64(r.Intn(3000))}
				add(nil, s, ts)
				ts = ts.Add(time.Duration(r.Int63n(int64(3 * time.Minute))))
			}
		}
	}
	slices.SortFunc(out, func(a, b arriving) int { return a.at.Compare(b.at) })
	return out
}

// propSLOs are the SLOs the property is checked for.
func propSLOs() []slo.SLO {
	return []slo.SLO{
		requestSLO("availability", "api", slo.SuccessRate, 0.99, 0, 2*time.Hour),
		requestSLO("routes", "api", slo.SuccessRate, 0.95, 0, 90*time.Minute, slo.Filter{Column: "route", Values: []string{"/c", "/a"}}),
		requestSLO("latency", "api", slo.Latency, 0.9, 150, 2*time.Hour),
		requestSLO("rare", "rare", slo.SuccessRate, 0.99, 0, 30*time.Minute),
		journeySLO("checkout", "checkout", 0.97, 2*time.Hour),
		journeySLO("signup", "signup", 0.9, time.Hour, slo.Filter{Column: "step_name", Values: []string{"start", "confirm"}}),
	}
}

func propConfig() *slo.Config {
	return &slo.Config{Journeys: map[string]slo.Journey{
		"checkout": {Name: "checkout", Steps: []slo.JourneyStep{
			{Name: "login", MaxDurationMS: 2500}, {Name: "browse"}, {Name: "cart", MaxDurationMS: 2900}, {Name: "pay", MaxDurationMS: 2800},
		}},
	}}
}

// randRange is a random range around [lo, hi]: sub-minute or whole-minute ends, sometimes
// within one minute, sometimes empty.
func randRange(r *rand.Rand, lo, hi time.Time) engine.Range {
	pick := func() time.Time {
		t := randInstant(r, lo, hi.Sub(lo))
		if r.Intn(4) == 0 {
			t = t.Truncate(time.Minute)
		}
		return t
	}
	a, b := pick(), pick()
	switch r.Intn(8) {
	case 0:
		b = a.Add(time.Duration(r.Int63n(int64(90 * time.Second))))
	case 1:
		b = a
	}
	if b.Before(a) {
		a, b = b, a
	}
	return engine.Range{From: a, To: b}
}

func TestCountsEqualPlainScanOnRandomData(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 4} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			checkProperty(t, seed)
		})
	}
}

func checkProperty(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	cfg := propConfig()
	// Seeds 3 and 4 refresh in chunks far shorter than the span, so refreshes after a pause
	// take several chunks, and automatic ones leave the rollups behind.
	chunk := map[int64]time.Duration{3: 7 * time.Minute, 4: 16 * time.Minute}[seed]
	manual := newEnv(t, cfg, engine.Options{ManualRefresh: true, Grace: propGrace, RefreshChunk: chunk})
	// auto reads the same database with automatic refreshes, as a second process would.
	auto, err := engine.New(manual.db.Pool, engine.Options{Schema: manual.db.PluginSchema, Config: cfg, Clock: manual.clock.Now, Grace: propGrace,
		RefreshChunk: chunk, OnRefreshError: func(s slo.SLO, err error) { t.Errorf("refresh %s: %v", s.ID(), err) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := t0.Add(7*time.Second + 123456*time.Microsecond)
	rows := propData(r, start)
	slos := propSLOs()
	now, next := start, 0
	checked := 0
	for now.Before(start.Add(propSpan + 10*time.Minute)) {
		now = now.Add(30*time.Second + time.Duration(r.Int63n(int64(25*time.Minute))))
		manual.clock.Set(now)
		var reqs []request
		var steps []stepRow
		for ; next < len(rows) && !rows[next].at.After(now); next++ {
			if q := rows[next].req; q != nil {
				reqs = append(reqs, *q)
			} else {
				steps = append(steps, *rows[next].stp)
			}
		}
		manual.insertRequests(t, reqs)
		manual.insertSteps(t, steps)
		if r.Intn(10) < 7 {
			// With chunks, half the refreshes do one chunk only, as a read does.
			var lim store.RefreshLimit
			if chunk > 0 && r.Intn(2) == 0 {
				lim.Chunks = 1
			}
			for _, s := range slos {
				if _, err := manual.eng.RefreshLimited(ctx, s, now, lim); err != nil {
					t.Fatal(err)
				}
			}
			manual.checkRunningTotals(t)
		}
		for _, s := range slos {
			ranges := make([]engine.Range, 12)
			for i := range ranges {
				ranges[i] = randRange(r, start.Add(-20*time.Minute), now.Add(5*time.Minute))
			}
			got, err := manual.eng.Counts(ctx, s, ranges...)
			if err != nil {
				t.Fatal(err)
			}
			for i, rg := range ranges {
				if want := manual.oracle(t, s, rg.From, rg.To); got[i] != want {
					t.Errorf("now %s: %s over [%s, %s): engine %+v, plain scan %+v", now.Format(time.RFC3339Nano), s.ID(),
						rg.From.Format(time.RFC3339Nano), rg.To.Format(time.RFC3339Nano), got[i], want)
				}
				checked++
			}
			eng := manual.eng
			if r.Intn(2) == 0 {
				eng = auto
			}
			at := now.Add(-time.Duration(r.Int63n(int64(20 * time.Minute))))
			extra := 90*time.Second + time.Duration(r.Intn(40))*time.Minute/2
			st, err := eng.Status(ctx, s, at, extra)
			if err != nil {
				t.Fatal(err)
			}
			at = st.At
			if want := manual.oracle(t, s, at.Add(-s.Window), at); st.Window != want {
				t.Errorf("status %s at %s: window %+v, plain scan %+v", s.ID(), at.Format(time.RFC3339Nano), st.Window, want)
			}
			for _, w := range sortedWindows(st.BurnCounts) {
				want := manual.oracle(t, s, at.Add(-w), at)
				if st.BurnCounts[w] != want {
					t.Errorf("status %s at %s: %s window %+v, plain scan %+v", s.ID(), at.Format(time.RFC3339Nano), w, st.BurnCounts[w], want)
				}
				if br, ok := slo.BurnRate(want, s.Objective); !sameFloat(st.BurnRates[w], ptrIf(br, ok)) {
					t.Errorf("status %s: burn rate %s = %v, want %v", s.ID(), w, st.BurnRates[w], br)
				}
				checked++
			}
		}
	}
	if next != len(rows) {
		t.Fatalf("only %d of %d rows inserted", next, len(rows))
	}
	manual.checkRunningTotals(t) // also after the automatic refreshes
	t.Logf("seed %d: %d rows, %d counts checked", seed, len(rows), checked)
}

func ptrIf(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}
