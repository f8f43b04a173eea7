package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

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

// TestMigration3RefreshesJourneySeriesAgain: journey series refreshed before the journey span
// existed lose their state (so they are refreshed again from their first row and measure
// their journeys); request series keep theirs.
func TestMigration3RefreshesJourneySeriesAgain(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	if v, err := store.MigrateTo(ctx, db.Pool, db.PluginSchema, 2); err != nil || v != 2 {
		t.Fatalf("migrate to 2: version %d, %v", v, err)
	}
	state := pgx.Identifier{db.PluginSchema, "sli_rollup_state"}.Sanitize()
	db.Exec(t, "INSERT INTO "+state+` (series, definition, covered_to, refreshed_at) VALUES
		('user_journey:a', '{"v": 1, "journeys": {"journey": "checkout"}}', now(), now()),
		('success_rate:b', '{"v": 1, "requests": {"service": "api"}}', now(), now())`)
	if _, err := store.Migrate(ctx, db.Pool, db.PluginSchema); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Pool.Query(ctx, "SELECT series FROM "+state+" WHERE journey_span IS NULL ORDER BY series")
	if err != nil {
		t.Fatal(err)
	}
	kept, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kept, []string{"success_rate:b"}) {
		t.Errorf("states after migration 3: %q, want the request series only", kept)
	}
}
