package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// CountProbing and CountScanning are Count with the rollups' totals read one way, whatever
// pickTotals would choose, so that tests check both ways on the same data.
func CountProbing(ctx context.Context, db BatchDBTX, schema string, def Series, q CountQuery) (CountResult, error) {
	return count(ctx, db, schema, def, q, probeTotals)
}

func CountScanning(ctx context.Context, db BatchDBTX, schema string, def Series, q CountQuery) (CountResult, error) {
	return count(ctx, db, schema, def, q, scanTotals)
}

// SegmentsSQL is the segments statement Count sends for a given settled, and its arguments;
// ScanningSegmentsSQL the same reading the totals by a scan; StateSegmentsSQL the statement
// taking settled from the rollup state (CountQuery.FromState).
func SegmentsSQL(schema string, def Series, bounds []time.Time, settled time.Time) (string, []any) {
	sq := segmentsSQL(schema, def, bounds, settledSource{at: settled}, autoTotals)
	return sq.sql, sq.args
}

func ScanningSegmentsSQL(schema string, def Series, bounds []time.Time, settled time.Time) (string, []any) {
	sq := segmentsSQL(schema, def, bounds, settledSource{at: settled}, scanTotals)
	return sq.sql, sq.args
}

func StateSegmentsSQL(schema string, def Series, bounds []time.Time, grace time.Duration) (string, []any) {
	sq := segmentsSQL(schema, def, bounds, settledSource{fromState: true, grace: grace}, autoTotals)
	return sq.sql, sq.args
}

// JourneyStepsByTime reports whether JourneySteps reads the rows of the journeys of [from, to)
// by time (true) or looks the journeys up by id.
func JourneyStepsByTime(ctx context.Context, db DBTX, schema string, def Series, from, to time.Time, grace time.Duration) (bool, error) {
	w, err := journeyWindowOf(ctx, db, schema, def, from, to, grace)
	return w != nil, err
}

// MigrateTo is Migrate up (or down) to version.
func MigrateTo(ctx context.Context, pool *pgxpool.Pool, schema string, version int32) (int32, error) {
	return migrateSchema(ctx, pool, schema, version)
}
