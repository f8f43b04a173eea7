package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// A mapped journey table may allow NULL step names (the reference DDL does not). Such rows
// are not reported as a step, must not break the time-series mode, and must not hide the
// drop-off of the journey they belong to.
func TestJourneyStepsWithNullStepNames(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	db.Exec(t, "ALTER TABLE user_journey_logs ALTER COLUMN step_name DROP NOT NULL")
	base := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	// j1 logs in and browses; j2 logs in, then a step without a name; j3 only logs in.
	db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms) VALUES
		($1, 'j1', 'checkout', 'login', 1, true, 100), ($1::timestamptz + interval '1 s', 'j1', 'checkout', 'browse', 2, true, 100),
		($1, 'j2', 'checkout', 'login', 1, true, 100), ($1::timestamptz + interval '1 s', 'j2', 'checkout', NULL, 2, true, 100),
		($1, 'j3', 'checkout', 'login', 1, true, 100)`, base.Add(time.Minute))
	def, err := store.NewSeries(journeySLO(), slo.Tables{}, checkout())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	from, to := base, base.Add(time.Hour)
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}

	steps, err := store.JourneySteps(ctx, db.Pool, db.PluginSchema, def, from, to, store.DefaultGrace)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%s reached %d drop %d", s.Step, s.Reached, s.DropOff))
	}
	// browse: j2 and j3 reached login but not browse.
	if want := []string{"login reached 3 drop 0", "browse reached 1 drop 2"}; !slices.Equal(got, want) {
		t.Errorf("funnel = %q, want %q", got, want)
	}

	buckets, err := store.JourneyStepBuckets(ctx, db.Pool, db.PluginSchema, def, from, to, 10*time.Minute, store.DefaultGrace)
	if err != nil {
		t.Fatalf("time-series mode with a NULL step name: %v", err)
	}
	for _, b := range buckets {
		if b.Step == "" {
			t.Errorf("a NULL step is reported: %+v", b)
		}
	}
}
