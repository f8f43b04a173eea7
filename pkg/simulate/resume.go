package simulate

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/slo"
)

// LastWritten returns the latest timestamp of any row of the scenario's services and journeys
// in the log tables, zero when there is none: where a restarted live simulation resumes
// without writing the same traffic twice.
func LastWritten(ctx context.Context, pool *pgxpool.Pool, sc *Scenario, t slo.Tables) (time.Time, error) {
	tables, err := resolveTables(t)
	if err != nil {
		return time.Time{}, err
	}
	t = t.WithDefaults()
	services := make([]string, len(sc.Services))
	for i, s := range sc.Services {
		services[i] = s.Name
	}
	journeys := make([]string, len(sc.Journeys))
	for i, j := range sc.Journeys {
		journeys[i] = j.Name
	}
	r, j := t.Requests, t.Journeys
	sql := "SELECT greatest((SELECT max(" + pgx.Identifier{r.Timestamp}.Sanitize() + ") FROM " + tables.requests.Sanitize() +
		" WHERE " + pgx.Identifier{r.Service}.Sanitize() + " = ANY($1)), (SELECT max(" + pgx.Identifier{j.Timestamp}.Sanitize() +
		") FROM " + tables.journeys.Sanitize() + " WHERE " + pgx.Identifier{j.JourneyName}.Sanitize() + " = ANY($2)))::timestamptz"
	var last *time.Time
	if err := pool.QueryRow(ctx, sql, services, journeys).Scan(&last); err != nil {
		return time.Time{}, fmt.Errorf("last written row: %w", err)
	}
	if last == nil {
		return time.Time{}, nil
	}
	return last.UTC(), nil
}
