package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

func baseLatency() slo.SLO {
	return slo.SLO{
		Service: "pay", LogService: "payment-service", Name: "latency", Type: slo.Latency, Objective: 0.95,
		Window: 30 * 24 * time.Hour, ThresholdMS: 200,
		Filters: []slo.Filter{{Column: "route", Values: []string{"/b", "/a"}}, {Column: "region", Values: []string{"eu"}}},
	}
}

func checkout() slo.Journey {
	return slo.Journey{Name: "checkout", Steps: []slo.JourneyStep{{Name: "login", MaxDurationMS: 2000}, {Name: "browse"}}}
}

func journeySLO() slo.SLO {
	return slo.SLO{Service: "web", LogService: "web", Name: "checkout", Type: slo.UserJourney, Objective: 0.99, Window: time.Hour, Journey: "checkout"}
}

func key(t *testing.T, s slo.SLO, tb slo.Tables, j slo.Journey) string {
	t.Helper()
	def, err := store.NewSeries(s, tb, j)
	if err != nil {
		t.Fatal(err)
	}
	return def.Key()
}

func TestSeriesKeyFollowsOnlyWhatChangesCounts(t *testing.T) {
	base := key(t, baseLatency(), slo.Tables{}, slo.Journey{})
	same := []struct {
		name   string
		change func(*slo.SLO, *slo.Tables)
	}{
		{"the SLO's objective, window and names do not change counts", func(s *slo.SLO, _ *slo.Tables) {
			s.Objective, s.Window, s.Name, s.Service, s.Description = 0.99, time.Hour, "other", "svc", "x"
		}},
		{"filter order and value order do not matter", func(s *slo.SLO, _ *slo.Tables) {
			s.Filters = []slo.Filter{{Column: "region", Values: []string{"eu", "eu"}}, {Column: "route", Values: []string{"/a", "/b"}}}
		}},
		{"explicit default tables are the defaults", func(_ *slo.SLO, tb *slo.Tables) { *tb = slo.DefaultTables() }},
		{"an unused column does not matter", func(_ *slo.SLO, tb *slo.Tables) { tb.Requests.Route = "path" }},
	}
	for _, c := range same {
		t.Run(c.name, func(t *testing.T) {
			s, tb := baseLatency(), slo.Tables{}
			c.change(&s, &tb)
			if k := key(t, s, tb, slo.Journey{}); k != base {
				t.Errorf("key %s, want %s", k, base)
			}
		})
	}
	differ := []struct {
		name   string
		change func(*slo.SLO, *slo.Tables)
	}{
		{"a new threshold is a new series", func(s *slo.SLO, _ *slo.Tables) { s.ThresholdMS = 250 }},
		{"another service is a new series", func(s *slo.SLO, _ *slo.Tables) { s.LogService = "pay" }},
		{"a new filter value is a new series", func(s *slo.SLO, _ *slo.Tables) { s.Filters[0].Values = append(s.Filters[0].Values, "/c") }},
		{"no filters is a new series", func(s *slo.SLO, _ *slo.Tables) { s.Filters = nil }},
		{"another SLI type is a new series", func(s *slo.SLO, _ *slo.Tables) { s.Type = slo.SuccessRate }},
		{"another table is a new series", func(_ *slo.SLO, tb *slo.Tables) { tb.Requests.Table = "logs.request_logs" }},
		{"another time column is a new series", func(_ *slo.SLO, tb *slo.Tables) { tb.Requests.Timestamp = "ts" }},
		{"another response time column is a new series", func(_ *slo.SLO, tb *slo.Tables) { tb.Requests.ResponseTimeMS = "rt" }},
	}
	for _, c := range differ {
		t.Run(c.name, func(t *testing.T) {
			s, tb := baseLatency(), slo.Tables{}
			c.change(&s, &tb)
			if k := key(t, s, tb, slo.Journey{}); k == base {
				t.Errorf("key unchanged: %s", k)
			}
		})
	}
}

func TestJourneySeriesKeyFollowsStepLimits(t *testing.T) {
	base := key(t, journeySLO(), slo.Tables{}, checkout())
	j := checkout()
	j.Steps = append(j.Steps, slo.JourneyStep{Name: "pay"}) // no limit: same counts
	j.Description = "changed"
	if k := key(t, journeySLO(), slo.Tables{}, j); k != base {
		t.Errorf("a step without a limit changed the key")
	}
	j.Steps[0].MaxDurationMS = 2500
	if k := key(t, journeySLO(), slo.Tables{}, j); k == base {
		t.Errorf("a new step limit kept the key")
	}
	def, err := store.NewSeries(journeySLO(), slo.Tables{}, checkout())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(def.Definition(), &got); err != nil {
		t.Fatalf("definition is not JSON: %v", err)
	}
	if !strings.HasPrefix(def.Key(), "user_journey:") || got["type"] != "user_journey" {
		t.Errorf("key %s, definition %s", def.Key(), def.Definition())
	}
}

func TestNewSeriesRejectsWhatCannotBeCounted(t *testing.T) {
	cases := []struct {
		name string
		slo  func() slo.SLO
		tb   slo.Tables
	}{
		{"unknown SLI type", func() slo.SLO { s := baseLatency(); s.Type = "apdex"; return s }, slo.Tables{}},
		{"a filter column that is not an identifier", func() slo.SLO {
			s := baseLatency()
			s.Filters = []slo.Filter{{Column: "route; DROP TABLE x", Values: []string{"a"}}}
			return s
		}, slo.Tables{}},
		{"a table name with three parts", baseLatency, slo.Tables{Requests: slo.RequestTable{Table: "a.b.c"}}},
		{"a request SLO without a log service", func() slo.SLO { s := baseLatency(); s.LogService = ""; return s }, slo.Tables{}},
		{"a journey SLO without a journey", func() slo.SLO { s := journeySLO(); s.Journey = ""; return s }, slo.Tables{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := store.NewSeries(c.slo(), c.tb, slo.Journey{}); err == nil {
				t.Error("no error")
			}
		})
	}
}
