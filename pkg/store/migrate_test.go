package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

func TestMigrateCreatesAndMigratesTheSchemaOnce(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	if v, err := store.SchemaVersion(ctx, db.Pool, db.PluginSchema); err != nil || v != 0 {
		t.Fatalf("before: version %d, %v; want 0 for a missing schema", v, err)
	}
	for i, want := range []int32{store.LatestVersion(), store.LatestVersion()} {
		v, err := store.Migrate(ctx, db.Pool, db.PluginSchema)
		if err != nil || v != want {
			t.Fatalf("migration %d: version %d, %v; want %d", i+1, v, err, want)
		}
	}
	if v, err := store.SchemaVersion(ctx, db.Pool, db.PluginSchema); err != nil || v != store.LatestVersion() {
		t.Fatalf("after: version %d, %v; want %d", v, err, store.LatestVersion())
	}
}

func TestMigrateIsSafeWhenProcessesStartAtOnce(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	const processes = 6
	var wg sync.WaitGroup
	errs := make([]error, processes)
	versions := make([]int32, processes)
	for i := range processes {
		// Each "process" has a pool of its own, as separate Grafana replicas would.
		pool, err := store.NewPool(ctx, db.Conn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		wg.Add(1)
		go func() {
			defer wg.Done()
			versions[i], errs[i] = store.Migrate(ctx, pool, db.PluginSchema)
		}()
	}
	wg.Wait()
	for i := range processes {
		if errs[i] != nil || versions[i] != store.LatestVersion() {
			t.Errorf("process %d: version %d, %v", i, versions[i], errs[i])
		}
	}
	var tables int
	if err := db.Pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", db.PluginSchema).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 8 {
		t.Errorf("plugin schema has %d tables, want 8 (schema_version, sli_rollup, sli_rollup_state, alert_state, alert_transition, notification_outbox, incident, incident_event)", tables)
	}
}

func TestMigrateRejectsSchemaNamesThatAreNotPlainIdentifiers(t *testing.T) {
	db := storetest.New(t)
	for _, name := range []string{"", "Upper", "1st", "a-b", `x"; DROP SCHEMA public; --`, "a.b"} {
		t.Run(name, func(t *testing.T) {
			if _, err := store.Migrate(context.Background(), db.Pool, name); !errors.Is(err, store.ErrSchemaName) {
				t.Errorf("Migrate(%q) = %v, want ErrSchemaName", name, err)
			}
		})
	}
}

// TestMigration3MeasuresJourneysFromTheNextRefresh: a journey series refreshed before
// migration 3 keeps its state; its funnels look journeys up by id until a refresh has
// measured the journeys of a region reaching back far enough for the range asked.
func TestMigration3MeasuresJourneysFromTheNextRefresh(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	db.CreateLogTables(t)
	if v, err := store.MigrateTo(ctx, db.Pool, db.PluginSchema, 2); err != nil || v != 2 {
		t.Fatalf("migrate to 2: version %d, %v", v, err)
	}
	def := journeySeries(t)
	x := t0.Add(time.Hour) // covered_to as version 2 left it
	db.Exec(t, "INSERT INTO "+pgx.Identifier{db.PluginSchema, "sli_rollup_state"}.Sanitize()+
		" (series, definition, covered_to, refreshed_at) VALUES ($1, $2, $3, now())", def.Key(), string(def.Definition()), x)
	db.Exec(t, `INSERT INTO user_journey_logs ("timestamp", journey_id, journey_name, step_name, step_order, success, duration_ms) VALUES
		($1, 'a', 'checkout', 'login', 1, true, 10), ($1::timestamptz + interval '2 minutes', 'a', 'checkout', 'browse', 2, true, 10)`, x.Add(10*time.Minute))
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	byTime := func(from, to time.Time) bool {
		t.Helper()
		ok, err := store.JourneyStepsByTime(ctx, db.Pool, db.PluginSchema, def, from, to, store.DefaultGrace)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if st, found, err := store.ReadRollupState(ctx, db.Pool, db.PluginSchema, def); err != nil || !found || !st.CoveredTo.Equal(x) {
		t.Fatalf("state after migration 3: %+v found=%v (%v), want covered to %s", st, found, err, x)
	}
	if byTime(x.Add(10*time.Minute), x.Add(40*time.Minute)) {
		t.Error("read by time before any journey was measured")
	}
	// The next refresh measures [x - grace, x + 1h): journey a, 2 minutes long.
	if _, err := store.Refresh(ctx, db.Pool, db.PluginSchema, def, x.Add(time.Hour), store.DefaultGrace, store.RefreshLimit{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     bool
	}{
		{"a range starting a span into the measured region [x - 5m, x + 1h)", x.Add(-3 * time.Minute), x.Add(40 * time.Minute), true},
		{"a range whose span before it reaches before the measured region", x.Add(-4 * time.Minute), x.Add(40 * time.Minute), false},
		{"a range after the measured region (its journeys all looked up by id anyway)", x.Add(2 * time.Hour), x.Add(3 * time.Hour), false},
	}
	for _, tt := range tests {
		if got := byTime(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: read by time = %v, want %v", tt.name, got, tt.want)
		}
	}
}
