package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

func TestJourneyStepBucketsEqualAPlainCountPerBucketAndStep(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	def, err := store.NewSeries(journeySLO(), slo.Tables{}, checkout())
	if err != nil {
		t.Fatal(err)
	}
	// 300 journeys starting within 3 hours, 1 to 3 steps each, a step failing now and then, a
	// few of another journey name; every row after the journey's first.
	base := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewSource(4))
	steps := []string{"login", "browse", "pay"}
	var rows [][]any
	for i := range 300 {
		name := "checkout"
		if i%10 == 9 {
			name = "signup"
		}
		start := base.Add(time.Duration(r.Int63n(int64(3 * time.Hour))))
		for k := range 1 + r.Intn(3) {
			ts := start.Add(time.Duration(k) * time.Duration(r.Intn(90)) * time.Second)
			rows = append(rows, []any{ts, fmt.Sprintf("j%d", i), name, steps[k], int32(k + 1), r.Intn(6) != 0, float64(r.Intn(3000))})
		}
	}
	if _, err := db.Pool.CopyFrom(context.Background(), pgx.Identifier{"user_journey_logs"},
		[]string{"timestamp", "journey_id", "journey_name", "step_name", "step_order", "success", "duration_ms"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}

	from, to := base.Add(17*time.Minute+3*time.Second), base.Add(2*time.Hour+41*time.Minute)
	if _, err := store.Migrate(context.Background(), db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	// Journeys looked up by id first, then read by time once a refresh has measured them.
	for _, refreshed := range []bool{false, true} {
		if refreshed {
			if _, err := store.Refresh(context.Background(), db.Pool, db.PluginSchema, def, base.Add(4*time.Hour), store.DefaultGrace, store.RefreshLimit{}); err != nil {
				t.Fatal(err)
			}
		}
		if byTime, err := store.JourneyStepsByTime(context.Background(), db.Pool, db.PluginSchema, def, from, to, store.DefaultGrace); err != nil || byTime != refreshed {
			t.Fatalf("refreshed %v: read by time %v (%v)", refreshed, byTime, err)
		}
		checkBuckets(t, db, def, from, to, refreshed)
	}
}

// checkBuckets compares JourneyStepBuckets with a plain count per bucket and step.
func checkBuckets(t *testing.T, db *storetest.DB, def store.Series, from, to time.Time, refreshed bool) {
	t.Helper()
	for _, step := range []time.Duration{time.Minute, 5 * time.Minute, 7 * time.Minute, time.Hour} {
		t.Run(fmt.Sprintf("refreshed=%v/%s", refreshed, step), func(t *testing.T) {
			got, err := store.JourneyStepBuckets(context.Background(), db.Pool, db.PluginSchema, def, from, to, step, store.DefaultGrace)
			if err != nil {
				t.Fatal(err)
			}
			gotText := bucketText(got)
			var want []string
			rs, err := db.Pool.Query(context.Background(), `
				WITH j AS (SELECT journey_id, min("timestamp") AS first FROM user_journey_logs
				           WHERE journey_name = 'checkout' GROUP BY journey_id),
				per AS (SELECT j.journey_id, $1::timestamptz + floor(extract(epoch FROM j.first - $1::timestamptz) / $3::float8) * make_interval(secs => $3::float8) AS bucket,
				               l.step_name, min(l.step_order) AS ord, bool_and(l.success) AS ok
				        FROM j JOIN user_journey_logs l ON l.journey_id = j.journey_id AND l.journey_name = 'checkout'
				        WHERE j.first >= $1 AND j.first < $2 GROUP BY 1, 2, 3)
				SELECT bucket, step_name, min(ord), count(*) FILTER (WHERE ok), count(*) FROM per
				GROUP BY 1, 2 ORDER BY 1, 3, 2`, from, to, step.Seconds())
			if err != nil {
				t.Fatal(err)
			}
			var at time.Time
			var name string
			var ord, ok, reached int64
			if _, err := pgx.ForEachRow(rs, []any{&at, &name, &ord, &ok, &reached}, func() error {
				want = append(want, fmt.Sprintf("%s %s %d %d/%d", at.UTC().Format(time.RFC3339), name, ord, ok, reached))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 || !slices.Equal(gotText, want) {
				t.Errorf("buckets differ from the plain count\n got: %v\nwant: %v", gotText, want)
			}
		})
	}
}

func TestJourneyStepBucketsRejectsWhatItCannotBucket(t *testing.T) {
	req, err := store.NewSeries(baseLatency(), slo.Tables{}, checkout())
	if err != nil {
		t.Fatal(err)
	}
	jour, err := store.NewSeries(journeySLO(), slo.Tables{}, checkout())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		def  store.Series
		step time.Duration
	}{
		{"a request series has no steps", req, time.Minute},
		{"a zero step", jour, 0},
		{"a step of a fraction of a second", jour, 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// No database is needed: the arguments are checked first.
			if _, err := store.JourneyStepBuckets(context.Background(), nil, "sloguard", tt.def, at, at.Add(time.Hour), tt.step, store.DefaultGrace); err == nil {
				t.Error("no error")
			}
		})
	}
}
