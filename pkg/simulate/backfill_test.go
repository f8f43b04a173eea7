package simulate

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
)

func TestBackfillIsDeterministicPerSeed(t *testing.T) {
	sc := mustParse(t, testScenario)
	sums := map[string]string{}
	for _, run := range []struct {
		name string
		seed int64
	}{{"first", 1}, {"again", 1}, {"other seed", 2}} {
		db := newLogDB(t)
		res := backfill(t, db, sc, t0, t0.Add(2*time.Hour), run.seed)
		if res.Requests == 0 || res.JourneyEvents == 0 {
			t.Fatalf("%s: wrote %d requests and %d journey events", run.name, res.Requests, res.JourneyEvents)
		}
		sums[run.name] = rowsChecksum(t, db)
	}
	if sums["first"] != sums["again"] {
		t.Errorf("the same seed wrote different rows: %s vs %s", sums["first"], sums["again"])
	}
	if sums["first"] == sums["other seed"] {
		t.Errorf("seeds 1 and 2 wrote the same rows: %s", sums["first"])
	}
}

func TestBackfillSpreadsRowsWithinMinutes(t *testing.T) {
	db := newLogDB(t)
	backfill(t, db, mustParse(t, testScenario), t0, t0.Add(10*time.Minute), 7)
	var distinct, onMinute int
	queryRow(t, db, `SELECT count(DISTINCT extract(second FROM "timestamp")::int),
		count(*) FILTER (WHERE date_trunc('minute', "timestamp") = "timestamp") FROM request_logs`, nil, &distinct, &onMinute)
	if distinct < 55 || onMinute > 5 {
		t.Errorf("rows fall on %d distinct seconds with %d exactly on a minute; want spread over the minute", distinct, onMinute)
	}
}

func TestBackfillDrawsProgress(t *testing.T) {
	db := newLogDB(t)
	var out bytes.Buffer
	sc := mustParse(t, testScenario)
	if _, err := Backfill(t.Context(), db.Pool, sc, BackfillOptions{From: t0, To: t0.Add(3 * time.Hour), Seed: 1, Progress: &out}); err != nil {
		t.Fatal(err)
	}
	last := out.String()[strings.LastIndex(out.String(), "\r")+1:]
	for _, want := range []string{"100.0%", " rows ", "rows/s\n"} {
		if !strings.Contains(last, want) {
			t.Errorf("last progress line %q lacks %q", last, want)
		}
	}
}

func TestBackfillRefusesBadOptions(t *testing.T) {
	db := newLogDB(t)
	sc := mustParse(t, testScenario)
	tests := []struct {
		name string
		opts BackfillOptions
		want string
	}{
		{"an empty range", BackfillOptions{From: t0, To: t0}, "To must be after From"},
		{"a table name that is no identifier", BackfillOptions{From: t0, To: t0.Add(time.Hour),
			Tables: slo.Tables{Requests: slo.RequestTable{Table: "logs; DROP TABLE x"}}}, "tables.requests.table: must be a plain SQL identifier"},
		{"a missing table", BackfillOptions{From: t0, To: t0.Add(time.Hour),
			Tables: slo.Tables{Requests: slo.RequestTable{Table: "no_such_logs"}}}, `copy into "no_such_logs"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Backfill(t.Context(), db.Pool, sc, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestBackfillOfSplitRangesWritesTheSameRows(t *testing.T) {
	sc := mustParse(t, incidentScenario)
	whole, split := newLogDB(t), newLogDB(t)
	backfill(t, whole, sc, t0, t0.Add(3*time.Hour), 4)
	cut := t0.Add(97*time.Minute + 13*time.Second) // mid-minute, inside an incident
	backfill(t, split, sc, t0, cut, 4)
	backfill(t, split, sc, cut, t0.Add(3*time.Hour), 4)
	if a, b := rowsChecksum(t, whole), rowsChecksum(t, split); a != b {
		t.Errorf("one backfill wrote %s, two halves %s", a, b)
	}
}
