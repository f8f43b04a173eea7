package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DefaultSchema is the plugin-owned schema that holds rollups, alert state and incidents.
const DefaultSchema = "sloguard"

// versionTable is tern's bookkeeping table inside the plugin schema.
const versionTable = "schema_version"

var schemaPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// ErrSchemaName reports a plugin schema name that is not a plain lower-case identifier.
var ErrSchemaName = errors.New("must be a lower-case SQL identifier: a letter or _, then letters, digits or _, at most 63")

// ValidateSchema checks a plugin schema name. Only plain lower-case identifiers are allowed so
// that the name means the same quoted and unquoted (tern names its version table unquoted).
func ValidateSchema(schema string) error {
	if !schemaPattern.MatchString(schema) {
		return ErrSchemaName
	}
	return nil
}

// LatestVersion is the number of the newest embedded migration.
func LatestVersion() int32 {
	names, err := migrate.FindMigrations(migrationsDir())
	if err != nil {
		panic(fmt.Sprintf("embedded migrations: %v", err))
	}
	return int32(len(names))
}

func migrationsDir() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(fmt.Sprintf("embedded migrations: %v", err))
	}
	return sub
}

// Migrate creates the plugin schema if needed and applies every pending migration. Processes
// that start at once serialize on an advisory lock held for the whole step, so exactly one of
// them creates and migrates the schema and the others find it done.
func Migrate(ctx context.Context, pool *pgxpool.Pool, schema string) (version int32, err error) {
	return migrateSchema(ctx, pool, schema, LatestVersion())
}

// migrateSchema is Migrate to target, a version of the embedded migrations.
func migrateSchema(ctx context.Context, pool *pgxpool.Pool, schema string, target int32) (version int32, err error) {
	if err := ValidateSchema(schema); err != nil {
		return 0, fmt.Errorf("schema %q: %w", schema, err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	lockKey := "sloguard.migrate:" + schema
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtextextended($1, 0))", lockKey); err != nil {
		return 0, fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtextextended($1, 0))", lockKey); uerr != nil {
			// A connection still holding the lock must not go back to the pool.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()

	quoted := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+quoted); err != nil {
		return 0, fmt.Errorf("create schema %s: %w", schema, err)
	}
	m, err := migrate.NewMigrator(ctx, conn.Conn(), schema+"."+versionTable)
	if err != nil {
		return 0, fmt.Errorf("migrator: %w", err)
	}
	m.Data["schema"] = quoted
	if err := m.LoadMigrations(migrationsDir()); err != nil {
		return 0, fmt.Errorf("load migrations: %w", err)
	}
	if err := m.MigrateTo(ctx, target); err != nil {
		return 0, fmt.Errorf("migrate schema %s: %w", schema, err)
	}
	return m.GetCurrentVersion(ctx)
}

// SchemaVersion reports the migration version the plugin schema is at; 0 when the schema or
// its version table does not exist yet.
func SchemaVersion(ctx context.Context, db DBTX, schema string) (int32, error) {
	var exists bool
	err := db.QueryRow(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2)",
		schema, versionTable).Scan(&exists)
	if err != nil || !exists {
		return 0, err
	}
	var v int32
	err = db.QueryRow(ctx, "SELECT version FROM "+pgx.Identifier{schema, versionTable}.Sanitize()).Scan(&v)
	return v, err
}
