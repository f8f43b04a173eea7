// Package storetest gives tests their own schemas in a real PostgreSQL.
//
// The database is named by TEST_DATABASE_URL. Without it, or when it cannot be reached, a
// test is skipped on a developer machine and FAILS when CI is set (CI=true), so CI can never
// pass by testing nothing. scripts/ensure-postgres.sh provides a database that checks
// passwords.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/store"
)

// EnvURL names the environment variable that holds the test database URL.
const EnvURL = "TEST_DATABASE_URL"

// DB is one test's slice of the test database: a schema of its own for log tables (first on
// the pool's search_path) and a second, not yet created, name for the plugin schema. Both are
// dropped when the test ends.
type DB struct {
	Pool *pgxpool.Pool
	// Schema holds the test's log tables; unqualified names resolve to it.
	Schema string
	// PluginSchema is free for store.Migrate to create.
	PluginSchema string
	// Conn is how to reach the test database, for code that opens its own pool.
	Conn store.PoolConfig
}

// New creates the test's schemas and a pool whose search_path starts with Schema.
func New(t testing.TB) *DB {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		Unavailable(t, EnvURL+" is not set")
	}
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	db := &DB{
		Schema: "sgt_" + hex.EncodeToString(suffix),
		Conn: store.PoolConfig{
			Host: cc.Host, Port: int(cc.Port), Database: cc.Database, User: cc.User, Password: cc.Password,
			SSLMode: "disable", ConnectTimeout: 5 * time.Second,
		},
	}
	db.PluginSchema = db.Schema + "_plugin"

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		Unavailable(t, "cannot reach the test database: "+err.Error())
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{db.Schema}.Sanitize()); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() { db.drop(t, url) })

	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	pc.ConnConfig.RuntimeParams["search_path"] = db.Schema
	pc.ConnConfig.RuntimeParams["timezone"] = "UTC"
	db.Pool, err = pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatalf("test pool: %v", err)
	}
	return db
}

// CreateLogTables applies the reference DDL of the default log tables in the test schema.
func (db *DB) CreateLogTables(t testing.TB) {
	t.Helper()
	if err := store.CreateLogTables(context.Background(), db.Pool, db.Schema); err != nil {
		t.Fatal(err)
	}
}

// Exec runs SQL in the test schema and fails the test on error.
func (db *DB) Exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	if _, err := db.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

func (db *DB) drop(t testing.TB, url string) {
	if db.Pool != nil {
		db.Pool.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Errorf("drop test schemas: %v", err)
		return
	}
	defer conn.Close(ctx)
	for _, s := range []string{db.Schema, db.PluginSchema} {
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{s}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", s, err)
		}
	}
}

// AcceptsAnyPassword reports whether the test database lets its user in with a wrong
// password (trust authentication), which makes wrong-password tests meaningless.
func AcceptsAnyPassword(t testing.TB) bool {
	t.Helper()
	cc, err := pgx.ParseConfig(os.Getenv(EnvURL))
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	cc.Password = "sloguard-certainly-not-the-password"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return false
	}
	_ = conn.Close(ctx)
	return true
}

// Unavailable skips the test on a developer machine and fails it in CI: something the test
// needs from the database is missing.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatalf("PostgreSQL is required in CI: %s", why)
	}
	t.Skipf("PostgreSQL tests skipped: %s", why)
}
