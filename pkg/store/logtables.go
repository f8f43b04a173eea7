package store

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
)

// logTablesDDL is the reference DDL of the default log tables (log_tables.sql, which users
// apply themselves); CreateLogTables runs it.
//
//go:embed log_tables.sql
var logTablesDDL string

// CreateLogTables creates the default log tables and their indexes (LogTablesDDL) in schema,
// which must exist; tables and indexes already there are kept.
func CreateLogTables(ctx context.Context, db TxStarter, schema string) error {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", pgx.Identifier{schema}.Sanitize()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, logTablesDDL)
		return err
	})
	if err != nil {
		return fmt.Errorf("create log tables in %s: %w", schema, err)
	}
	return nil
}

// column is one column a log table must have and the PostgreSQL types it may have.
type column struct {
	role     string // the setting that names it, e.g. "status_code"
	name     string // the configured column name
	optional bool
	types    []string // format_type() names accepted; nil = any
}

var (
	integerTypes   = []string{"smallint", "integer", "bigint", "numeric"}
	numericTypes   = []string{"smallint", "integer", "bigint", "numeric", "real", "double precision"}
	textTypes      = []string{"text", "character varying", "character"}
	timestampTypes = []string{"timestamp with time zone", "timestamp without time zone"}
)

func requestColumns(t slo.RequestTable) []column {
	return []column{
		{role: "service", name: t.Service, types: textTypes},
		{role: "status_code", name: t.StatusCode, types: integerTypes},
		{role: "response_time_ms", name: t.ResponseTimeMS, types: numericTypes},
		{role: "timestamp", name: t.Timestamp, types: timestampTypes},
		{role: "route", name: t.Route, optional: true, types: textTypes},
	}
}

func journeyColumns(t slo.JourneyTable) []column {
	return []column{
		{role: "journey_id", name: t.JourneyID},
		{role: "journey_name", name: t.JourneyName, types: textTypes},
		{role: "step_name", name: t.StepName, types: textTypes},
		{role: "step_order", name: t.StepOrder, types: integerTypes},
		{role: "success", name: t.Success, types: []string{"boolean"}},
		{role: "duration_ms", name: t.DurationMS, types: numericTypes},
		{role: "timestamp", name: t.Timestamp, types: timestampTypes},
	}
}

// CheckLogTables reports what is wrong with the configured log tables, one sentence a problem
// naming the table and column: a missing table, a missing column, a column of a type SLOGuard
// cannot count. needRequests and needJourneys say which tables the SLO config uses; an
// unused table is not checked. An error is returned only when the database cannot be asked.
func CheckLogTables(ctx context.Context, db DBTX, t slo.Tables, needRequests, needJourneys bool) ([]string, error) {
	var problems []string
	if needRequests {
		p, err := checkTable(ctx, db, t.Requests.Table, requestColumns(t.Requests))
		if err != nil {
			return nil, err
		}
		problems = append(problems, p...)
	}
	if needJourneys {
		p, err := checkTable(ctx, db, t.Journeys.Table, journeyColumns(t.Journeys))
		if err != nil {
			return nil, err
		}
		problems = append(problems, p...)
	}
	return problems, nil
}

func checkTable(ctx context.Context, db DBTX, table string, cols []column) ([]string, error) {
	rel := pgx.Identifier(slo.SplitQualified(table)).Sanitize()
	var found bool
	if err := db.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", rel).Scan(&found); err != nil {
		return nil, fmt.Errorf("look up table %s: %w", table, err)
	}
	if !found {
		return []string{fmt.Sprintf("table %s does not exist", table)}, nil
	}
	rows, err := db.Query(ctx, `
		SELECT attname, format_type(atttypid, atttypmod)
		FROM pg_catalog.pg_attribute
		WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`, rel)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", table, err)
	}
	types := map[string]string{}
	var name, typ string
	if _, err := pgx.ForEachRow(rows, []any{&name, &typ}, func() error {
		types[name] = typ
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", table, err)
	}
	var problems []string
	for _, c := range cols {
		typ, ok := types[c.name]
		switch {
		case !ok && !c.optional:
			problems = append(problems, fmt.Sprintf("table %s has no column %s (the %s column)", table, c.name, c.role))
		case ok && c.types != nil && !slices.Contains(c.types, baseType(typ)):
			problems = append(problems, fmt.Sprintf("column %s.%s is %s; the %s column must be one of: %s",
				table, c.name, typ, c.role, strings.Join(c.types, ", ")))
		}
	}
	return problems, nil
}

// baseType drops a type modifier: "character varying(64)" -> "character varying",
// "timestamp(3) with time zone" -> "timestamp with time zone".
func baseType(t string) string {
	open, end := strings.IndexByte(t, '('), strings.IndexByte(t, ')')
	if open < 0 || end < open {
		return t
	}
	return t[:open] + t[end+1:]
}
