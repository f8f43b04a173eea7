package simulate

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

const labelIncidents = `incidents:
  - {name: outage, service: payment_service, at: 2h, duration: 20m, error_ratio: 1}
  - {name: spike, service: payment_service, at: 30m, duration: 10m, every: 45m, error_ratio: 0.1}
  - {name: slow, service: payment_service, start: 2026-11-02T05:00:00Z, duration: 1h, latency_multiplier: 3}
  - {name: quiet, service: payment_service, at: 6h, duration: 1h, traffic_factor: 0}
  - {name: form, journey: user_registration, step: verify_email, at: 1h, duration: 30m, error_ratio: 0.5}
`

// labelNames formats labels as "name@start-end" with times as offsets from t0.
func labelNames(labels []Label) string {
	var out []string
	for _, l := range labels {
		out = append(out, fmt.Sprintf("%s@%s-%s", l.Name, l.Start.Sub(t0), l.End.Sub(t0)))
	}
	return strings.Join(out, " ")
}

func TestLabelsListIncidentsOverlappingTheRange(t *testing.T) {
	sc := mustParse(t, "start: 2026-11-02T00:00:00Z\n"+testScenario+labelIncidents)
	at := func(h, m int) time.Time { return t0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	tests := []struct {
		name     string
		from, to time.Time
		want     string
	}{
		{"every run of a repeating incident, by start", t0, at(2, 5),
			"spike@30m0s-40m0s form@1h0m0s-1h30m0s spike@1h15m0s-1h25m0s outage@2h0m0s-2h20m0s spike@2h0m0s-2h10m0s"},
		{"an incident that started before the range overlaps it", at(2, 15), at(2, 16), "outage@2h0m0s-2h20m0s"},
		{"an absolute incident keeps its time", at(4, 59), at(5, 1), "spike@5h0m0s-5h10m0s slow@5h0m0s-6h0m0s"},
		{"a traffic drop", at(6, 30), at(6, 31), "quiet@6h0m0s-7h0m0s spike@6h30m0s-6h40m0s"},
		{"an incident ending at the range start does not overlap", at(2, 20), at(2, 30), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := labelNames(sc.Labels(tt.from, tt.to)); got != tt.want {
				t.Errorf("labels = %s\nwant     %s", got, tt.want)
			}
		})
	}
}

func TestRelativeIncidentsCountFromTheRangeWithoutAStart(t *testing.T) {
	sc := mustParse(t, testScenario+labelIncidents)
	from := t0.Add(3 * time.Hour)
	got := sc.Labels(from, from.Add(2*time.Hour+5*time.Minute))
	if len(got) == 0 || got[0].Name != "spike" || !got[0].Start.Equal(from.Add(30*time.Minute)) {
		t.Errorf("labels = %s, want the first spike 30m after the range start", labelNames(got))
	}
}

func TestLabelsCarryKindAndEffect(t *testing.T) {
	sc := mustParse(t, "start: 2026-11-02T00:00:00Z\n"+testScenario+labelIncidents)
	byName := map[string]Label{}
	for _, l := range sc.Labels(t0, t0.Add(8*time.Hour)) {
		byName[l.Name] = l
	}
	want := map[string]Label{
		"outage": {Kind: KindErrorSpike, Service: "payment_service", ErrorRatio: 1},
		"slow":   {Kind: KindLatency, Service: "payment_service", LatencyMultiplier: 3},
		"quiet":  {Kind: KindTrafficDrop, Service: "payment_service"},
		"form":   {Kind: KindJourneyStep, Journey: "user_registration", Step: "verify_email", ErrorRatio: 0.5},
	}
	for name, w := range want {
		l := byName[name]
		l.Name, l.Start, l.End = "", time.Time{}, time.Time{}
		if l != w {
			t.Errorf("%s: label %+v, want %+v", name, l, w)
		}
	}
}

func TestLabelsRoundTripThroughJSON(t *testing.T) {
	sc := mustParse(t, "start: 2026-11-02T00:00:00Z\n"+testScenario+labelIncidents)
	labels := sc.Labels(t0, t0.Add(8*time.Hour))
	var buf bytes.Buffer
	if err := WriteLabels(&buf, labels); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"error_ratio": 1`, `"latency_multiplier": 3`, `"kind": "journey_step"`, `"start": "2026-11-02T02:00:00Z"`} {
		if !strings.Contains(buf.String(), key) {
			t.Errorf("JSON lacks %s:\n%s", key, buf.String())
		}
	}
	back, err := ReadLabels(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if labelNames(back) != labelNames(labels) || back[0] != labels[0] {
		t.Errorf("read back %s, wrote %s", labelNames(back), labelNames(labels))
	}
}

func TestReadLabelsRejectsBadLabels(t *testing.T) {
	const ok = `{"name":"x","kind":"error_spike","service":"s","start":"2026-11-02T00:00:00Z","end":"2026-11-02T01:00:00Z"}`
	tests := []struct{ name, json, want string }{
		{"not JSON", "[", "read labels: unexpected EOF"},
		{"an unknown field", `[` + strings.Replace(ok, `"name"`, `"nam":"y","name"`, 1) + `]`, `unknown field "nam"`},
		{"an unknown kind", `[` + strings.Replace(ok, "error_spike", "boom", 1) + `]`, `[0] "x": kind: unknown value "boom"`},
		{"no service", `[` + strings.Replace(ok, `"service":"s"`, `"service":""`, 1) + `]`, "service: required for kind error_spike"},
		{"a journey label without a journey", `[` + strings.Replace(ok, "error_spike", "journey_step", 1) + `]`, "journey: required"},
		{"end before start", `[` + strings.Replace(ok, "01:00:00Z", "00:00:00Z", 1) + `]`, "end: must be after start"},
		{"no name", `[` + ok + `,` + strings.Replace(ok, `"name":"x"`, `"name":""`, 1) + `]`, `[1] "": name: must not be empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadLabels(strings.NewReader(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
