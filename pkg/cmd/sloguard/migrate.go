package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sloguard/sloguard/pkg/store"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL)")
	schema := fs.String("schema", store.DefaultSchema, "the plugin schema to create or migrate")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *dsn == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: sloguard migrate --dsn URL [--schema NAME]")
		return exitError
	}
	if err := store.ValidateSchema(*schema); err != nil {
		fmt.Fprintf(stderr, "--schema %q: %v\n", *schema, err)
		return exitError
	}
	pool, err := store.OpenURL(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "migrate:", err)
		return exitError
	}
	defer pool.Close()
	before, err := store.SchemaVersion(ctx, pool, *schema)
	if err != nil {
		fmt.Fprintln(stderr, "migrate:", err)
		return exitError
	}
	after, err := store.Migrate(ctx, pool, *schema)
	if err != nil {
		fmt.Fprintln(stderr, "migrate:", err)
		return exitError
	}
	fmt.Fprintf(stdout, "schema %s: version %d -> %d (latest %d)\n", *schema, before, after, store.LatestVersion())
	return exitOK
}
